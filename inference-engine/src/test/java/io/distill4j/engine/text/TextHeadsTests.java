package io.distill4j.engine.text;

import java.nio.FloatBuffer;
import java.util.List;

import io.distill4j.api.Classification;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TextHeadsTests {

    // batch 2, sequence 3, hidden 2; second text has one padded position
    private final FloatBuffer hidden = FloatBuffer.wrap(new float[] { 1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 999, 999 });

    private final long[] mask = { 1, 1, 1, 1, 1, 0 };

    @Test
    void meanPoolingIgnoresPaddedTokens() {
        float[][] pooled = TextHeads.pool(this.hidden, 2, 3, 2, this.mask, Pooling.MEAN, false);
        assertThat(pooled[0]).containsExactly(3, 4);
        assertThat(pooled[1]).containsExactly(20, 30);
    }

    @Test
    void clsPoolingTakesTheFirstToken() {
        float[][] pooled = TextHeads.pool(this.hidden, 2, 3, 2, this.mask, Pooling.CLS, false);
        assertThat(pooled[0]).containsExactly(1, 2);
        assertThat(pooled[1]).containsExactly(10, 20);
    }

    @Test
    void normalizationGivesUnitVectors() {
        float[][] pooled = TextHeads.pool(this.hidden, 2, 3, 2, this.mask, Pooling.MEAN, true);
        assertThat(pooled[0][0]).isCloseTo(0.6f, within(1e-6f));
        assertThat(pooled[0][1]).isCloseTo(0.8f, within(1e-6f));
        float[] zero = new float[3];
        TextHeads.l2Normalize(zero);
        assertThat(zero).containsExactly(0, 0, 0);
    }

    @Test
    void softmaxIsStableForLargeLogits() {
        float[] p = TextHeads.softmax(new float[] { 1000, 1000, 999 });
        assertThat(p[0]).isCloseTo(p[1], within(1e-7f));
        assertThat(p[0] + p[1] + p[2]).isCloseTo(1f, within(1e-6f));
        assertThat(p[2]).isLessThan(p[0]);
    }

    @Test
    void topKSortsByProbabilityAndFallsBackToIndexLabels() {
        Classification c = TextHeads.topK(new float[] { 0.1f, 0.6f, 0.3f }, List.of("a", "b"), 5);
        assertThat(c.top()).extracting(s -> s.label()).containsExactly("b", "LABEL_2", "a");
        assertThat(c.best().index()).isEqualTo(1);
        assertThat(TextHeads.topK(new float[] { 0.5f, 0.5f }, List.of(), 1).best().index()).isZero();
    }

    @Test
    void lengthBucketsArePowersOfTwo() {
        assertThat(new TokenizedText(new long[3], new long[3], new long[3]).lengthBucket()).isEqualTo(8);
        assertThat(new TokenizedText(new long[8], new long[8], new long[8]).lengthBucket()).isEqualTo(8);
        assertThat(new TokenizedText(new long[9], new long[9], new long[9]).lengthBucket()).isEqualTo(16);
        assertThat(new TokenizedText(new long[256], new long[256], new long[256]).lengthBucket()).isEqualTo(256);
    }
}
