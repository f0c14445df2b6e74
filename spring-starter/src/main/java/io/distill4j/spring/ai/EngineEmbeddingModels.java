package io.distill4j.spring.ai;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import io.distill4j.api.InferenceEngine;

/**
 * Spring AI {@link EngineEmbeddingModel}s for any text-embedding model of the engine, by repository name:
 * {@code models.get("minilm-student")}. The default one is also a bean when
 * {@code distill4j.ai.embedding-model} names it.
 */
public final class EngineEmbeddingModels {

    private final InferenceEngine engine;

    private final Map<String, EngineEmbeddingModel> models = new ConcurrentHashMap<>();

    public EngineEmbeddingModels(InferenceEngine engine) {
        this.engine = Objects.requireNonNull(engine, "engine");
    }

    /** The embedding model of that repository name (it must be loaded when it is used). */
    public EngineEmbeddingModel get(String model) {
        return this.models.computeIfAbsent(model, name -> new EngineEmbeddingModel(this.engine, name));
    }
}
