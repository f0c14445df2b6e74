package io.distill4j.samples.grpcclients;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.distill4j.api.grpc.distill.v1.DistillationSpec;
import io.distill4j.spring.spec.DistillationSpecFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The clients run without Spring: the starter's spec-file reader comes without any of the starter's
 * dependencies, and still reads spec files and refuses bad ones.
 */
class SpringFreeClassPathTests {

    @ParameterizedTest
    @ValueSource(strings = {"org.springframework.boot.SpringApplication",
            "org.springframework.boot.autoconfigure.SpringBootApplication",
            "org.springframework.context.ApplicationContext", "org.springframework.core.SpringVersion",
            "org.springframework.grpc.server.GrpcServerFactory", "ai.onnxruntime.OrtEnvironment",
            "ai.djl.engine.Engine"})
    void springOnnxRuntimeAndDjlAreNotOnTheClassPath(String className) {
        assertThatExceptionOfType(ClassNotFoundException.class)
            .isThrownBy(() -> Class.forName(className, false, getClass().getClassLoader()));
    }

    @Test
    void theStartersSpecReaderReadsASpecFileWithoutSpring(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("spec.yaml"), """
                name: intents
                teacher: { repository_model: { name: minilm } }
                data: { train_path: intents.csv }
                student: { bag_of_embeddings: { embedding_size: 16, hidden_size: 16 } }
                register: intents
                """);
        DistillationSpec spec = DistillationSpecFiles.read(file);
        assertThat(spec.getTeacher().getRepositoryModel().getName()).isEqualTo("minilm");
        assertThat(spec.getData().getTrainPath()).isEqualTo("intents.csv");
        assertThat(spec.getStudent().getBagOfEmbeddings().getHiddenSize()).isEqualTo(16);
        assertThat(spec.getRegister()).isEqualTo("intents");
    }

    @Test
    void distillClientRefusesABadSpecFileNamingTheFieldBeforeCallingAnyServer(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("typo.yaml"), "teacher: { repository_model: { name: minilm } }\n"
                + "data: { train_paht: intents.csv }\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            // Port 1: nothing listens there, so a call would fail with UNAVAILABLE and exit status 1.
            status = DistillClient.run(new String[] {"--target", "localhost:1", "--token", "t", file.toString()}, o, e);
        }
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
            .startsWith("error: " + file + ": data.train_paht: is not a field of Data");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
