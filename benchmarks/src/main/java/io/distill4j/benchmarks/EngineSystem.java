package io.distill4j.benchmarks;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.batching.BatchPolicy;
import io.distill4j.engine.batching.BatchingConfig;
import io.distill4j.engine.session.InstanceGroup;
import io.distill4j.engine.session.SessionConfig;

/**
 * Distill4j's own engine: a model repository holding the MiniLM files as {@code minilm/1}, served by
 * {@link OnnxInferenceEngine} with the same ONNX Runtime threads as the raw loop. Each
 * {@link #embed(String)} is one request to the engine's dynamic batcher (its default instances and batching
 * settings, or those of {@code --engine-serving}), so concurrent callers share batches.
 *
 * <p>Owns the engine and closes it in {@link #close()}.
 *
 * <p>Found by {@link SystemCatalog} by name, so the rest of the module compiles without
 * {@code distill4j-engine} on the class path.
 */
final class EngineSystem implements EmbeddingSystem {

    static final String NAME = "engine";

    private final OnnxInferenceEngine engine;

    private final Settings settings;

    private final AtomicBoolean closed = new AtomicBoolean();

    private EngineSystem(OnnxInferenceEngine engine, Settings settings) {
        this.engine = engine;
        this.settings = settings;
    }

    /**
     * Lays out the repository, opens the engine and loads the model's newest version.
     * @param serving {@code key=value} pairs, comma-separated: {@code instances}, {@code sessions}, {@code batching},
     *     {@code max-batch-size}; empty for the engine's defaults
     */
    static EngineSystem open(ModelFiles files, int intraOpThreads, int interOpThreads, String serving) {
        Path repository = files.layOutEngineRepository();
        SessionConfig session = SessionConfig.builder()
                .intraOpThreads(intraOpThreads)
                .interOpThreads(interOpThreads)
                .build();
        EngineConfig.Builder config = EngineConfig.builder().modelRepository(repository).session(session);
        applyServing(config, serving);
        OnnxInferenceEngine engine = OnnxInferenceEngine.open(config.build());
        String plan;
        try {
            engine.load(ModelFiles.ENGINE_MODEL_NAME);
            plan = engine.servingPlan(ModelFiles.ENGINE_MODEL_NAME).describe();
        }
        catch (RuntimeException ex) {
            engine.close();
            throw ex;
        }
        Settings settings = new Settings(
                "distill4j-engine " + Versions.of("io.distill4j", "distill4j-engine", OnnxInferenceEngine.class),
                Integer.toString(intraOpThreads), Integer.toString(interOpThreads),
                (serving.isEmpty() ? "default serving settings" : "--engine-serving " + serving) + ": " + plan + "; "
                        + session);
        return new EngineSystem(engine, settings);
    }

    private static void applyServing(EngineConfig.Builder config, String serving) {
        int instances = InstanceGroup.AUTO;
        InstanceGroup.Sessions sessions = InstanceGroup.ofDefaults().sessions();
        BatchingConfig.Builder batching = BatchingConfig.builder();
        for (String pair : serving.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            String[] keyValue = pair.split("=", 2);
            String value = keyValue.length == 2 ? keyValue[1].trim() : "";
            try {
                switch (keyValue[0].trim()) {
                    case "instances" -> instances = Integer.parseInt(value);
                    case "sessions" -> sessions = InstanceGroup.Sessions.fromId(value);
                    case "batching" -> batching.policy(BatchPolicy.Kind.fromId(value));
                    case "max-batch-size" -> batching.maxBatchSize(Integer.parseInt(value));
                    default -> throw new IllegalArgumentException("unknown key (instances, sessions, batching, "
                            + "max-batch-size)");
                }
            }
            catch (IllegalArgumentException ex) {
                throw new BenchmarkException("--engine-serving " + pair + ": " + ex.getMessage(), ex);
            }
        }
        config.instances(new InstanceGroup(instances, sessions)).batching(batching.build());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public float[] embed(String text) {
        return this.engine.embed(ModelFiles.ENGINE_MODEL_NAME, text);
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        return this.engine.embed(ModelFiles.ENGINE_MODEL_NAME, texts);
    }

    @Override
    public Settings settings() {
        return this.settings;
    }

    @Override
    public void close() {
        if (this.closed.compareAndSet(false, true)) {
            this.engine.close();
        }
    }
}
