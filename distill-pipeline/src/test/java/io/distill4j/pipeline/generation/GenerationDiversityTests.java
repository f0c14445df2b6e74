package io.distill4j.pipeline.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.distill4j.pipeline.report.DiversityFigures;

/** distinct-n and the mean pairwise embedding distance, against values worked out by hand. */
class GenerationDiversityTests {

    @Test
    void distinctNCountsRepeatedNGramsOnceAndNeverAcrossTexts() {
        List<String> texts = List.of("The card was declined.", "the CARD was lost");
        // words: the card was declined | the card was lost -> 8 unigrams, 5 distinct
        assertThat(DiversityMeasures.distinct(texts, 1)).isEqualTo(5.0 / 8);
        // bigrams: the-card card-was was-declined | the-card card-was was-lost -> 6, 4 distinct; none spans the texts
        assertThat(DiversityMeasures.distinct(texts, 2)).isEqualTo(4.0 / 6);
        assertThat(DiversityMeasures.distinct(List.of("a b c", "d e f"), 2)).isEqualTo(1.0);
        assertThat(DiversityMeasures.words("Don't  pay 2x, café!")).containsExactly("don", "t", "pay", "2x", "café");
    }

    @Test
    void distinctNIsUnknownWithoutNGrams() {
        assertThat(DiversityMeasures.distinct(List.of("one", "two"), 2)).isNaN();
        assertThat(DiversityMeasures.distinct(List.of(), 1)).isNaN();
        assertThat(DiversityMeasures.distinct(List.of("?!"), 1)).isNaN();
    }

    @Test
    void theMeanPairwiseDistanceIsOneMinusCosineOverEveryPair() {
        float[] x = {1, 0};
        float[] y = {0, 1};
        float[] minusX = {-1, 0};
        // pairs: x-y 1, x-(-x) 2, y-(-x) 1 -> mean 4/3
        assertThat(DiversityMeasures.meanPairwiseDistance(List.of(x, y, minusX), 100)).isCloseTo(4.0 / 3, within(1e-9));
        assertThat(DiversityMeasures.meanPairwiseDistance(List.of(x, x.clone()), 100)).isZero();
        assertThat(DiversityMeasures.meanPairwiseDistance(List.of(x), 100)).isNaN();
        assertThat(DiversityMeasures.pairs(3, 100)).isEqualTo(3);
        assertThat(DiversityMeasures.pairs(1000, 100)).isEqualTo(100);
    }

    @Test
    void manyVectorsAreSampledWithAFixedSeedCloseToTheFullMean() {
        Random random = new Random(7);
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            float[] v = new float[16];
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) random.nextGaussian() + (j == 0 ? 1.5f : 0);
            }
            vectors.add(v);
        }
        double full = DiversityMeasures.meanPairwiseDistance(vectors, Integer.MAX_VALUE);
        double sampled = DiversityMeasures.meanPairwiseDistance(vectors, 5_000);
        assertThat(sampled).isNotEqualTo(full).isCloseTo(full, within(0.02));
        assertThat(DiversityMeasures.meanPairwiseDistance(vectors, 5_000)).isEqualTo(sampled);
    }

    @Test
    void theFiguresOfTextsWithoutVectorsLeaveTheDistanceUnknown() {
        DiversityFigures figures = DiversityMeasures.of(List.of("a b", "a c"), null);
        assertThat(figures.distinct1()).isEqualTo(0.75);
        assertThat(figures.distinct2()).isEqualTo(1.0);
        assertThat(figures.meanPairwiseDistance()).isNaN();
        assertThat(figures.pairs()).isZero();
    }
}
