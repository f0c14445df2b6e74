package io.distill4j.spring.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** all-MiniLM-L6-v2 from the test class path (the registry jar), as the tests' model files. */
public final class MiniLmRepository {

    private MiniLmRepository() {
    }

    /**
     * Installs MiniLM as {@code minilm/1} (ONNX, tokenizer, a text-embedding manifest with mean pooling and
     * normalization) into a model repository, creating it.
     * @return the repository root
     */
    public static Path install(Path repository) throws IOException {
        return install(repository, "minilm", 1);
    }

    /**
     * Installs MiniLM as {@code <name>/<version>} (its manifest's description says which), e.g. a second
     * version of the same model to hot-swap to.
     * @return the repository root
     */
    public static Path install(Path repository, String name, long version) throws IOException {
        Path folder = Files.createDirectories(repository.resolve(name).resolve(Long.toString(version)));
        copy("/all-minilm-l6-v2.onnx", folder.resolve("model.onnx"));
        copy("/all-minilm-l6-v2-tokenizer.json", folder.resolve("tokenizer.json"));
        Files.writeString(folder.resolve("model.json"), """
                {"task": "text-embedding", "tokenizer": "tokenizer.json", "pooling": "mean", "normalize": true,
                 "description": "MiniLM as %s version %d"}
                """.formatted(name, version));
        return repository;
    }

    /** Copies a class-path resource (e.g. {@code /all-minilm-l6-v2.onnx}) to a file. */
    public static void copy(String resource, Path target) throws IOException {
        try (InputStream in = MiniLmRepository.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test class path");
            }
            Files.copy(in, target);
        }
    }
}
