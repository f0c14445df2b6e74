package io.distill4j.pipeline.job;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.distill4j.api.distill.DataSpec;
import io.distill4j.api.distill.DistillationResult;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.DistillationTask;
import io.distill4j.api.distill.JobState;
import io.distill4j.api.distill.ProgressEvent;
import io.distill4j.api.distill.Stage;
import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.api.exception.DistillationCancelledException;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.api.exception.ErrorCode;
import io.distill4j.api.exception.TransientException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PipelineJobTests {

    private static final DistillationSpec SPEC = DistillationSpec.builder()
            .teacher(TeacherSpec.onnxClassifier(Path.of("teacher/model.onnx"), Path.of("teacher/tokenizer.json")))
            .data(DataSpec.csv(Path.of("train.csv")))
            .build();

    private static PipelineJob job() {
        return new PipelineJob("job-1", SPEC, Clock.systemUTC());
    }

    private static DistillationResult result() {
        DistillationResult.ModelFigures figures = new DistillationResult.ModelFigures(0.9, 10, 100, 1, 100);
        Path dir = Path.of("out");
        return new DistillationResult("job-1", DistillationTask.TEXT_CLASSIFICATION, "accuracy", figures, figures,
                figures, new DistillationResult.Files(dir, dir.resolve("a.onnx"), dir.resolve("b.onnx"),
                        dir.resolve("r.json"), dir.resolve("r.html")), Optional.empty(), java.util.OptionalLong.empty(),
                Map.of(), 1, List.of(), Map.of(), false);
    }

    @Test
    void aJobGoesFromQueuedThroughRunningToSucceeded() {
        PipelineJob job = job();
        assertThat(job.state()).isEqualTo(JobState.QUEUED);
        assertThat(job.progress().state()).isEqualTo(JobState.QUEUED);
        assertThat(job.start()).isTrue();
        assertThat(job.start()).isFalse();
        job.report(Stage.TEACHER, 5, 10, 0.2, Map.of("loss", 1.5), Optional.empty(), "teacher: 5 of 10");
        DistillationResult result = result();
        job.succeed(result, Stage.REGISTER);
        assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(job.await()).isSameAs(result);
        assertThat(job.events()).extracting(ProgressEvent::state).containsExactly(JobState.QUEUED, JobState.RUNNING,
                JobState.RUNNING, JobState.SUCCEEDED);
        assertThat(job.progress().fraction()).isEqualTo(1.0);
        assertThat(job.cancel()).isFalse();
    }

    @Test
    void aSubscriberGetsTheCurrentEventThenEveryLaterOneInOrder() {
        PipelineJob job = job();
        job.start();
        List<ProgressEvent> seen = new ArrayList<>();
        PipelineJob.Subscription subscription = job.subscribe(seen::add);
        job.report(Stage.TEACHER, 1, 2, 0.1, Map.of(), Optional.empty(), "one");
        job.report(Stage.TEACHER, 2, 2, 0.2, Map.of(), Optional.empty(), "two");
        subscription.close();
        subscription.close();
        job.report(Stage.TUNING, 0, -1, 0.3, Map.of(), Optional.empty(), "after close");
        assertThat(seen).extracting(ProgressEvent::message).containsExactly("started", "one", "two");
    }

    @Test
    void aSubscriberAfterTheEndGetsOnlyTheTerminalEvent() {
        PipelineJob job = job();
        job.start();
        job.fail(new IllegalStateException("disk full"), Stage.EXPORT);
        List<ProgressEvent> seen = new ArrayList<>();
        job.subscribe(seen::add).close();
        assertThat(seen).singleElement().satisfies(e -> {
            assertThat(e.state()).isEqualTo(JobState.FAILED);
            assertThat(e.stage()).isEqualTo(Stage.EXPORT);
            assertThat(e.message()).contains("disk full");
        });
        assertThatThrownBy(job::await).isInstanceOf(DistillationException.class)
                .hasMessageContaining("disk full").hasMessageContaining("EXPORT");
    }

    @Test
    void aFailingListenerDoesNotStopTheJobOrOtherListeners() {
        PipelineJob job = job();
        List<String> seen = new ArrayList<>();
        job.subscribe(e -> {
            throw new IllegalStateException("listener bug");
        });
        job.subscribe(e -> seen.add(e.message()));
        job.start();
        job.report(Stage.TEACHER, 0, -1, 0.1, Map.of(), Optional.empty(), "goes on");
        assertThat(seen).containsExactly("queued", "started", "goes on");
    }

    @Test
    void cancellingAQueuedJobEndsItAndItNeverStarts() {
        PipelineJob job = job();
        assertThat(job.cancel()).isTrue();
        assertThat(job.cancel()).isFalse();
        assertThat(job.state()).isEqualTo(JobState.CANCELLED);
        assertThat(job.start()).isFalse();
        assertThatThrownBy(job::await).isInstanceOf(DistillationCancelledException.class)
                .hasMessageContaining("before it started");
    }

    @Test
    void cancellingARunningJobAsksTheBodyWhichEndsItCancelled() {
        PipelineJob job = job();
        job.start();
        assertThat(job.cancel()).isTrue();
        assertThat(job.isCancelRequested()).isTrue();
        assertThat(job.state()).isEqualTo(JobState.RUNNING);
        job.fail(new DistillationCancelledException(null, "Cancelled in training"), Stage.TUNING);
        assertThat(job.state()).isEqualTo(JobState.CANCELLED);
        assertThatThrownBy(job::await).isInstanceOf(DistillationCancelledException.class)
                .hasMessageContaining("Cancelled in training");
    }

    @Test
    void awaitWithATimeoutReportsTimeoutAndTheJobKeepsRunning() {
        PipelineJob job = job();
        job.start();
        assertThatThrownBy(() -> job.await(Duration.ofMillis(20))).isInstanceOfSatisfying(TransientException.class,
                ex -> assertThat(ex.code()).isEqualTo(ErrorCode.TIMEOUT));
        assertThat(job.state()).isEqualTo(JobState.RUNNING);
    }

    @Test
    void anInterruptedWaitIsUnavailableAndKeepsTheInterruptFlag() throws Exception {
        PipelineJob job = job();
        job.start();
        CountDownLatch done = new CountDownLatch(1);
        Throwable[] thrown = new Throwable[1];
        boolean[] flag = new boolean[1];
        Thread waiter = new Thread(() -> {
            try {
                job.await();
            }
            catch (Throwable ex) {
                thrown[0] = ex;
                flag[0] = Thread.currentThread().isInterrupted();
            }
            done.countDown();
        });
        waiter.start();
        waiter.interrupt();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(thrown[0]).isInstanceOfSatisfying(TransientException.class,
                ex -> assertThat(ex.code()).isEqualTo(ErrorCode.UNAVAILABLE));
        assertThat(flag[0]).isTrue();
        assertThat(job.state()).isEqualTo(JobState.RUNNING);
    }

    @Test
    void reportingOutsideTheRunningStateIsABug() {
        PipelineJob job = job();
        assertThatThrownBy(() -> job.report(Stage.TEACHER, 0, -1, 0, Map.of(), Optional.empty(), "early"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("QUEUED");
    }
}
