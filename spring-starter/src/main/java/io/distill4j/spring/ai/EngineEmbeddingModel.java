package io.distill4j.spring.ai;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.distill4j.api.InferenceEngine;

import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;

/**
 * A text-embedding model of the engine as Spring AI's {@link EmbeddingModel}, so that a teacher or a
 * distilled student serves Spring AI's vector stores and RAG code in-process. Texts go through the
 * engine's batching and validation; a model that is not loaded, or is not an embedding model, fails with
 * the engine's typed exception. Request options (model name, dimensions) are not used: the model is the
 * one this object was made for.
 */
public final class EngineEmbeddingModel implements EmbeddingModel {

    private final InferenceEngine engine;

    private final String model;

    public EngineEmbeddingModel(InferenceEngine engine, String model) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.model = Objects.requireNonNull(model, "model");
    }

    /** The repository model this embeds with. */
    public String model() {
        return this.model;
    }

    @Override
    public EmbeddingResponse call(EmbeddingRequest request) {
        List<float[]> vectors = this.engine.embed(this.model, request.getInstructions());
        List<Embedding> embeddings = new ArrayList<>(vectors.size());
        for (int i = 0; i < vectors.size(); i++) {
            embeddings.add(new Embedding(vectors.get(i), i));
        }
        return new EmbeddingResponse(embeddings);
    }

    @Override
    public float[] embed(Document document) {
        return this.engine.embed(this.model, document.getText());
    }

    @Override
    public String toString() {
        return "EngineEmbeddingModel[" + this.model + "]";
    }
}
