package io.distill4j.engine.analysis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.api.exception.ModelNotFoundException;
import io.distill4j.engine.analysis.PerformanceAnalyzer.Candidate;
import io.distill4j.engine.analysis.PerformanceAnalyzer.Point;
import io.distill4j.engine.batching.BatchPolicy;
import io.distill4j.engine.session.InstanceGroup;
import io.distill4j.engine.session.SessionConfig;
import io.distill4j.engine.testing.MiniLm;
import io.distill4j.engine.testing.ModelGenerators;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PerformanceAnalyzerTests {

    private static final Candidate ONE = new Candidate(1, InstanceGroup.Sessions.SHARED, BatchPolicy.Kind.ADAPTIVE, 32);

    private static final Candidate SPLIT = new Candidate(2, InstanceGroup.Sessions.PER_INSTANCE, BatchPolicy.Kind.OFF, 32);

    private static final Candidate SHARED = new Candidate(2, InstanceGroup.Sessions.SHARED, BatchPolicy.Kind.ADAPTIVE, 32);

    @TempDir
    Path root;

    private static Point point(Candidate candidate, int callers, double throughput) {
        return new Point(candidate, callers, throughput, 1, 2, 100);
    }

    @Test
    void recommendsTheSettingClosestToTheBestAtEveryConcurrency() {
        PerformanceAnalyzer.Report report = PerformanceAnalyzer.recommend(List.of(
                point(ONE, 1, 350), point(ONE, 16, 460),
                point(SPLIT, 1, 220), point(SPLIT, 16, 510),
                point(SHARED, 1, 340), point(SHARED, 16, 400)));
        assertThat(report.recommended()).as("0.90 at worst, against 0.63 and 0.78").isEqualTo(ONE);
        assertThat(report.worstRatio()).isCloseTo(460.0 / 510, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(report.predictedThroughput()).containsExactly(org.assertj.core.api.Assertions.entry(1, 350.0),
                org.assertj.core.api.Assertions.entry(16, 460.0));
        assertThat(report.recommendation()).contains("\"serving\": {\"instances\": 1, \"sessions\": \"shared\", "
                + "\"batching\": \"adaptive\", \"maxBatchSize\": 32}");
        assertThat(report.table()).contains("| 1 x session, adaptive (max 32) **(recommended)** | 16 | 460.0 |");
    }

    @Test
    void aTieGoesToFewerInstances() {
        PerformanceAnalyzer.Report report = PerformanceAnalyzer.recommend(List.of(
                point(SPLIT, 1, 300), point(SPLIT, 16, 500), point(ONE, 1, 299), point(ONE, 16, 495)));
        assertThat(report.recommended()).isEqualTo(ONE);
    }

    @Test
    void measuresEveryCandidateAtEveryConcurrencyIgnoringTheModelsOwnServingSettings() throws IOException {
        Path version = Files.createDirectories(this.root.resolve("enc").resolve("1"));
        Files.write(version.resolve("model.onnx"), ModelGenerators.toyTextEncoder(30522, 8, 42));
        Files.copy(MiniLm.tokenizerFile(), version.resolve("tokenizer.json"));
        Files.writeString(version.resolve("model.json"), "{\"task\": \"text-embedding\", \"tokenizer\": "
                + "\"tokenizer.json\", \"serving\": {\"instances\": 7}}");
        List<String> progress = new ArrayList<>();

        PerformanceAnalyzer.Report report = PerformanceAnalyzer.analyze(new PerformanceAnalyzer.Options(this.root, "enc",
                List.of(ONE, SPLIT), List.of(1, 3), Duration.ofMillis(200), Duration.ofMillis(50),
                PerformanceAnalyzer.SAMPLE_TEXTS, SessionConfig.builder().intraOpThreads(2).build()), progress::add);

        assertThat(report.points()).extracting(Point::candidate, Point::concurrency)
            .containsExactly(org.assertj.core.groups.Tuple.tuple(ONE, 1), org.assertj.core.groups.Tuple.tuple(ONE, 3),
                    org.assertj.core.groups.Tuple.tuple(SPLIT, 1), org.assertj.core.groups.Tuple.tuple(SPLIT, 3));
        assertThat(report.points()).allSatisfy(p -> assertThat(p.calls()).isPositive());
        assertThat(report.recommended()).isIn(ONE, SPLIT);
        assertThat(progress).hasSize(4);
        assertThat(Files.readString(version.resolve("model.json"))).as("the model itself is left alone")
            .contains("\"instances\": 7");
    }

    @Test
    void refusesARawModelAndBadOptionsNamingTheField() throws IOException {
        Path version = Files.createDirectories(this.root.resolve("add").resolve("1"));
        Files.write(version.resolve("model.onnx"), ModelGenerators.addAndScale());
        Files.writeString(version.resolve("model.json"), "{\"task\": \"raw\"}");
        PerformanceAnalyzer.Options raw = new PerformanceAnalyzer.Options(this.root, "add", List.of(ONE), List.of(1),
                Duration.ofMillis(50), Duration.ZERO, PerformanceAnalyzer.SAMPLE_TEXTS, SessionConfig.ofDefaults());
        assertThatThrownBy(() -> PerformanceAnalyzer.analyze(raw, line -> { }))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("raw model");
        assertThatThrownBy(() -> new PerformanceAnalyzer.Options(this.root, "add", List.of(ONE), List.of(0),
                Duration.ofMillis(50), Duration.ZERO, PerformanceAnalyzer.SAMPLE_TEXTS, SessionConfig.ofDefaults()))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("concurrency");
        assertThatThrownBy(() -> PerformanceAnalyzer.analyze(new PerformanceAnalyzer.Options(this.root, "none",
                List.of(ONE), List.of(1), Duration.ofMillis(50), Duration.ZERO, PerformanceAnalyzer.SAMPLE_TEXTS,
                SessionConfig.ofDefaults()), line -> { }))
            .isInstanceOf(ModelNotFoundException.class).hasMessageContaining("not in the repository");
    }
}
