package io.distill4j.engine.text;

/**
 * One tokenized text, unpadded: ids, attention mask and token type ids of equal length.
 *
 * @param ids token ids
 * @param attentionMask 1 for real tokens
 * @param typeIds token type (segment) ids
 */
public record TokenizedText(long[] ids, long[] attentionMask, long[] typeIds) {

    /** Number of tokens, special tokens included. */
    public int length() {
        return this.ids.length;
    }

    /**
     * The length bucket used to group texts into batches: the next power of two, at least 8, so that
     * texts sharing a batch differ in length by less than a factor of two and little padding is computed.
     */
    public int lengthBucket() {
        return lengthBucket(this.ids.length);
    }

    /** The {@linkplain #lengthBucket() length bucket} of a text of {@code length} tokens. */
    public static int lengthBucket(int length) {
        int n = Math.max(8, length);
        return Integer.highestOneBit(n - 1) << 1;
    }
}
