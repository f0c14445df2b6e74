package io.distill4j.pipeline.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.distill4j.api.distill.Augmentation;
import io.distill4j.api.distill.Budget;
import io.distill4j.api.distill.DataSpec;
import io.distill4j.api.distill.DistillationTask;
import io.distill4j.api.distill.Quoting;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.engine.similarity.Similarity;
import io.distill4j.pipeline.data.TextExample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PreparedDataTests {

    private static final Augmentation NONE = Augmentation.none();

    private static final Budget BUDGET = Budget.ofDefaults();

    @TempDir
    Path dir;

    private DataSpec stsStyle(Path train) {
        return DataSpec.csv(train).header(false).textColumn(0).textPairColumn(1).labelColumn(2);
    }

    @Test
    void anEmbeddingTaskTrainsOnEveryDistinctTextAndKeepsTheScoresOfPairs() throws IOException {
        Path train = write("train.csv", "A plane is taking off.,An air plane is taking off.,5.0\n"
                + "A man plays a flute.,A plane is taking off.,0.5\n"
                + "A single unpaired sentence.\n");
        Path validation = write("dev.csv", "A dog runs.,A dog is running.,4.8\nA cat sleeps.,A car drives.,0.2\n");
        Path test = write("test.csv", "A girl sings.,A girl is singing.,4.9\nA boy swims.,Stocks fell.,0\n"
                + "Rain falls.,It is raining.,4\n");

        PreparedData data = PreparedData.read(stsStyle(train).validation(validation).test(test), NONE, BUDGET, 7,
                DistillationTask.TEXT_EMBEDDING, "job-1");

        assertThat(data.train().examples()).extracting(TextExample::text).containsExactly("A plane is taking off.",
                "An air plane is taking off.", "A man plays a flute.", "A single unpaired sentence.");
        assertThat(data.train().examples()).allMatch(e -> e.label().isEmpty() && e.textPair().isEmpty());
        assertThat(data.transfer()).isSameAs(data.train());
        assertThat(data.labels()).isEmpty();
        assertThat(data.validation().examples()).extracting(TextExample::text).containsExactly("A dog runs.",
                "A dog is running.", "A cat sleeps.", "A car drives.");
        assertThat(data.validationPairs().orElseThrow().scores()).containsExactly(4.8, 0.2);
        assertThat(data.test().orElseThrow().size()).isEqualTo(6);
        assertThat(data.testPairs().orElseThrow().scores()).containsExactly(4.9, 0.0, 4.0);
    }

    @Test
    void theSpecsQuotingDecidesHowATsvWithStrayQuotesIsRead() throws IOException {
        Path train = write("reviews.tsv", "text\tlabel\n\"Acme\" card declined\tcard\nmoney gone\ttransfer\n"
                + "card \"stuck\tcard\nwhere is my transfer\ttransfer\n");
        DataSpec spec = DataSpec.tsv(train).validationShare(0.5);

        PreparedData data = PreparedData.read(spec, NONE, BUDGET, 7, DistillationTask.TEXT_CLASSIFICATION,
                "job-3");

        assertThat(data.reports()).singleElement().satisfies(report -> assertThat(report.readLiterally()).isTrue());
        assertThat(data.train().size() + data.validation().size()).isEqualTo(4);
        assertThatThrownBy(() -> PreparedData.read(spec.quoting(Quoting.RFC_4180), NONE, BUDGET, 7,
                DistillationTask.TEXT_CLASSIFICATION, "job-4")).isInstanceOf(DistillationException.class)
                .hasMessageContaining("malformed record after line 1").hasMessageContaining("data.quoting: NONE");
        assertThat(PreparedData.read(spec.quoting(Quoting.NONE), NONE, BUDGET, 7,
                DistillationTask.TEXT_CLASSIFICATION, "job-5").reports())
                .singleElement().satisfies(report -> assertThat(report.readLiterally()).isFalse());
    }

    @Test
    void anEmbeddingTestSplitNeedsScoredPairs() throws IOException {
        Path train = write("train.csv", "text\nfirst sentence\nsecond sentence\nthird sentence\n");
        Path test = write("test.csv", "text,label\nlonely sentence,4\n");
        assertThatThrownBy(() -> PreparedData.read(DataSpec.csv(train).test(test), NONE, BUDGET, 7,
                DistillationTask.TEXT_EMBEDDING, "job-2")).isInstanceOf(DistillationException.class)
                .hasMessageContaining("data.test").hasMessageContaining("textPairColumn");

        Path badScore = write("bad.csv", "A girl sings.,A girl is singing.,high\nA boy swims.,Stocks fell.,0\n");
        assertThatThrownBy(() -> PreparedData.read(stsStyle(train).header(false).test(badScore), NONE, BUDGET, 7,
                DistillationTask.TEXT_EMBEDDING, "job-3")).isInstanceOf(DistillationException.class)
                .hasMessageContaining("line 1").hasMessageContaining("'high' is not a number");
    }

    @Test
    void withoutAValidationFileTheEmbeddingTaskSplitsTheTextsAndScoresByCosineOnly() throws IOException {
        StringBuilder rows = new StringBuilder("text\n");
        for (int i = 0; i < 40; i++) {
            rows.append("sentence number ").append(i).append('\n');
        }
        PreparedData data = PreparedData.read(DataSpec.csv(write("train.csv", rows.toString())), NONE, BUDGET, 7,
                DistillationTask.TEXT_EMBEDDING, "job-4");
        assertThat(data.train().size() + data.validation().size()).isEqualTo(40);
        assertThat(data.validation().size()).isPositive();
        assertThat(data.validationPairs()).isEmpty();
        assertThat(data.testPairs()).isEmpty();
    }

    @Test
    void automaticAugmentationSizesTheTransferSetTheSameWayEveryTime() throws IOException {
        StringBuilder rows = new StringBuilder("text,label\n");
        for (int i = 0; i < 30; i++) {
            rows.append("my card number ").append(i).append(" was declined at the shop,card\n");
            rows.append("the transfer of ").append(i).append(" pounds has not arrived yet,transfer\n");
        }
        DataSpec spec = DataSpec.csv(write("train.csv", rows.toString()));

        PreparedData data = PreparedData.read(spec, Augmentation.auto(), BUDGET, 7,
                DistillationTask.TEXT_CLASSIFICATION, "job-6");
        PreparedData again = PreparedData.read(spec, Augmentation.auto(), BUDGET, 7,
                DistillationTask.TEXT_CLASSIFICATION, "job-7");
        PreparedData none = PreparedData.read(spec, NONE, BUDGET, 7, DistillationTask.TEXT_CLASSIFICATION, "job-8");

        int train = data.train().size();
        assertThat(data.augmentation()).hasValueSatisfying(choice -> {
            assertThat(choice.automatic()).isTrue();
            assertThat(choice.copiesPerExample()).isEqualTo(9);
            assertThat(choice.trainingExamples()).isEqualTo(train);
            assertThat(choice.reason()).isEqualTo("auto: " + train + " training examples \u2192 9 copies per example "
                    + "(transfer \u2264 10 \u00d7 training)");
        });
        assertThat(data.transfer().size()).isGreaterThan(train).isLessThanOrEqualTo(10 * train);
        assertThat(data.transfer().examples().subList(train, data.transfer().size()))
                .allMatch(TextExample::augmented);
        assertThat(again.transfer().examples()).extracting(TextExample::text)
                .containsExactlyElementsOf(data.transfer().examples().stream().map(TextExample::text).toList());
        assertThat(none.augmentation()).isEmpty();
        assertThat(none.transfer()).isSameAs(none.train());
    }

    @Test
    void automaticAugmentationMakesNoCopiesForAnEmbeddingJob() throws IOException {
        Path train = write("train.csv", "text\nfirst sentence\nsecond sentence\nthird sentence\nfourth one\n");

        PreparedData data = PreparedData.read(DataSpec.csv(train), Augmentation.auto(), BUDGET, 7,
                DistillationTask.TEXT_EMBEDDING, "job-9");

        assertThat(data.augmentation()).hasValueSatisfying(choice -> {
            assertThat(choice.copiesPerExample()).isZero();
            assertThat(choice.reason()).contains("no copies").contains("classification");
        });
        assertThat(data.transfer()).isSameAs(data.train());
    }

    @Test
    void pairSimilarityIsSpearmanOfCosinesWithTiesAveraged() {
        PreparedData.ScoredPairs pairs = new PreparedData.ScoredPairs(new double[] {1, 2, 3, 3});
        // Cosines: pair 0 -> 0 (orthogonal), 1 -> 0.6, 2 -> 1, 3 -> 0.8
        float[][] vectors = {{1, 0}, {0, 1}, {1, 0}, {0.6f, 0.8f}, {0, 2}, {0, 1}, {1, 0}, {0.8f, 0.6f}};
        // Score ranks 1, 2, 3.5, 3.5; cosine ranks 1, 2, 4, 3 -> Pearson of the ranks.
        double expected = pearson(new double[] {1, 2, 3.5, 3.5}, new double[] {1, 2, 4, 3});
        assertThat(PairSimilarity.spearman(pairs, row -> vectors[row])).isCloseTo(expected,
                org.assertj.core.data.Offset.offset(1e-12));
        assertThat(Similarity.cosine(new float[] {0, 0}, new float[] {1, 0})).isZero();
        assertThat(PairSimilarity.spearman(new PreparedData.ScoredPairs(new double[] {1}), row -> vectors[row]))
                .isNaN();
        assertThatThrownBy(() -> Similarity.cosine(new float[2], new float[3]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static double pearson(double[] x, double[] y) {
        double mx = 0;
        double my = 0;
        for (int i = 0; i < x.length; i++) {
            mx += x[i] / x.length;
            my += y[i] / y.length;
        }
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(this.dir.resolve(name), content);
    }
}
