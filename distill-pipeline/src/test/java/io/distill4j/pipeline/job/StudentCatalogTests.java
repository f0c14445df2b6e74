package io.distill4j.pipeline.job;

import java.util.List;

import io.distill4j.api.distill.MemoryMode;
import io.distill4j.api.distill.StudentSpec;
import io.distill4j.pipeline.student.StudentOutput;
import io.distill4j.pipeline.tune.Candidate;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StudentCatalogTests {

    @Test
    void autoSearchesEveryShapeFirstThenTheGridInASeededOrder() {
        StudentCatalog catalog = StudentCatalog.of(StudentSpec.auto(), 128);
        List<Candidate> candidates = catalog.candidates(42);
        assertThat(catalog.tuned()).isTrue();
        assertThat(catalog.pruneVocabulary()).isTrue();
        assertThat(candidates.subList(0, 4)).extracting(Candidate::student).doesNotHaveDuplicates()
                .anyMatch(s -> s.startsWith("transformer/")).anyMatch(s -> s.startsWith("text-cnn/"));
        assertThat(candidates).hasSize(4 * 27).doesNotHaveDuplicates();
        assertThat(catalog.candidates(42)).isEqualTo(candidates);
        assertThat(catalog.candidates(7)).isNotEqualTo(candidates);
    }

    @Test
    void aFixedStudentIsOneCandidateWithTheDefaults() {
        StudentCatalog catalog = StudentCatalog.of(StudentSpec.textCnn(64, 32, 2, 3).pruneVocabulary(false), 128);
        assertThat(catalog.tuned()).isFalse();
        assertThat(catalog.pruneVocabulary()).isFalse();
        Candidate only = catalog.candidates(42).get(0);
        assertThat(catalog.candidates(42)).hasSize(1);
        assertThat(only.temperature()).isEqualTo(StudentCatalog.DEFAULT_TEMPERATURE);
        assertThat(catalog.config(only, 1000, 5, StudentOutput.LOGITS).architecture()).isEqualTo("text-cnn");
    }

    @Test
    void theLargestShapeBoundsEveryCandidate() {
        StudentCatalog catalog = StudentCatalog.of(StudentSpec.auto(), 128);
        long largest = catalog.largestParameterCount(30_522, 77, StudentOutput.LOGITS);
        for (Candidate candidate : catalog.candidates(1)) {
            assertThat(catalog.config(candidate, 30_522, 77, StudentOutput.LOGITS).parameterCount())
                    .isLessThanOrEqualTo(largest);
        }
        assertThat(catalog.candidates(1)).anyMatch(c -> catalog.config(c, 30_522, 77, StudentOutput.LOGITS)
                .parameterCount() == largest);
    }

    @Test
    void thePlannerKeepsOnlyASmallTeacherLoaded() {
        long limit = 8L << 30;
        assertThat(MemoryPlanner.plan(20L << 20, 1_000_000, limit).mode()).isEqualTo(MemoryMode.ONLINE);
        assertThat(MemoryPlanner.plan(90L << 20, 1_000_000, limit).mode()).isEqualTo(MemoryMode.STAGED);
        assertThat(MemoryPlanner.plan(20L << 20, 1_000_000, 1L << 30).mode()).isEqualTo(MemoryMode.STAGED);
    }
}
