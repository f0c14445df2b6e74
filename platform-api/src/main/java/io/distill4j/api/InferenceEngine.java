package io.distill4j.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The in-process inference engine: a repository of versioned models, each served by its own runtime
 * session, with dynamic batching for text tasks and hot swap between versions.
 *
 * <p>All methods are thread-safe. Requests address a model by name and are served by the version
 * currently loaded under that name; {@link #load(String, long)} swaps versions without dropping a
 * request: requests already running finish on the old version, which is closed once drained.
 *
 * <p>Errors are {@link io.distill4j.api.exception.Distill4jException}s: invalid requests raise
 * {@link io.distill4j.api.exception.InvalidInputException} before any native call, unknown models
 * {@link io.distill4j.api.exception.ModelNotFoundException}, a full request queue
 * {@link io.distill4j.api.exception.ModelOverloadedException}. Any call after {@link #close()}
 * throws {@link IllegalStateException}.
 *
 * <p>The engine owns every session it opens and closes them all in {@link #close()}; results are plain
 * Java arrays and records, so nothing native escapes a call.
 */
public interface InferenceEngine extends AutoCloseable {

    /** Models in the repository with their versions on disk and the version served, sorted by name. */
    List<RepositoryEntry> repositoryIndex();

    /**
     * Descriptors of the loaded models, sorted by name: with the execution provider each runs on, why it is
     * not a preferred one, and the verdict of its load-time compatibility check.
     */
    List<ModelDescriptor> loadedModels();

    /**
     * The descriptor of the loaded model of that name.
     * @throws io.distill4j.api.exception.ModelNotFoundException if no version of it is loaded
     */
    ModelDescriptor describe(String modelName);

    /**
     * Texts queued for a loaded model's batcher and not yet running; 0 for models without a batcher.
     * @throws io.distill4j.api.exception.ModelNotFoundException if no version of it is loaded
     */
    int queueDepth(String modelName);

    /**
     * Loads the newest version on disk of a model, or swaps to it if an older one is served.
     * @see #load(String, long)
     */
    ModelDescriptor load(String modelName);

    /**
     * Loads the given version, or hot-swaps to it if another version is served. If the new version
     * fails to load, the old one keeps serving and the error is thrown. Loading the version already
     * served is a no-op.
     * @throws io.distill4j.api.exception.ModelNotFoundException if the model or version is not on disk
     * @throws io.distill4j.api.exception.ModelLoadException if the files cannot be read or opened
     * @throws io.distill4j.api.exception.IncompatibleModelException if the model does not fit its manifest
     */
    ModelDescriptor load(String modelName, long version);

    /**
     * Stops serving a model; requests in flight complete first, then its session closes.
     * @return whether a model of that name was loaded
     */
    boolean unload(String modelName);

    /**
     * Runs a model on raw tensors.
     * @param modelName a loaded model of any task
     * @param inputs one tensor per graph input, by input name
     * @return every graph output, by output name
     */
    Map<String, Tensor> infer(String modelName, Map<String, Tensor> inputs);

    /**
     * Embeds texts with a {@link TaskType#TEXT_EMBEDDING} model. Each text is one request to the
     * dynamic batcher, so concurrent callers share batches.
     * @return one vector per text, in the order of {@code texts}
     */
    List<float[]> embed(String modelName, List<String> texts);

    /** Embeds one text; see {@link #embed(String, List)}. */
    default float[] embed(String modelName, String text) {
        return embed(modelName, List.of(text)).get(0);
    }

    /**
     * Classifies texts with a {@link TaskType#TEXT_CLASSIFICATION} model.
     * @param topK how many labels to return per text, {@code >= 1}; capped at the number of classes
     * @return one result per text, in the order of {@code texts}
     */
    List<Classification> classify(String modelName, List<String> texts, int topK);

    /**
     * The raw output rows (logits, before the softmax) of a text-classification model, one per text,
     * in the order of the model's labels: what distillation caches as the teacher's soft targets.
     *
     * @throws io.distill4j.api.exception.IncompatibleModelException if the model is not a
     *     text-classification model
     */
    List<float[]> logits(String modelName, List<String> texts);

    /**
     * A view of this engine for one request that must finish within {@code timeout}, counted from now:
     * its inference calls ({@link #infer}, {@link #embed}, {@link #classify}, {@link #logits}) refuse to
     * start once the deadline has passed, stop waiting when it passes, and their work still queued then
     * is dropped rather than run; either way they throw a {@link io.distill4j.api.exception.TransientException}
     * with {@link io.distill4j.api.exception.ErrorCode#TIMEOUT}. Other calls go to this engine unchanged,
     * and closing the view does nothing (like a gRPC stub's {@code withDeadlineAfter}).
     * @param timeout time left for the request; zero or negative means it has already expired
     */
    InferenceEngine withTimeout(Duration timeout);

    /** Closes every model and stops the batchers. Idempotent. */
    @Override
    void close();
}
