package io.distill4j.samples.platformserver;

import java.nio.file.Path;
import java.util.List;

import io.distill4j.api.distill.DataFormat;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.DistillationTask;
import io.distill4j.spring.grpc.DistillationMessages;
import io.distill4j.spring.spec.DistillationSpecFiles;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The spec files under {@code samples/specs} that the README runs are valid specs whose data exists. */
class ExampleSpecFilesTests {

    /** The repository root, which the README's commands run from (the module folder is two below it). */
    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

    @Test
    void theExampleSpecsAreValidSpecs() {
        DistillationMessages messages = new DistillationMessages(List.of(ROOT));
        io.distill4j.api.grpc.distill.v1.DistillationSpec intents = DistillationSpecFiles
            .read(ROOT.resolve("samples/specs/intents.yaml"));
        assertThat(intents.getRegister()).isEqualTo("intents");
        DistillationSpec api = messages.toSpec(intents);
        assertThat(api.task()).isEqualTo(DistillationTask.TEXT_CLASSIFICATION);
        assertThat(api.data().train()).isEqualTo(ROOT.resolve("samples/specs/intents.csv"));
        assertThat(api.data().train()).isRegularFile();

        DistillationSpec banking77 = messages.toSpec(DistillationSpecFiles
            .read(ROOT.resolve("samples/specs/banking77.yaml")));
        assertThat(banking77.data().format()).isEqualTo(DataFormat.TSV);
        assertThat(banking77.gates()).hasSize(1);
        assertThat(banking77.register()).contains("banking77-student");
    }
}
