package io.distill4j.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.distill4j.api.Classification;
import io.distill4j.api.InferenceEngine;
import io.distill4j.api.ModelDescriptor;
import io.distill4j.api.RepositoryEntry;
import io.distill4j.api.Tensor;

/**
 * {@link OnnxInferenceEngine#withTimeout(Duration)}: inference under one deadline, every other call straight
 * to the engine (descriptors, queue depth, loading). The view does not own the engine: closing it does
 * nothing.
 */
final class DeadlineView implements InferenceEngine {

    private final OnnxInferenceEngine engine;

    private final Deadline deadline;

    DeadlineView(OnnxInferenceEngine engine, Deadline deadline) {
        this.engine = engine;
        this.deadline = deadline;
    }

    @Override
    public Map<String, Tensor> infer(String modelName, Map<String, Tensor> inputs) {
        return this.engine.infer(modelName, inputs, this.deadline);
    }

    @Override
    public List<float[]> embed(String modelName, List<String> texts) {
        return this.engine.embed(modelName, texts, this.deadline);
    }

    @Override
    public List<Classification> classify(String modelName, List<String> texts, int topK) {
        return this.engine.classify(modelName, texts, topK, this.deadline);
    }

    @Override
    public List<float[]> logits(String modelName, List<String> texts) {
        return this.engine.logits(modelName, texts, this.deadline);
    }

    @Override
    public InferenceEngine withTimeout(Duration timeout) {
        return this.engine.withTimeout(timeout);
    }

    @Override
    public List<RepositoryEntry> repositoryIndex() {
        return this.engine.repositoryIndex();
    }

    @Override
    public List<ModelDescriptor> loadedModels() {
        return this.engine.loadedModels();
    }

    @Override
    public ModelDescriptor describe(String modelName) {
        return this.engine.describe(modelName);
    }

    @Override
    public int queueDepth(String modelName) {
        return this.engine.queueDepth(modelName);
    }

    @Override
    public ModelDescriptor load(String modelName) {
        return this.engine.load(modelName);
    }

    @Override
    public ModelDescriptor load(String modelName, long version) {
        return this.engine.load(modelName, version);
    }

    @Override
    public boolean unload(String modelName) {
        return this.engine.unload(modelName);
    }

    /** Does nothing: the view does not own the engine. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "OnnxInferenceEngine with " + this.deadline;
    }
}
