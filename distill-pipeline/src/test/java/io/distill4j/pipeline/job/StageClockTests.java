package io.distill4j.pipeline.job;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.distill4j.api.distill.DataSpec;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.ProgressEvent;
import io.distill4j.api.distill.Stage;
import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.api.exception.DistillationCancelledException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StageClockTests {

    private static final DistillationSpec SPEC = DistillationSpec.builder()
            .teacher(TeacherSpec.onnxClassifier(Path.of("teacher/model.onnx"), Path.of("teacher/tokenizer.json")))
            .data(DataSpec.csv(Path.of("train.csv")))
            .build();

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private PipelineJob job;

    private StageClock clock;

    @BeforeEach
    void start() {
        this.job = new PipelineJob("job-1", SPEC, Clock.systemUTC());
        this.job.start();
        this.clock = new StageClock(this.job, this.now::get);
    }

    private void advance(Duration duration) {
        this.now.addAndGet(duration.toNanos());
    }

    private ProgressEvent latest() {
        return this.job.progress();
    }

    @Test
    void theTimeLeftOfARunningStageComesFromItsMeasuredRate() {
        this.clock.begin(Stage.TUNING);
        advance(Duration.ofMinutes(2));
        this.clock.report(1, 4, 0.25, Map.of(), "trial 1 of 4");
        assertThat(latest().eta()).contains(Duration.ofMinutes(6));
        assertThat(latest().fraction()).isCloseTo(0.25, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void aPendingHeavyStageMakesTheTimeLeftUnknownInsteadOfAGuess() {
        this.clock.pending(Stage.TUNING);
        this.clock.begin(Stage.TEACHER);
        advance(Duration.ofSeconds(30));
        this.clock.report(500, 1000, 0.5, Map.of(), "teacher: 500 of 1000 texts");
        assertThat(latest().eta()).isEmpty();
        assertThat(latest().fraction()).isBetween(0.0, 1.0);
    }

    @Test
    void anExpectationFromAMeasuredRateCountsForAStageStillToCome() {
        this.clock.pending(Stage.TUNING);
        this.clock.begin(Stage.TEACHER);
        advance(Duration.ofSeconds(30));
        this.clock.expect(Stage.TUNING, Duration.ofMinutes(10));
        this.clock.report(500, 1000, 0.5, Map.of(), "teacher: 500 of 1000 texts");
        assertThat(latest().eta()).contains(Duration.ofSeconds(630));
    }

    @Test
    void aStageThatHasDoneTooLittleUsesItsExpectation() {
        this.clock.expect(Stage.TEACHER, Duration.ofSeconds(100));
        this.clock.begin(Stage.TEACHER);
        advance(Duration.ofSeconds(40));
        this.clock.report(1, 1000, 0.001, Map.of(), "teacher: 1 of 1000 texts");
        assertThat(latest().eta()).contains(Duration.ofSeconds(60));
    }

    @Test
    void theFractionNeverGoesBackwards() {
        this.clock.begin(Stage.TUNING);
        advance(Duration.ofMinutes(1));
        this.clock.report(1, 2, 0.5, Map.of(), "half");
        double before = latest().fraction();
        advance(Duration.ofMinutes(1));
        this.clock.report(1, 2, 0.4, Map.of(), "a slower rung");
        assertThat(latest().fraction()).isGreaterThanOrEqualTo(before);
    }

    @Test
    void eachStageIsTimedAndRecordedInOrder() {
        this.clock.begin(Stage.PREPARE_DATA);
        advance(Duration.ofSeconds(3));
        this.clock.end();
        this.clock.begin(Stage.TEACHER);
        advance(Duration.ofSeconds(7));
        this.clock.end();
        assertThat(this.clock.records().keySet()).containsExactly(Stage.PREPARE_DATA, Stage.TEACHER);
        assertThat(this.clock.records().get(Stage.TEACHER).duration()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void aStageCannotBeginBeforeTheRunningOneEnds() {
        this.clock.begin(Stage.PREPARE_DATA);
        assertThatThrownBy(() -> this.clock.begin(Stage.TEACHER)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("PREPARE_DATA");
        assertThatThrownBy(() -> new StageClock(this.job, this.now::get).end())
            .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void throttledProgressPublishesAtMostTwiceASecond() {
        this.clock.begin(Stage.TEACHER);
        int before = this.job.events().size();
        for (int i = 0; i < 10; i++) {
            advance(Duration.ofMillis(100));
            this.clock.progress(i, 10, i / 10.0, Map.of(), "step " + i);
        }
        List<ProgressEvent> published = this.job.events().subList(before, this.job.events().size());
        assertThat(published).hasSize(2);
    }

    @Test
    void aCancellationRequestStopsTheStageAtItsNextReport() {
        this.clock.begin(Stage.TEACHER);
        this.job.cancel();
        assertThatThrownBy(() -> this.clock.progress(1, 10, 0.1, Map.of(), "step"))
            .isInstanceOf(DistillationCancelledException.class).hasMessageContaining("TEACHER");
    }
}
