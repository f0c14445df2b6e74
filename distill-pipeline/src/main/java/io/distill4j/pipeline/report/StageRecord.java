package io.distill4j.pipeline.report;

import java.time.Duration;
import java.util.OptionalLong;

import io.distill4j.api.Checks;
import io.distill4j.api.distill.Stage;

/**
 * How long one stage of a job took and the resident memory (RSS) of the process around it. A memory
 * figure the operating system did not give is {@value #UNKNOWN}.
 *
 * <pre>{@code
 * OptionalLong before = ResidentMemory.currentBytes();
 * ... run the stage, sampling the peak ...
 * StageRecord record = StageRecord.of(Stage.TEACHER, elapsed, before, ResidentMemory.currentBytes(), peak);
 * }</pre>
 *
 * @param stage the stage
 * @param duration its wall-clock time
 * @param rssBeforeBytes resident memory when it started, or {@value #UNKNOWN}
 * @param rssAfterBytes resident memory when it ended, or {@value #UNKNOWN}
 * @param peakRssBytes the highest resident memory seen while it ran, or {@value #UNKNOWN}
 */
public record StageRecord(Stage stage, Duration duration, long rssBeforeBytes, long rssAfterBytes,
        long peakRssBytes) {

    /** The value of a memory figure that is not known. */
    public static final long UNKNOWN = -1;

    public StageRecord {
        Checks.notNull(stage, "stage");
        Checks.notNegative(duration, "duration");
        Checks.atLeast(rssBeforeBytes, UNKNOWN, "rssBeforeBytes");
        Checks.atLeast(rssAfterBytes, UNKNOWN, "rssAfterBytes");
        Checks.atLeast(peakRssBytes, UNKNOWN, "peakRssBytes");
    }

    /** A record whose memory figures are taken from optionals; an empty one is {@value #UNKNOWN}. */
    public static StageRecord of(Stage stage, Duration duration, OptionalLong rssBefore, OptionalLong rssAfter,
            OptionalLong peakRss) {
        return new StageRecord(stage, duration, rssBefore.orElse(UNKNOWN), rssAfter.orElse(UNKNOWN),
                peakRss.orElse(UNKNOWN));
    }

    /** A record without memory figures. */
    public static StageRecord timed(Stage stage, Duration duration) {
        return new StageRecord(stage, duration, UNKNOWN, UNKNOWN, UNKNOWN);
    }
}
