package io.distill4j.pipeline.job;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.LongSupplier;

import io.distill4j.api.distill.Stage;
import io.distill4j.api.exception.DistillationCancelledException;
import io.distill4j.pipeline.memory.ResidentMemory;
import io.distill4j.pipeline.report.StageRecord;
import io.distill4j.pipeline.teacher.TeacherProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one clock every stage of a job runs under: it times each stage, records the process's resident
 * memory before, after and at its peak, publishes progress events to the {@link PipelineJob}, and turns a
 * cancellation request into a {@link DistillationCancelledException} at the next report.
 *
 * <p><b>Time left.</b> The estimate is built from measured rates only. The running stage's remaining time
 * is its elapsed time scaled by the share of its work still to do (once it has done at least
 * {@value #MIN_MEASURED_SHARE} of it), or an {@linkplain #expect expectation} a stage set from a rate it
 * measured (the teacher's texts per second, say). A stage still to come adds its expectation; a
 * {@linkplain #pending pending} stage — one that will do heavy work whose rate is not measured yet — makes
 * the estimate unknown rather than a guess. Stages that are neither (exporting, writing a report) are
 * seconds long and count as nothing. The job's fraction done is elapsed / (elapsed + time left) once
 * the time left is known, and before that a coarse share by stage; it never goes backwards.
 *
 * <p>A {@link TeacherProgress} too: a teacher's updates are throttled progress, its milestones reports.
 *
 * <p>Not thread-safe: a job's stages run on its worker thread.
 */
final class StageClock implements TeacherProgress {

    private static final Logger logger = LoggerFactory.getLogger(StageClock.class);

    /** The least share of a stage's work done before its own rate is trusted for the time left. */
    static final double MIN_MEASURED_SHARE = 0.02;

    /** Shortest interval between two {@linkplain #progress throttled} reports. */
    static final Duration THROTTLE = Duration.ofMillis(500);

    private static final Stage[] ORDER = Stage.values();

    private final PipelineJob job;

    private final LongSupplier nanoTime;

    private final long jobStart;

    private final Map<Stage, StageRecord> records = new EnumMap<>(Stage.class);

    private final Map<Stage, Duration> expected = new EnumMap<>(Stage.class);

    private final Set<Stage> pending = EnumSet.noneOf(Stage.class);

    private Stage stage = Stage.PREPARE_DATA;

    private boolean running;

    private long stageStart;

    private OptionalLong rssBefore = OptionalLong.empty();

    private double stageShare;

    private double fraction;

    private long lastReport = Long.MIN_VALUE;

    StageClock(PipelineJob job) {
        this(job, System::nanoTime);
    }

    StageClock(PipelineJob job, LongSupplier nanoTime) {
        this.job = job;
        this.nanoTime = nanoTime;
        this.jobStart = nanoTime.getAsLong();
    }

    /** The stage running now, or the last one that ran. */
    Stage stage() {
        return this.stage;
    }

    /** What each finished stage took, in the order they ran. */
    Map<Stage, StageRecord> records() {
        return Collections.unmodifiableMap(this.records);
    }

    /** Says that {@code stage} will do heavy work whose duration is not known yet (no time left until it is). */
    void pending(Stage later) {
        if (!this.records.containsKey(later)) {
            this.pending.add(later);
        }
    }

    /** An estimate of how long {@code stage} will take in all, from a rate a stage measured. */
    void expect(Stage later, Duration duration) {
        this.expected.put(later, duration.isNegative() ? Duration.ZERO : duration);
        this.pending.remove(later);
    }

    /** Starts timing {@code next} and resets the memory peak; publishes a first event for it. */
    void begin(Stage next) {
        if (this.running) {
            throw new IllegalStateException(this.stage + " has not ended; " + next + " cannot begin");
        }
        this.stage = next;
        this.running = true;
        this.stageShare = 0;
        this.stageStart = this.nanoTime.getAsLong();
        ResidentMemory.resetPeak();
        this.rssBefore = ResidentMemory.currentBytes();
        report(0, -1, 0, Map.of(), next.name().toLowerCase(Locale.ROOT).replace('_', ' '));
    }

    /** Ends the running stage and records its time and memory. */
    StageRecord end() {
        if (!this.running) {
            throw new IllegalStateException("No stage is running");
        }
        this.running = false;
        StageRecord record = StageRecord.of(this.stage, Duration.ofNanos(this.nanoTime.getAsLong() - this.stageStart),
                this.rssBefore, ResidentMemory.currentBytes(), ResidentMemory.peakBytes());
        this.records.put(this.stage, record);
        this.pending.remove(this.stage);
        this.expected.remove(this.stage);
        logger.info("Job {}: {} took {} ms, resident memory {} -> {} MiB, peak {} MiB", this.job.id(), this.stage,
                record.duration().toMillis(), record.rssBeforeBytes() >> 20, record.rssAfterBytes() >> 20,
                record.peakRssBytes() >> 20);
        return record;
    }

    /** {@link #report}, at most once per {@link #THROTTLE}; a cancellation request is still honoured. */
    void progress(long step, long total, double share, Map<String, Double> metrics, String message) {
        if (this.nanoTime.getAsLong() - this.lastReport < THROTTLE.toNanos()) {
            this.stageShare = clamp(share);
            throwIfCancelled();
            return;
        }
        report(step, total, share, metrics, message);
    }

    /**
     * Publishes an event of the running stage.
     *
     * @param step steps done in the stage
     * @param total the stage's steps, or -1 if unknown
     * @param share the share of the stage's work done, 0 to 1
     * @throws DistillationCancelledException if the job was asked to stop
     */
    void report(long step, long total, double share, Map<String, Double> metrics, String message) {
        long now = this.nanoTime.getAsLong();
        this.lastReport = now;
        this.stageShare = clamp(share);
        Optional<Duration> eta = timeLeft(now);
        double elapsed = (now - this.jobStart) / 1e9;
        double estimate = eta.map(left -> elapsed / Math.max(1e-9, elapsed + left.toNanos() / 1e9))
                .orElse(coarseFraction());
        this.fraction = Math.max(this.fraction, Math.min(0.999, estimate));
        long bounded = total >= 0 ? Math.min(step, total) : step;
        this.job.report(this.stage, Math.max(0, bounded), total, this.fraction, metrics, eta, message);
        throwIfCancelled();
    }

    @Override
    public void update(long step, long total, double share, Map<String, Double> metrics, String message) {
        progress(step, total, share, metrics, message);
    }

    @Override
    public void milestone(long step, long total, double share, Map<String, Double> metrics, String message) {
        report(step, total, share, metrics, message);
    }

    /** Throws if the job was asked to stop. */
    void throwIfCancelled() {
        if (this.job.isCancelRequested()) {
            throw new DistillationCancelledException(this.job.id(), "Cancelled in " + this.stage);
        }
    }

    /** The time left from measured rates, or empty while any heavy stage's rate is unknown. */
    Optional<Duration> timeLeft(long now) {
        double elapsedInStage = (now - this.stageStart) / 1e9;
        double left;
        if (this.running && this.stageShare >= MIN_MEASURED_SHARE) {
            left = elapsedInStage * (1 - this.stageShare) / this.stageShare;
        }
        else if (this.running && this.expected.containsKey(this.stage)) {
            left = Math.max(0, this.expected.get(this.stage).toNanos() / 1e9 - elapsedInStage);
        }
        else if (this.running && this.pending.contains(this.stage)) {
            return Optional.empty();
        }
        else {
            left = 0;
        }
        for (int i = this.stage.ordinal() + 1; i < ORDER.length; i++) {
            Stage later = ORDER[i];
            if (this.pending.contains(later)) {
                return Optional.empty();
            }
            left += this.expected.getOrDefault(later, Duration.ZERO).toNanos() / 1e9;
        }
        return Optional.of(Duration.ofMillis(Math.round(left * 1000)));
    }

    /** Before any rate is known: the share of the stages passed, counting the running one's own share. */
    private double coarseFraction() {
        return (this.stage.ordinal() + (this.running ? this.stageShare : 1)) / ORDER.length;
    }

    private static double clamp(double share) {
        return Double.isNaN(share) ? 0 : Math.min(1, Math.max(0, share));
    }
}
