package io.distill4j.pipeline.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Reads the real data sets when they sit beside the checkout ({@code ../shared/datasets} of the
 * repository, or the folder named by the {@code distill4j.datasets} system property); skipped where
 * they are absent, as in CI.
 */
class RealDatasetsIT {

    static Path datasets() {
        String property = System.getProperty("distill4j.datasets");
        if (property != null) {
            return Path.of(property);
        }
        Path dir = Path.of("").toAbsolutePath();
        for (int up = 0; up < 3 && dir != null; up++, dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("datasets");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return Path.of("..", "shared", "datasets");
    }

    static Path require(String relative) {
        Path path = datasets().resolve(relative);
        assumeTrue(Files.isRegularFile(path), () -> path + " is absent; skipping");
        return path;
    }

    @Test
    void banking77TrainAndTestReadWith77LabelsAndNoBadRows() {
        Path trainFile = require("banking77/train.tsv");
        Path testFile = require("banking77/test.tsv");

        TextDataset train = DatasetReader.builder().maxBadRowShare(0).build().read(trainFile);
        TextDataset test = DatasetReader.builder().maxBadRowShare(0).knownLabels(train.labels()).requireLabels(true)
                .build().read(testFile);

        assertThat(train.labels()).hasSize(77);
        assertThat(train.size()).isEqualTo(9003);
        assertThat(train.report().orElseThrow().badRows()).isZero();
        assertThat(train.labeledCount()).isEqualTo(train.size());
        assertThat(test.labels()).isEqualTo(train.labels());
        assertThat(test.size()).isEqualTo(3080);
        assertThat(test.report().orElseThrow().badRows()).isZero();
        assertThat(test.labelCounts().values()).allSatisfy(count -> assertThat(count).isPositive());
        // The quoted record over two lines (an empty first line, then the question) starts on line 273.
        assertThat(train.examples()).filteredOn(example -> example.line() == 273).singleElement()
                .satisfies(example -> {
                    assertThat(example.text()).isEqualTo("How do I unblock my PIN?");
                    assertThat(example.label()).contains("pin_blocked");
                });
        assertThat(train.examples()).filteredOn(example -> example.line() == 43).singleElement()
                .satisfies(example -> assertThat(example.text()).isEqualTo("What do I do with my \"decline\" message on a transfer?"));
    }

    @Test
    void banking77SplitsStratifiedAndAugments() {
        TextDataset train = DatasetReader.builder().build().read(require("banking77/train.tsv"));

        DatasetSplit split = DatasetSplitter.ofDefaults().split(train);
        TextDataset transfer = Augmenter.ofDefaults().augment(split.train());

        Map<String, Long> all = train.labelCounts();
        assertThat(split.validation().labelCounts()).allSatisfy((label, count) ->
                assertThat((double) count).as(label).isCloseTo(0.1 * all.get(label),
                        org.assertj.core.data.Offset.offset(0.9999)));
        assertThat(split.validation().size()).isEqualTo(900);
        assertThat(transfer.size()).isGreaterThan(split.train().size() * 3);
        assertThat(transfer.size() - split.train().size()).isLessThanOrEqualTo(split.train().size() * 4);
    }

    @Test
    void sst2AndStsBReadWithoutBadRows() {
        TextDataset sst2 = DatasetReader.builder().maxBadRowShare(0).build().read(require("sst2/train.tsv"));
        TextDataset stsb = DatasetReader.builder().maxBadRowShare(0)
                .columns(ColumnMapping.builder().text(0).textPair(1).label(2).build())
                .build().read(require("stsb/stsb-en-train.csv"));

        assertThat(sst2.labels()).containsExactly("0", "1");
        assertThat(sst2.size()).isEqualTo(67349);
        assertThat(stsb.size()).isEqualTo(5749);
        assertThat(stsb.hasTextPairs()).isTrue();
        assertThat(stsb.report().orElseThrow().badRows()).isZero();
    }
}
