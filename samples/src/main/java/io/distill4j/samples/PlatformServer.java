package io.distill4j.samples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import io.distill4j.api.ModelDescriptor;
import io.distill4j.api.RepositoryEntry;
import io.distill4j.api.TaskType;
import io.distill4j.api.exception.Distill4jException;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.session.SessionConfig;

/**
 * Starts the Distill4j engine on a model repository and serves text typed on standard input.
 *
 * <p>The repository is {@code ./models} unless {@code -Ddistill4j.models=<dir>} says otherwise. If it
 * holds no model, the embedded default is installed into it: all-MiniLM-L6-v2 (ONNX and
 * tokenizer.json) from the registry jar on the class path, as {@code minilm/1}. Every model in the
 * repository is then loaded; each line typed is embedded (or classified) by the first text model and,
 * for embeddings, compared with the previous line.
 */
public final class PlatformServer {

    private PlatformServer() {
    }

    public static void main(String[] args) throws IOException {
        Path repository = Path.of(System.getProperty("distill4j.models", "models")).toAbsolutePath();
        installDefaultModelIfEmpty(repository);
        EngineConfig config = EngineConfig.builder()
            .modelRepository(repository)
            .session(SessionConfig.builder().intraOpThreads(Runtime.getRuntime().availableProcessors()).build())
            .build();
        try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(config)) {
            Runtime.getRuntime().addShutdownHook(new Thread(engine::close, "distill4j-shutdown"));
            for (RepositoryEntry entry : engine.repositoryIndex()) {
                try {
                    engine.load(entry.name());
                }
                catch (Distill4jException ex) {
                    System.err.println("Could not load " + entry.name() + ": " + ex.getMessage());
                }
            }
            System.out.println();
            System.out.println("Distill4j serving from " + repository);
            for (ModelDescriptor model : engine.loadedModels()) {
                System.out.printf("  %-20s %-20s provider=%s  %s%n", model.id(), model.task().id(),
                        model.executionProvider(), model.description());
            }
            ModelDescriptor textModel = engine.loadedModels()
                .stream()
                .filter(m -> m.task() != TaskType.RAW)
                .findFirst()
                .orElse(null);
            if (textModel == null) {
                System.out.println("No text model loaded; nothing to serve on standard input.");
                return;
            }
            serveStandardInput(engine, textModel);
        }
    }

    private static void serveStandardInput(OnnxInferenceEngine engine, ModelDescriptor model) throws IOException {
        String name = model.id().name();
        System.out.println();
        System.out.println("Type a sentence and press Enter (" + name + "); end with Ctrl-D.");
        // Lines are read as raw bytes (ISO-8859-1 maps each byte to one char) and decoded strictly by the
        // engine, so input that is not UTF-8 is reported instead of silently replaced.
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.ISO_8859_1));
        float[] previous = null;
        for (String raw; (raw = in.readLine()) != null;) {
            if (raw.isBlank()) {
                continue;
            }
            try {
                String line = engine.validator().decodeUtf8(model.id().toString(), "line", raw.getBytes(StandardCharsets.ISO_8859_1));
                if (model.task() == TaskType.TEXT_CLASSIFICATION) {
                    System.out.println("  " + engine.classify(name, List.of(line), 3).get(0).top());
                    continue;
                }
                float[] vector = engine.embed(name, line);
                System.out.printf("  %d-dim embedding, first values [%.4f, %.4f, %.4f ...]%s%n", vector.length, vector[0],
                        vector[1], vector[2], previous == null ? ""
                                : String.format(", cosine to previous line %.4f", cosine(previous, vector)));
                previous = vector;
            }
            catch (Distill4jException ex) {
                System.out.println("  error " + ex.code() + ": " + ex.getMessage());
            }
        }
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    /** Installs all-MiniLM-L6-v2 from the class path as {@code minilm/1} if the repository holds nothing. */
    static void installDefaultModelIfEmpty(Path repository) throws IOException {
        Files.createDirectories(repository);
        try (var entries = Files.list(repository)) {
            if (entries.findAny().isPresent()) {
                return;
            }
        }
        Path dir = Files.createDirectories(repository.resolve("minilm").resolve("1"));
        copyResource("all-minilm-l6-v2.onnx", dir.resolve("model.onnx"));
        copyResource("all-minilm-l6-v2-tokenizer.json", dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("model.json"), """
                {
                  "task": "text-embedding",
                  "description": "all-MiniLM-L6-v2 sentence embeddings (embedded default)",
                  "tokenizer": "tokenizer.json",
                  "maxSequenceLength": 256,
                  "pooling": "mean",
                  "normalize": true
                }
                """);
        System.out.println("Installed the embedded default model minilm/1 into " + repository);
    }

    private static void copyResource(String resource, Path target) throws IOException {
        try (InputStream in = PlatformServer.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IOException(resource + " is not on the class path");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
