package io.distill4j.pipeline.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;

import io.distill4j.api.distill.DataSpec;
import io.distill4j.api.distill.DistillationJob;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.JobState;
import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.PipelineDistiller;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Job ids stay unique across restarts: a distiller started on a work directory that already holds
 * {@code jobs/intents-1} and {@code jobs/intents-2} (an earlier process's jobs) numbers the next job of that spec
 * 3, never 1 again, so it cannot write into the folder behind an earlier, maybe registered, student.
 */
class JobIdsTests {

    @TempDir
    Path dir;

    /** A spec whose job fails at once (no data), enough to see which id and folder it gets. */
    private DistillationSpec spec() {
        return DistillationSpec.builder().name("intents")
                .teacher(TeacherSpec.onnxEncoder(this.dir.resolve("none.onnx"), this.dir.resolve("none.json")))
                .data(DataSpec.csv(this.dir.resolve("missing.csv"))).build();
    }

    @Test
    void anIdWhoseFolderExistsIsNeverGivenAgainAndItsFilesStayAsTheyWere() throws Exception {
        Path work = this.dir.resolve("work");
        Path earlier = Files.createDirectories(work.resolve("jobs/intents-1"));
        Files.writeString(earlier.resolve("report.json"), "the earlier job's report");
        Files.createDirectories(work.resolve("jobs/intents-2"));

        try (PipelineDistiller distiller = new PipelineDistiller(DistillerConfig.builder(work).build())) {
            DistillationJob first = distiller.submit(spec());
            DistillationJob second = distiller.submit(spec());
            assertThat(first.id()).isEqualTo("intents-3");
            assertThat(second.id()).isEqualTo("intents-4");
            catchThrowable(first::await);
            catchThrowable(second::await);
            assertThat(first.state()).isEqualTo(JobState.FAILED);
        }
        try (PipelineDistiller restarted = new PipelineDistiller(DistillerConfig.builder(work).build())) {
            DistillationJob next = restarted.submit(spec());
            assertThat(next.id()).as("after a restart").isEqualTo("intents-5");
            catchThrowable(next::await);
        }
        assertThat(Files.readString(earlier.resolve("report.json"))).isEqualTo("the earlier job's report");
        assertThat(work.resolve("jobs/intents-3")).isDirectory();
    }
}
