package io.distill4j.spring.grpc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.api.grpc.distill.v1.Data;
import io.distill4j.api.grpc.distill.v1.DistillationSpec;
import io.distill4j.api.grpc.distill.v1.PrecomputedLogits;
import io.distill4j.api.grpc.distill.v1.Teacher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Request paths are confined to the allowed roots, textually and through symbolic links; a teacher message
 * maps onto its API kind.
 */
class DistillationMessagesTests {

    @TempDir
    Path dir;

    @Test
    void pathsUnderARootAreResolvedAgainstTheFirstRoot() throws Exception {
        Path root = Files.createDirectories(this.dir.resolve("data"));
        Files.writeString(root.resolve("train.csv"), "text,label\n");
        DistillationMessages messages = new DistillationMessages(List.of(root));
        assertThat(messages.path("spec.data.train_path", "train.csv")).isEqualTo(root.resolve("train.csv"));
        assertThat(messages.path("spec.output", "jobs/new/out")).as("not yet existing").isEqualTo(root.resolve("jobs/new/out"));
        assertThat(messages.path("spec.data.train_path", root.resolve("sub/../train.csv").toString()))
            .isEqualTo(root.resolve("train.csv"));
    }

    @Test
    void pathsOutsideTheRootsAreRefusedNamingTheField() throws Exception {
        Path root = Files.createDirectories(this.dir.resolve("data"));
        DistillationMessages messages = new DistillationMessages(List.of(root));
        assertThatThrownBy(() -> messages.path("spec.data.train_path", "../secret.csv"))
            .isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("spec.data.train_path")
            .hasMessageContaining("outside the folders this server reads from");
        assertThatThrownBy(() -> messages.path("spec.data.train_path", "")).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("is required");
    }

    @Test
    void aSymbolicLinkInsideARootDoesNotLeadOutOfIt() throws Exception {
        Path root = Files.createDirectories(this.dir.resolve("data"));
        Path outside = Files.createDirectories(this.dir.resolve("outside"));
        Files.writeString(outside.resolve("secret.csv"), "text,label\n");
        Files.createSymbolicLink(root.resolve("link"), outside);
        Files.createSymbolicLink(root.resolve("file-link.csv"), outside.resolve("secret.csv"));
        Files.createDirectories(root.resolve("real"));
        Files.createSymbolicLink(root.resolve("inner-link"), root.resolve("real"));
        DistillationMessages messages = new DistillationMessages(List.of(root));
        assertThatThrownBy(() -> messages.path("spec.data.train_path", "link/secret.csv"))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("outside");
        assertThatThrownBy(() -> messages.path("spec.data.train_path", "file-link.csv"))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("outside");
        assertThatThrownBy(() -> messages.path("spec.output", "link/not-yet/out"))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("outside");
        assertThat(messages.path("spec.data.train_path", "inner-link/x.csv")).as("a link that stays inside")
            .isEqualTo(root.resolve("inner-link/x.csv"));
    }

    @Test
    void aRootThatIsItselfALinkStillWorks() throws Exception {
        Path target = Files.createDirectories(this.dir.resolve("target"));
        Path root = Files.createSymbolicLink(this.dir.resolve("root-link"), target);
        Files.writeString(target.resolve("train.csv"), "text,label\n");
        DistillationMessages messages = new DistillationMessages(List.of(root));
        assertThat(messages.path("spec.data.train_path", "train.csv")).isEqualTo(root.resolve("train.csv"));
    }

    @Test
    void aPrecomputedLogitsTeacherMapsWithItsTokenizerAndLabels() throws Exception {
        Path root = Files.createDirectories(this.dir.resolve("data"));
        DistillationMessages messages = new DistillationMessages(List.of(root));
        DistillationSpec message = DistillationSpec.newBuilder().setData(Data.newBuilder().setTrainPath("train.csv"))
            .setTeacher(Teacher.newBuilder().setPrecomputedLogits(PrecomputedLogits.newBuilder()
                .setFilePath("logits.jsonl").setTokenizerPath("tokenizer.json").addLabels("neg").addLabels("pos")))
            .build();

        assertThat(messages.toSpec(message).teacher()).isEqualTo(new TeacherSpec.PrecomputedLogits(
            root.resolve("logits.jsonl"), root.resolve("tokenizer.json"), List.of("neg", "pos")));
    }

    @Test
    void aPrecomputedLogitsTeacherWithoutATokenizerIsRefusedNamingTheField() throws Exception {
        Path root = Files.createDirectories(this.dir.resolve("data"));
        DistillationMessages messages = new DistillationMessages(List.of(root));
        DistillationSpec message = DistillationSpec.newBuilder().setData(Data.newBuilder().setTrainPath("train.csv"))
            .setTeacher(Teacher.newBuilder().setPrecomputedLogits(PrecomputedLogits.newBuilder()
                .setFilePath("logits.jsonl")))
            .build();

        assertThatThrownBy(() -> messages.toSpec(message)).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("spec.teacher.precomputed_logits.tokenizer_path").hasMessageContaining("is required");
    }
}
