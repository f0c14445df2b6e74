package io.distill4j.engine.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AtomicFilesTests {

    @Test
    void writesBytesTextStreamsAndPathsOverTheOldContent(@TempDir Path folder) throws IOException {
        Path target = Files.writeString(folder.resolve("model.json"), "old");
        AtomicFiles.write(target, new byte[] {1, 2, 3});
        assertThat(Files.readAllBytes(target)).containsExactly(1, 2, 3);
        AtomicFiles.writeString(target, "naïve");
        assertThat(Files.readAllBytes(target)).isEqualTo("naïve".getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(target, out -> {
            out.write("streamed".getBytes(StandardCharsets.UTF_8));
            out.close();
        });
        assertThat(target).hasContent("streamed");
        AtomicFiles.writeFile(target, temporary -> Files.writeString(temporary, "by path"));
        assertThat(target).hasContent("by path");
        assertThat(entries(folder)).containsExactly("model.json");
    }

    @Test
    void createsAnAbsentTarget(@TempDir Path folder) throws IOException {
        AtomicFiles.writeString(folder.resolve("new.txt"), "first");
        assertThat(folder.resolve("new.txt")).hasContent("first");
    }

    @Test
    void aFailingStreamWriterLeavesTheOldContentAndNoTemporaryFile(@TempDir Path folder) throws IOException {
        Path target = Files.writeString(folder.resolve("report.json"), "old");
        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            out.write(new byte[100_000]);
            out.flush();
            throw new IOException("disk full");
        })).isInstanceOf(IOException.class).hasMessage("disk full");
        assertThat(target).hasContent("old");
        assertThat(entries(folder)).containsExactly("report.json");
    }

    @Test
    void aPathWriterThatThrowsAnUncheckedExceptionLeavesNoTarget(@TempDir Path folder) throws IOException {
        Path target = folder.resolve("speed.json");
        assertThatThrownBy(() -> AtomicFiles.writeFile(target, temporary -> {
            Files.writeString(temporary, "half");
            throw new UncheckedIOException(new IOException("serializer failed"));
        })).isInstanceOf(UncheckedIOException.class);
        assertThat(target).doesNotExist();
        assertThat(entries(folder)).isEmpty();
    }

    @Test
    void theTemporaryFileLivesInTheTargetsFolderUntilTheRename(@TempDir Path folder) throws IOException {
        Path target = folder.resolve("data.csv");
        Path[] seen = new Path[1];
        AtomicFiles.writeFile(target, temporary -> {
            seen[0] = temporary;
            assertThat(target).doesNotExist();
        });
        assertThat(seen[0].getParent()).isEqualTo(folder.toAbsolutePath());
        assertThat(seen[0].getFileName().toString()).startsWith(".data.csv.").endsWith(".part");
        assertThat(seen[0]).doesNotExist();
        assertThat(target).isEmptyFile();
    }

    @Test
    void aMissingFolderIsAnIoExceptionNotCreatedForTheCaller(@TempDir Path folder) {
        Path target = folder.resolve("absent").resolve("file.txt");
        assertThatThrownBy(() -> AtomicFiles.writeString(target, "x")).isInstanceOf(IOException.class);
        assertThat(folder.resolve("absent")).doesNotExist();
    }

    private static List<String> entries(Path folder) throws IOException {
        try (Stream<Path> list = Files.list(folder)) {
            return list.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }
}
