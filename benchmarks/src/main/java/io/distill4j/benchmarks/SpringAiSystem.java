package io.distill4j.benchmarks;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import ai.djl.engine.Engine;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import org.springframework.ai.transformers.TransformersEmbeddingModel;

/**
 * Spring AI's {@link TransformersEmbeddingModel}, pointed at the same local ONNX and tokenizer files as
 * the other systems ({@code file:} resources, which its resource cache never copies or fetches), so it
 * downloads nothing. Its tokenizer gets the same options as the raw loop (truncate to 256, no padding);
 * left to the {@code tokenizer.json}'s own settings it would truncate at 128 tokens and pad a batch to its
 * longest text, which makes no difference for single STS-B sentences.
 *
 * <p>Configuration it does not expose: it builds its ONNX Runtime {@code SessionOptions} inside
 * {@link TransformersEmbeddingModel#afterPropertiesSet()} and only lets a caller pick a GPU, so the
 * session's threads are the runtime's defaults (one per physical core). Its mean pooling runs on DJL
 * NDArrays (the PyTorch engine, from the registry's native jar); that engine's threads are set through the
 * system properties
 * {@code ai.djl.pytorch.num_threads} and {@code ai.djl.pytorch.num_interop_threads} before its first use,
 * unless already given. It does not L2-normalize; cosine similarity is unaffected.
 *
 * <p>{@link #close()} closes the model (its session and tokenizer).
 */
final class SpringAiSystem implements EmbeddingSystem {

    static final String NAME = "spring-ai";

    private final TransformersEmbeddingModel model;

    private final Settings settings;

    private final AtomicBoolean closed = new AtomicBoolean();

    private SpringAiSystem(TransformersEmbeddingModel model, Settings settings) {
        this.model = model;
        this.settings = settings;
    }

    /**
     * Configures and initializes the model as a Spring application context would.
     * @param cacheDirectory Spring AI's resource cache (stays empty: {@code file:} resources are not cached)
     */
    static SpringAiSystem open(ModelFiles files, Path cacheDirectory, int intraOpThreads, int interOpThreads) {
        setIfAbsent("ai.djl.pytorch.num_threads", intraOpThreads);
        setIfAbsent("ai.djl.pytorch.num_interop_threads", interOpThreads);
        TransformersEmbeddingModel model = new TransformersEmbeddingModel();
        try {
            model.setTokenizerResource(files.tokenizer().toUri().toString());
            model.setModelResource(files.onnxModel().toUri().toString());
            model.setModelOutputName(RawOrtSystem.OUTPUT);
            model.setResourceCacheDirectory(cacheDirectory.toString());
            model.setTokenizerOptions(RawOrtSystem.tokenizerOptions());
            model.afterPropertiesSet();
            // Start the NDArray engine now, so its native library loads during open, not in the first call.
            String ndEngine = Engine.getInstance().getEngineName();
            Settings settings = new Settings(
                    "spring-ai-transformers " + Versions.of("org.springframework.ai", "spring-ai-transformers",
                            TransformersEmbeddingModel.class)
                            + ", onnxruntime " + OrtEnvironment.getEnvironment().getVersion()
                            + ", DJL " + Engine.getDjlVersion() + " (" + ndEngine + " for pooling)",
                    "runtime default (cannot be set)", "runtime default (cannot be set)",
                    "SessionOptions are built inside afterPropertiesSet() with defaults (one thread per physical core; "
                            + "only a GPU id is exposed); pooling on DJL "
                            + ndEngine + " with " + System.getProperty("ai.djl.pytorch.num_threads") + " intra / "
                            + System.getProperty("ai.djl.pytorch.num_interop_threads")
                            + " inter-op threads; tokenizer options truncation=256, padding=false");
            return new SpringAiSystem(model, settings);
        }
        catch (Exception ex) {
            closeQuietly(model, ex);
            throw new BenchmarkException("spring-ai: cannot initialize TransformersEmbeddingModel", ex);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public float[] embed(String text) {
        if (this.closed.get()) {
            throw new IllegalStateException("spring-ai system is closed");
        }
        return this.model.embed(text);
    }

    @Override
    public Settings settings() {
        return this.settings;
    }

    @Override
    public void close() {
        if (this.closed.compareAndSet(false, true)) {
            try {
                this.model.close();
            }
            catch (OrtException ex) {
                throw new BenchmarkException("spring-ai: cannot close the model", ex);
            }
        }
    }

    private static void setIfAbsent(String property, int value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, Integer.toString(value));
        }
    }

    private static void closeQuietly(TransformersEmbeddingModel model, Exception cause) {
        try {
            model.close();
        }
        catch (OrtException | RuntimeException suppressed) {
            cause.addSuppressed(suppressed);
        }
    }
}
