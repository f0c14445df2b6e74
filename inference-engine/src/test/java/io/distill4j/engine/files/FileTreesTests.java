package io.distill4j.engine.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class FileTreesTests {

    @Test
    void deletesAFolderAndEverythingUnderIt(@TempDir Path folder) throws IOException {
        Path root = Files.createDirectories(folder.resolve("staging/1/nested"));
        Files.writeString(root.resolve("model.onnx"), "m");
        Files.writeString(folder.resolve("staging/1/model.json"), "{}");
        Path sibling = Files.writeString(folder.resolve("keep.txt"), "k");
        FileTrees.delete(folder.resolve("staging"));
        assertThat(folder.resolve("staging")).doesNotExist();
        assertThat(sibling).hasContent("k");
    }

    @Test
    void deletesASingleFile(@TempDir Path folder) throws IOException {
        Path file = Files.writeString(folder.resolve("a.txt"), "a");
        FileTrees.delete(file);
        assertThat(file).doesNotExist();
    }

    @Test
    void doesNothingForAMissingOrNullRoot(@TempDir Path folder) {
        assertThatCode(() -> FileTrees.delete(folder.resolve("absent"))).doesNotThrowAnyException();
        assertThatCode(() -> FileTrees.delete(null)).doesNotThrowAnyException();
    }

    @Test
    void deletesLinksWithoutFollowingThem(@TempDir Path folder) throws IOException {
        Path outside = Files.createDirectories(folder.resolve("outside"));
        Path kept = Files.writeString(outside.resolve("kept.txt"), "k");
        Path root = Files.createDirectories(folder.resolve("tree"));
        Files.createSymbolicLink(root.resolve("link"), outside);
        FileTrees.delete(root);
        assertThat(root).doesNotExist();
        assertThat(kept).hasContent("k");
    }
}
