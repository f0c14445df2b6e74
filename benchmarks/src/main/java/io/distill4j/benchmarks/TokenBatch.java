package io.distill4j.benchmarks;

import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;

/**
 * The inputs of one model call, tokenized and made into ONNX Runtime tensors before any timing starts,
 * so that a timed call is {@code OrtSession.run} alone. Several sentences are padded to the longest:
 * padded positions have input id 0 ({@code [PAD]}) and attention mask 0; token type ids are all 0.
 *
 * <p>Owns its three native tensors; {@link #close()} releases them and is idempotent. The tensors are
 * only read by a run, so one batch may be run by several sessions in turn.
 */
final class TokenBatch implements AutoCloseable {

    static final String INPUT_IDS = "input_ids";

    static final String ATTENTION_MASK = "attention_mask";

    static final String TOKEN_TYPE_IDS = "token_type_ids";

    private final Map<String, OnnxTensor> tensors;

    private final int sentences;

    private final int tokens;

    private final AtomicBoolean closed = new AtomicBoolean();

    private TokenBatch(Map<String, OnnxTensor> tensors, int sentences, int tokens) {
        this.tensors = tensors;
        this.sentences = sentences;
        this.tokens = tokens;
    }

    /** Pads the encodings to the longest and builds the {@code [sentences, tokens]} tensors. */
    static TokenBatch of(OrtEnvironment environment, List<Encoding> encodings) {
        if (encodings.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one sentence");
        }
        int longest = encodings.stream().mapToInt(e -> e.getIds().length).max().orElseThrow();
        int rows = encodings.size();
        long[] ids = new long[rows * longest];
        long[] mask = new long[rows * longest];
        for (int row = 0; row < rows; row++) {
            long[] rowIds = encodings.get(row).getIds();
            long[] rowMask = encodings.get(row).getAttentionMask();
            System.arraycopy(rowIds, 0, ids, row * longest, rowIds.length);
            System.arraycopy(rowMask, 0, mask, row * longest, rowMask.length);
        }
        long[] shape = { rows, longest };
        Map<String, OnnxTensor> tensors = new HashMap<>(4);
        try {
            tensors.put(INPUT_IDS, OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape));
            tensors.put(ATTENTION_MASK, OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape));
            tensors.put(TOKEN_TYPE_IDS,
                    OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[rows * longest]), shape));
            return new TokenBatch(tensors, rows, longest);
        }
        catch (OrtException | RuntimeException ex) {
            tensors.values().forEach(OnnxTensor::close);
            throw new BenchmarkException("Cannot create input tensors of shape [" + rows + ", " + longest + "]", ex);
        }
    }

    /** Consecutive groups of {@code size} encodings, one batch each; a last, smaller group is dropped. */
    static List<TokenBatch> chunks(OrtEnvironment environment, List<Encoding> encodings, int size) {
        List<TokenBatch> batches = new ArrayList<>(encodings.size() / size);
        try {
            for (int from = 0; from + size <= encodings.size(); from += size) {
                batches.add(of(environment, encodings.subList(from, from + size)));
            }
            return batches;
        }
        catch (RuntimeException ex) {
            closeAll(batches);
            throw ex;
        }
    }

    /** Closes every batch. */
    static void closeAll(List<TokenBatch> batches) {
        batches.forEach(TokenBatch::close);
    }

    /** The tensors to pass to a session, without token type ids for a model that does not take them. */
    Map<String, OnnxTensor> inputs(boolean withTokenTypeIds) {
        if (this.closed.get()) {
            throw new IllegalStateException("the batch is closed");
        }
        if (withTokenTypeIds) {
            return this.tensors;
        }
        Map<String, OnnxTensor> inputs = new HashMap<>(this.tensors);
        inputs.remove(TOKEN_TYPE_IDS);
        return inputs;
    }

    int sentences() {
        return this.sentences;
    }

    /** The padded length: tokens per sentence as the model sees them. */
    int tokens() {
        return this.tokens;
    }

    @Override
    public void close() {
        if (this.closed.compareAndSet(false, true)) {
            this.tensors.values().forEach(OnnxTensor::close);
        }
    }
}
