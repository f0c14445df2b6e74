package io.distill4j.benchmarks;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.distill4j.api.InferenceEngine;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.session.SessionConfig;

/**
 * Distill4j's own engine: a model repository holding the MiniLM files as {@code minilm/1}, served by
 * {@link OnnxInferenceEngine} with the same ONNX Runtime threads as the raw loop. Each
 * {@link #embed(String)} is one request to the engine's dynamic batcher (its default batching settings),
 * so concurrent callers share batches.
 *
 * <p>Owns the engine and closes it in {@link #close()}.
 *
 * <p>Found by {@link SystemCatalog} by name, so the rest of the module compiles without
 * {@code distill4j-engine} on the class path.
 */
final class EngineSystem implements EmbeddingSystem {

    static final String NAME = "engine";

    private final InferenceEngine engine;

    private final Settings settings;

    private final AtomicBoolean closed = new AtomicBoolean();

    private EngineSystem(InferenceEngine engine, Settings settings) {
        this.engine = engine;
        this.settings = settings;
    }

    /** Lays out the repository, opens the engine and loads the model's newest version. */
    static EngineSystem open(ModelFiles files, int intraOpThreads, int interOpThreads) {
        Path repository = files.layOutEngineRepository();
        SessionConfig session = SessionConfig.builder()
                .intraOpThreads(intraOpThreads)
                .interOpThreads(interOpThreads)
                .build();
        InferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder()
                .modelRepository(repository)
                .session(session)
                .build());
        try {
            engine.load(ModelFiles.ENGINE_MODEL_NAME);
        }
        catch (RuntimeException ex) {
            engine.close();
            throw ex;
        }
        Settings settings = new Settings(
                "distill4j-engine " + Versions.of("io.distill4j", "distill4j-engine", OnnxInferenceEngine.class),
                Integer.toString(intraOpThreads), Integer.toString(interOpThreads),
                "dynamic batching across callers (default BatchingConfig); " + session);
        return new EngineSystem(engine, settings);
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
