package io.distill4j.pipeline.finetune;

import java.util.Arrays;
import java.util.BitSet;

/**
 * The token ids the fine-tuning texts contain, which are the only rows of the encoder's word-embedding table
 * that training can change: every other row gets no gradient, so AdamW would only apply weight decay to it.
 * Training a model whose table holds just these rows gives the same result for a fraction of the optimizer's
 * work (all-MiniLM-L6-v2's 30,522 × 384 table is half its parameters; a training set of intents uses a few
 * thousand ids), and {@link #widen} puts the trained rows back into the encoder's whole table for export, so
 * the teacher still takes any text.
 *
 * @param keptIds the distinct ids seen, ascending; row {@code r} of the narrow table is id {@code keptIds[r]}
 */
record SeenTokens(long[] keptIds) {

    /** The ids seen in any row of any of {@code splits}. */
    static SeenTokens of(long[][]... splits) {
        BitSet seen = new BitSet();
        for (long[][] split : splits) {
            for (long[] row : split) {
                for (long id : row) {
                    seen.set(Math.toIntExact(id));
                }
            }
        }
        return new SeenTokens(seen.stream().asLongStream().toArray());
    }

    /** Rows of the narrow table. */
    int size() {
        return this.keptIds.length;
    }

    /** {@code ids} as rows of the narrow table; every id must be one of {@link #keptIds()}. */
    long[][] narrow(long[][] ids) {
        long[][] rows = new long[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            rows[i] = new long[ids[i].length];
            for (int t = 0; t < ids[i].length; t++) {
                int row = Arrays.binarySearch(this.keptIds, ids[i][t]);
                if (row < 0) {
                    throw new IllegalArgumentException("token id " + ids[i][t] + " of row " + i + " was not seen");
                }
                rows[i][t] = row;
            }
        }
        return rows;
    }

    /**
     * The encoder's whole table ({@code full}, row-major, {@code width} floats a row) with the trained rows of
     * the narrow table ({@code trained}) written over the ids they stand for; {@code full} is not changed.
     */
    float[] widen(float[] full, float[] trained, int width) {
        if (trained.length != this.keptIds.length * width) {
            throw new IllegalArgumentException("the trained table has " + trained.length + " floats, expected "
                    + this.keptIds.length + " rows of " + width);
        }
        float[] widened = full.clone();
        for (int r = 0; r < this.keptIds.length; r++) {
            System.arraycopy(trained, r * width, widened, Math.toIntExact(this.keptIds[r]) * width, width);
        }
        return widened;
    }
}
