package io.distill4j.benchmarks;

import java.util.concurrent.atomic.AtomicBoolean;

import ai.onnxruntime.OrtEnvironment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;

/**
 * LangChain4j's in-process {@link AllMiniLmL6V2EmbeddingModel}, used as its documentation shows. It
 * reads the same {@code all-minilm-l6-v2.onnx} and tokenizer from the root of its own jar that the
 * other systems get as files.
 *
 * <p>Configuration it does not expose, and so runs at its defaults: the ONNX Runtime session is opened
 * once per JVM in a static initializer with default {@code SessionOptions} (threads chosen by the
 * runtime: one per physical core), and its tokenizer uses no padding and the {@code tokenizer.json}'s own
 * truncation, 128 tokens (so its splitting of texts longer than 510 tokens never comes into play). A single
 * text is embedded on the caller's thread (its executor is only used for lists) and is tokenized twice,
 * once to split and once to encode.
 *
 * <p>The static session lives until the JVM exits; {@link #close()} only marks this adapter closed.
 */
final class LangChain4jSystem implements EmbeddingSystem {

    static final String NAME = "langchain4j";

    private final EmbeddingModel model;

    private final Settings settings;

    private final AtomicBoolean closed = new AtomicBoolean();

    private LangChain4jSystem(EmbeddingModel model, Settings settings) {
        this.model = model;
        this.settings = settings;
    }

    /** Creates the model; the first creation in a JVM loads the ONNX session and tokenizer. */
    static LangChain4jSystem open() {
        EmbeddingModel model = new AllMiniLmL6V2EmbeddingModel();
        Settings settings = new Settings(
                "langchain4j-embeddings " + Versions.of("dev.langchain4j", "langchain4j-embeddings",
                        AllMiniLmL6V2EmbeddingModel.class)
                        + ", onnxruntime " + OrtEnvironment.getEnvironment().getVersion(),
                "runtime default (cannot be set)", "runtime default (cannot be set)",
                "AllMiniLmL6V2EmbeddingModel opens its session with default SessionOptions (one thread per "
                        + "physical core) and exposes none; truncation at 128 tokens from tokenizer.json, no padding; "
                        + "one text runs on the caller thread, tokenized twice");
        return new LangChain4jSystem(model, settings);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public float[] embed(String text) {
        if (this.closed.get()) {
            throw new IllegalStateException("langchain4j system is closed");
        }
        return this.model.embed(text).content().vector();
    }

    @Override
    public Settings settings() {
        return this.settings;
    }

    @Override
    public void close() {
        this.closed.set(true);
    }
}
