package io.distill4j.engine.similarity;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SimilarityTests {

    @Test
    void cosineIsTheAngleRegardlessOfLength() {
        assertThat(Similarity.cosine(new float[] {1, 0}, new float[] {5, 0})).isEqualTo(1.0);
        assertThat(Similarity.cosine(new float[] {1, 0}, new float[] {0, 3})).isEqualTo(0.0);
        assertThat(Similarity.cosine(new float[] {1, 2}, new float[] {-2, -4})).isCloseTo(-1.0, within(1e-12));
        assertThat(Similarity.cosine(new float[] {1, 1}, new float[] {1, 0})).isCloseTo(Math.sqrt(0.5), within(1e-12));
    }

    @Test
    void twoZeroVectorsAreTheSameVector() {
        assertThat(Similarity.cosine(new float[3], new float[3])).isEqualTo(1.0);
        assertThat(Similarity.cosine(new float[0], new float[0])).isEqualTo(1.0);
    }

    @Test
    void aZeroVectorSharesNoDirectionWithANonZeroOne() {
        assertThat(Similarity.cosine(new float[] {0, 0}, new float[] {1, 0})).isEqualTo(0.0);
        assertThat(Similarity.cosine(new float[] {0, -2}, new float[] {0, 0})).isEqualTo(0.0);
    }

    @Test
    void aNanElementGivesNanEvenAgainstAZeroVector() {
        assertThat(Similarity.cosine(new float[] {Float.NaN, 1}, new float[] {1, 1})).isNaN();
        assertThat(Similarity.cosine(new float[] {0, 0}, new float[] {0, Float.NaN})).isNaN();
        assertThat(Similarity.cosine(new float[] {Float.POSITIVE_INFINITY, 0}, new float[] {1, 0})).isNaN();
    }

    @Test
    void vectorsOfDifferentLengthsAreRefused() {
        assertThatThrownBy(() -> Similarity.cosine(new float[2], new float[3]))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 and 3");
    }

    @Test
    void largeAndTinyFloatsNeitherOverflowNorUnderflow() {
        assertThat(Similarity.cosine(new float[] {3e38f, 3e38f}, new float[] {3e38f, 3e38f}))
            .isCloseTo(1.0, within(1e-12));
        assertThat(Similarity.cosine(new float[] {1e-30f, 0}, new float[] {2e-30f, 0})).isCloseTo(1.0, within(1e-12));
    }
}
