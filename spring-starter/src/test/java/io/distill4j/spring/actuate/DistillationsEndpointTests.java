package io.distill4j.spring.actuate;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

import io.distill4j.api.distill.DataSpec;
import io.distill4j.api.distill.DistillationJob;
import io.distill4j.api.distill.DistillationResult;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.DistillationTask;
import io.distill4j.api.distill.JobState;
import io.distill4j.api.distill.ProgressEvent;
import io.distill4j.api.distill.Stage;
import io.distill4j.api.distill.TeacherSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The distillations endpoint over jobs in every state: what it shows of each, and what cancel does. */
class DistillationsEndpointTests {

    private final FakeJob queued = new FakeJob("intents-2", JobState.QUEUED, null);

    private final FakeJob done = new FakeJob("intents-1", JobState.SUCCEEDED, result("intents-1"));

    private final DistillationsEndpoint endpoint = new DistillationsEndpoint(new FakeDistiller(List.of(this.queued,
            this.done)));

    @Test
    void aSucceededJobShowsTheRegisteredModelAndItsReport() {
        DistillationsEndpoint.Job job = this.endpoint.job("intents-1");
        assertThat(job.state()).isEqualTo("SUCCEEDED");
        assertThat(job.progress()).isEqualTo(1.0);
        assertThat(job.result().model()).isEqualTo("intents");
        assertThat(job.result().version()).isEqualTo(3L);
        assertThat(job.result().report()).startsWith("file:").endsWith("/jobs/intents-1/report.html");
        assertThat(job.result().reportJson()).endsWith("/jobs/intents-1/report.json");
        assertThat(job.result().gatesPassed()).isTrue();
        assertThat(job.error()).isNull();
    }

    @Test
    void theListIsNewestFirstAndCancelStopsAQueuedJob() {
        assertThat(this.endpoint.jobs().jobs()).extracting(DistillationsEndpoint.Job::id)
            .containsExactly("intents-2", "intents-1");
        DistillationsEndpoint.Job cancelled = this.endpoint.cancel("intents-2");
        assertThat(cancelled.state()).isEqualTo("CANCELLED");
        assertThat(cancelled.result()).isNull();
        assertThat(this.endpoint.cancel("intents-1").state()).as("an ended job stays as it ended").isEqualTo("SUCCEEDED");
    }

    @Test
    void anUnknownJobIsNull() {
        assertThat(this.endpoint.job("nope-1")).isNull();
        assertThat(this.endpoint.cancel("nope-1")).isNull();
    }

    private static DistillationResult result(String id) {
        Path out = Path.of("/work/jobs").resolve(id);
        DistillationResult.ModelFigures figures = new DistillationResult.ModelFigures(0.9, 1000, 4000, 1.0, 100);
        return new DistillationResult(id, DistillationTask.TEXT_CLASSIFICATION, "accuracy", figures, figures, figures,
                new DistillationResult.Files(out, out.resolve("student.onnx"), out.resolve("student-int8.onnx"),
                        out.resolve("report.json"), out.resolve("report.html")),
                Optional.of("intents"), OptionalLong.of(3), Map.of(), 1, List.of(), Map.of(), false);
    }

    private static final class FakeJob implements DistillationJob {

        private final String id;

        private final DistillationResult result;

        private JobState state;

        FakeJob(String id, JobState state, DistillationResult result) {
            this.id = id;
            this.state = state;
            this.result = result;
        }

        @Override
        public String id() {
            return this.id;
        }

        @Override
        public DistillationSpec spec() {
            return DistillationSpec.builder().name("intents").teacher(TeacherSpec.repositoryModel("minilm"))
                .data(DataSpec.csv(Path.of("train.csv"))).build();
        }

        @Override
        public JobState state() {
            return this.state;
        }

        @Override
        public ProgressEvent progress() {
            return new ProgressEvent(this.id, this.state, Stage.REGISTER, 0, -1,
                    this.state == JobState.SUCCEEDED ? 1 : 0, Map.of(), Optional.empty(), this.state.name(),
                    Instant.EPOCH);
        }

        @Override
        public List<ProgressEvent> events() {
            return List.of(progress());
        }

        @Override
        public Subscription subscribe(Consumer<ProgressEvent> listener) {
            return () -> { };
        }

        @Override
        public boolean cancel() {
            if (this.state.isTerminal()) {
                return false;
            }
            this.state = JobState.CANCELLED;
            return true;
        }

        @Override
        public DistillationResult await() {
            return this.result;
        }

        @Override
        public DistillationResult await(Duration timeout) {
            return this.result;
        }
    }
}
