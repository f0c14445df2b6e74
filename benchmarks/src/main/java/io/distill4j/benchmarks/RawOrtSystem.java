package io.distill4j.benchmarks;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * The floor for per-call overhead: the plainest correct loop on the caller's thread. DJL's Hugging
 * Face tokenizer (truncation to 256 tokens, no padding for a single text) → three {@link OnnxTensor}s →
 * {@link OrtSession#run} → mean pooling over the attention mask → L2 normalization.
 *
 * <p>Owns its tokenizer, session and session options; {@link #close()} releases them in reverse order.
 * The {@link OrtEnvironment} is the process-wide one and is not closed.
 */
final class RawOrtSystem implements EmbeddingSystem {

    static final String NAME = "raw";

    static final String OUTPUT = "last_hidden_state";

    private final OrtEnvironment environment;

    private final HuggingFaceTokenizer tokenizer;

    private final OrtSession.SessionOptions options;

    private final OrtSession session;

    private final boolean takesTokenTypeIds;

    private final Settings settings;

    private final AtomicBoolean closed = new AtomicBoolean();

    private RawOrtSystem(OrtEnvironment environment, HuggingFaceTokenizer tokenizer, OrtSession.SessionOptions options,
            OrtSession session, Settings settings) {
        this.environment = environment;
        this.tokenizer = tokenizer;
        this.options = options;
        this.session = session;
        this.takesTokenTypeIds = session.getInputNames().contains("token_type_ids");
        this.settings = settings;
    }

    /** Opens the tokenizer and an ONNX Runtime session with the given threads and all graph optimizations. */
    static RawOrtSystem open(ModelFiles files, int intraOpThreads, int interOpThreads) {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        HuggingFaceTokenizer tokenizer = null;
        OrtSession.SessionOptions options = null;
        try {
            tokenizer = HuggingFaceTokenizer.newInstance(files.tokenizer(), tokenizerOptions());
            options = sessionOptions(intraOpThreads, interOpThreads);
            OrtSession session = environment.createSession(files.onnxModel().toString(), options);
            Settings settings = new Settings(
                    "onnxruntime " + environment.getVersion() + ", DJL tokenizers " + Engine.getDjlVersion(),
                    Integer.toString(intraOpThreads), Integer.toString(interOpThreads),
                    "caller thread does everything; ALL_OPT, sequential execution");
            return new RawOrtSystem(environment, tokenizer, options, session, settings);
        }
        catch (IOException | OrtException | RuntimeException ex) {
            if (options != null) {
                options.close();
            }
            if (tokenizer != null) {
                tokenizer.close();
            }
            throw new BenchmarkException("raw: cannot open the ONNX Runtime session or tokenizer", ex);
        }
    }

    /** Tokenizer options shared by every system that accepts them: truncate to 256 tokens, never pad. */
    static Map<String, String> tokenizerOptions() {
        return Map.of("truncation", "true", "maxLength", Integer.toString(ModelFiles.MAX_SEQUENCE_LENGTH),
                "padding", "false");
    }

    /** Session options the raw loop uses, and the engine is asked to use: threads as given, ALL_OPT, sequential. */
    static OrtSession.SessionOptions sessionOptions(int intraOpThreads, int interOpThreads) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(interOpThreads);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            return options;
        }
        catch (OrtException | RuntimeException ex) {
            options.close();
            throw ex;
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public float[] embed(String text) {
        if (this.closed.get()) {
            throw new IllegalStateException("raw system is closed");
        }
        Encoding encoding = this.tokenizer.encode(text);
        long[] ids = encoding.getIds();
        long[] mask = encoding.getAttentionMask();
        long[] shape = { 1, ids.length };
        try (OnnxTensor inputIds = OnnxTensor.createTensor(this.environment, LongBuffer.wrap(ids), shape);
                OnnxTensor attentionMask = OnnxTensor.createTensor(this.environment, LongBuffer.wrap(mask), shape);
                OnnxTensor tokenTypeIds = OnnxTensor.createTensor(this.environment,
                        LongBuffer.wrap(encoding.getTypeIds()), shape)) {
            Map<String, OnnxTensor> inputs = new HashMap<>(4);
            inputs.put("input_ids", inputIds);
            inputs.put("attention_mask", attentionMask);
            if (this.takesTokenTypeIds) {
                inputs.put("token_type_ids", tokenTypeIds);
            }
            try (OrtSession.Result result = this.session.run(inputs, Set.of(OUTPUT))) {
                OnnxValue hidden = result.get(OUTPUT)
                        .orElseThrow(() -> new BenchmarkException("raw: the model has no output " + OUTPUT));
                long[] hiddenShape = ((OnnxTensor) hidden).getInfo().getShape();
                return meanPoolAndNormalize(((OnnxTensor) hidden).getFloatBuffer(), mask, (int) hiddenShape[2]);
            }
        }
        catch (OrtException ex) {
            throw new BenchmarkException("raw: ONNX Runtime failed on a text of " + ids.length + " tokens", ex);
        }
    }

    /** Tokenizes one text as {@link #embed(String)} does: truncated to 256 tokens, not padded. */
    Encoding encode(String text) {
        if (this.closed.get()) {
            throw new IllegalStateException("raw system is closed");
        }
        return this.tokenizer.encode(text);
    }

    /** Whether the model takes {@code token_type_ids} (all-MiniLM-L6-v2 does). */
    boolean takesTokenTypeIds() {
        return this.takesTokenTypeIds;
    }

    /**
     * Runs the session once on inputs tokenized beforehand and releases the output unread: the part of a
     * call that depends on the model file, as a latency measurement times it.
     */
    void run(TokenBatch batch) {
        if (this.closed.get()) {
            throw new IllegalStateException("raw system is closed");
        }
        try (OrtSession.Result result = this.session.run(batch.inputs(this.takesTokenTypeIds), Set.of(OUTPUT))) {
            if (result.size() != 1) {
                throw new BenchmarkException("raw: the model returned " + result.size() + " outputs, expected "
                        + OUTPUT);
            }
        }
        catch (OrtException ex) {
            throw new BenchmarkException("raw: ONNX Runtime failed on a batch of " + batch.sentences() + " x "
                    + batch.tokens() + " tokens", ex);
        }
    }

    /**
     * Mean of the token vectors whose attention-mask entry is 1, scaled to unit length.
     * @param hidden row-major [tokens, dimensions] for one text
     */
    static float[] meanPoolAndNormalize(FloatBuffer hidden, long[] mask, int dimensions) {
        float[] sum = new float[dimensions];
        int counted = 0;
        for (int token = 0; token < mask.length; token++) {
            if (mask[token] == 0) {
                continue;
            }
            counted++;
            int offset = token * dimensions;
            for (int d = 0; d < dimensions; d++) {
                sum[d] += hidden.get(offset + d);
            }
        }
        double squares = 0;
        for (int d = 0; d < dimensions; d++) {
            sum[d] /= Math.max(counted, 1);
            squares += (double) sum[d] * sum[d];
        }
        float norm = (float) Math.max(Math.sqrt(squares), 1e-12);
        for (int d = 0; d < dimensions; d++) {
            sum[d] /= norm;
        }
        return sum;
    }

    @Override
    public Settings settings() {
        return this.settings;
    }

    @Override
    public void close() {
        if (!this.closed.compareAndSet(false, true)) {
            return;
        }
        try {
            this.session.close();
        }
        catch (OrtException ex) {
            throw new BenchmarkException("raw: cannot close the session", ex);
        }
        finally {
            try {
                this.options.close();
            }
            finally {
                this.tokenizer.close();
            }
        }
    }
}
