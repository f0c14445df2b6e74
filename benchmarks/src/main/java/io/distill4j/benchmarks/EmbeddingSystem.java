package io.distill4j.benchmarks;

import java.util.List;

/**
 * One way of turning a sentence into an all-MiniLM-L6-v2 embedding, as the benchmark drives it.
 *
 * <p>Implementations are thread-safe: the {@link LoadDriver} calls {@link #embed(String)} from many
 * caller threads at once. Each owns whatever native resources it opened and releases them in
 * {@link #close()}, which is idempotent; the benchmark closes every system it opened.
 */
interface EmbeddingSystem extends AutoCloseable {

    /** Short name used in tables and on the command line, e.g. {@code raw}. */
    String name();

    /**
     * Embeds one text on the calling thread (or, for the engine, through its batcher).
     * @return the sentence embedding; not necessarily L2-normalized (cosine similarity is used throughout)
     */
    float[] embed(String text);

    /**
     * Embeds several texts in one call. The default embeds them one by one; the engine overrides it to
     * hand them to its batcher together.
     */
    default List<float[]> embedAll(List<String> texts) {
        return texts.stream().map(this::embed).toList();
    }

    /** What this system runs on and how its threads are set, for the report. */
    Settings settings();

    @Override
    void close();

    /**
     * A system's configuration as reported.
     * @param library the libraries and versions that do the work
     * @param intraOpThreads ONNX Runtime intra-op threads, or why they could not be set
     * @param interOpThreads ONNX Runtime inter-op threads, or why they could not be set
     * @param notes anything else that differs between systems and matters to a reader
     */
    record Settings(String library, String intraOpThreads, String interOpThreads, String notes) {
    }
}
