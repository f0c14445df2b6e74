package io.distill4j.engine.text;

import java.nio.LongBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;

/**
 * Tokenized texts padded to the longest one: row-major {@code [batch, sequence]} arrays of ids,
 * attention mask and token type ids, ready to become the inputs of a transformer encoder.
 */
public final class TokenBatch {

    /** Conventional input name of token ids. */
    public static final String INPUT_IDS = "input_ids";

    /** Conventional input name of the attention mask. */
    public static final String ATTENTION_MASK = "attention_mask";

    /** Conventional input name of the token type (segment) ids. */
    public static final String TOKEN_TYPE_IDS = "token_type_ids";

    /** Every input name a text model may have. */
    public static final Set<String> INPUT_NAMES = Set.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS);

    private final int batchSize;

    private final int sequenceLength;

    private final long[] ids;

    private final long[] attentionMask;

    private final long[] typeIds;

    private TokenBatch(int batchSize, int sequenceLength, long[] ids, long[] attentionMask, long[] typeIds) {
        this.batchSize = batchSize;
        this.sequenceLength = sequenceLength;
        this.ids = ids;
        this.attentionMask = attentionMask;
        this.typeIds = typeIds;
    }

    /**
     * Pads texts with id 0 and mask 0 to the longest text.
     * @param texts at least one text
     */
    public static TokenBatch pad(List<TokenizedText> texts) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("A token batch needs at least one text");
        }
        int seq = 1;
        for (TokenizedText t : texts) {
            seq = Math.max(seq, t.length());
        }
        int batch = texts.size();
        long[] ids = new long[batch * seq];
        long[] mask = new long[batch * seq];
        long[] types = new long[batch * seq];
        for (int b = 0; b < batch; b++) {
            TokenizedText t = texts.get(b);
            System.arraycopy(t.ids(), 0, ids, b * seq, t.length());
            System.arraycopy(t.attentionMask(), 0, mask, b * seq, t.length());
            System.arraycopy(t.typeIds(), 0, types, b * seq, t.length());
        }
        return new TokenBatch(batch, seq, ids, mask, types);
    }

    public int batchSize() {
        return this.batchSize;
    }

    public int sequenceLength() {
        return this.sequenceLength;
    }

    /** Row-major {@code [batch, sequence]} attention mask; not a copy. */
    public long[] attentionMask() {
        return this.attentionMask;
    }

    /**
     * Creates the native input tensors a model asks for, by conventional input name. The caller owns
     * and closes the tensors; on failure, those already created are closed here.
     * @param modelInputs names of the model's inputs (a subset of {@link #INPUT_NAMES})
     */
    public Map<String, OnnxTensor> toTensors(OrtEnvironment env, Set<String> modelInputs) throws OrtException {
        long[] shape = { this.batchSize, this.sequenceLength };
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        try {
            for (String name : modelInputs) {
                long[] data = switch (name) {
                    case INPUT_IDS -> this.ids;
                    case ATTENTION_MASK -> this.attentionMask;
                    case TOKEN_TYPE_IDS -> this.typeIds;
                    default -> throw new IllegalArgumentException("Text models take only " + INPUT_NAMES + ", not " + name);
                };
                tensors.put(name, OnnxTensor.createTensor(env, LongBuffer.wrap(data), shape));
            }
            return tensors;
        }
        catch (OrtException | RuntimeException ex) {
            tensors.values().forEach(OnnxTensor::close);
            throw ex;
        }
    }
}
