package io.distill4j.benchmarks;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.distill4j.engine.similarity.Similarity;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

/**
 * Scenario (c): how well a system's embeddings rank STS-B test pairs. The figure is Spearman's rank
 * correlation between the cosine similarity of the two sentences' embeddings and the gold score, the
 * usual STS-B measure for sentence encoders. all-MiniLM-L6-v2 fp32 measured 0.8203 here before.
 */
final class StsbEvaluation {

    /** The reference measured on this data for all-MiniLM-L6-v2 fp32 (docs: BENCHMARKS.md). */
    static final double REFERENCE_SPEARMAN = 0.8203;

    /** The engine's target: 0.820 ± 0.002. */
    static final double TARGET = 0.820;

    static final double TOLERANCE = 0.002;

    private final StsbData data;

    private final List<String> sentences;

    StsbEvaluation(StsbData data) {
        this.data = data;
        this.sentences = data.distinctSentences();
    }

    /** Embeds every distinct sentence once, one call at a time on this thread. */
    Map<String, float[]> embedAll(EmbeddingSystem system) {
        Map<String, float[]> vectors = new HashMap<>(this.sentences.size() * 2);
        for (String sentence : this.sentences) {
            vectors.put(sentence, system.embed(sentence));
        }
        return vectors;
    }

    /** Spearman correlation of cosine(sentence1, sentence2) with the gold score over every pair. */
    double spearman(Map<String, float[]> vectors) {
        List<StsbData.Pair> pairs = this.data.pairs();
        double[] cosines = new double[pairs.size()];
        double[] scores = new double[pairs.size()];
        for (int i = 0; i < pairs.size(); i++) {
            StsbData.Pair pair = pairs.get(i);
            cosines[i] = Similarity.cosine(vectors.get(pair.sentence1()), vectors.get(pair.sentence2()));
            scores[i] = pair.score();
        }
        return new SpearmansCorrelation().correlation(cosines, scores);
    }

    /**
     * How closely two systems agree sentence by sentence.
     * @return the lowest and the mean cosine similarity between their embeddings of the same sentence
     */
    double[] agreement(Map<String, float[]> a, Map<String, float[]> b) {
        double min = Double.POSITIVE_INFINITY;
        double sum = 0;
        for (String sentence : this.sentences) {
            double cosine = Similarity.cosine(a.get(sentence), b.get(sentence));
            min = Math.min(min, cosine);
            sum += cosine;
        }
        return new double[] { min, sum / this.sentences.size() };
    }

    int sentenceCount() {
        return this.sentences.size();
    }

    static boolean onTarget(double spearman) {
        return Math.abs(spearman - TARGET) <= TOLERANCE;
    }
}
