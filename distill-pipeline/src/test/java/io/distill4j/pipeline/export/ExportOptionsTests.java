package io.distill4j.pipeline.export;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ExportOptionsTests {

    @Test
    void defaultsAreOpset17AndNoProvenance() {
        ExportOptions options = ExportOptions.ofDefaults();
        assertThat(options.opset()).isEqualTo(17);
        assertThat(options.teacherHash()).isEmpty();
        assertThat(options.jobId()).isEmpty();
        assertThat(options.labels()).isEmpty();
        assertThat(options.metadata()).isEmpty();
        assertThat(options.vocabularyRemap()).isEmpty();
    }

    @Test
    void everySettingIsKept() {
        ExportOptions options = ExportOptions.builder().opset(13).teacherHash("abc").jobId("job-1")
            .labels(List.of("a", "b")).metadata("distill4j.training.seed", "7").build();
        assertThat(options.opset()).isEqualTo(13);
        assertThat(options.teacherHash()).contains("abc");
        assertThat(options.jobId()).contains("job-1");
        assertThat(options.labels()).containsExactly("a", "b");
        assertThat(options.metadata()).containsExactly(Map.entry("distill4j.training.seed", "7"));
    }

    @Test
    void opsetOutsideTheSupportedRangeIsRefusedWithTheRange() {
        assertThatIllegalArgumentException().isThrownBy(() -> ExportOptions.builder().opset(12))
            .withMessage("opset must be between 13 and 17, was 12");
        assertThatIllegalArgumentException().isThrownBy(() -> ExportOptions.builder().opset(20))
            .withMessage("opset must be between 13 and 17, was 20");
    }

    @Test
    void labelsMustBeNonBlankAndDistinct() {
        assertThatIllegalArgumentException().isThrownBy(() -> ExportOptions.builder().labels(Arrays.asList("a", null)))
            .withMessage("labels[1] must not be blank");
        assertThatIllegalArgumentException().isThrownBy(() -> ExportOptions.builder().labels(List.of("a", " ")))
            .withMessage("labels[1] must not be blank");
        assertThatIllegalArgumentException().isThrownBy(() -> ExportOptions.builder().labels(List.of("a", "b", "a")))
            .withMessage("labels[2] 'a' appears twice");
    }

    @Test
    void idsMustBeNonBlankAndShort() {
        assertThatIllegalArgumentException().isThrownBy(() -> ExportOptions.builder().jobId(" "))
            .withMessage("jobId must not be blank");
        assertThatIllegalArgumentException().isThrownBy(() -> ExportOptions.builder().teacherHash("x".repeat(257)))
            .withMessage("teacherHash must be at most 256 characters, was 257");
    }

    @Test
    void metadataCannotOverwriteTheExportersOwnEntries() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> ExportOptions.builder().metadata("distill4j.student.architecture", "x"))
            .withMessageContaining("is written by the exporter itself");
        assertThatIllegalArgumentException().isThrownBy(() -> ExportOptions.builder().metadata("distill4j.labels", "[]"))
            .withMessageContaining("is written by the exporter itself");
        assertThatIllegalArgumentException().isThrownBy(() -> ExportOptions.builder().metadata("k", "1").metadata("k", "2"))
            .withMessage("metadata key 'k' is already set");
        assertThatIllegalArgumentException().isThrownBy(() -> ExportOptions.builder().metadata("", "1"))
            .withMessage("metadata key must not be blank");
    }

    @Test
    void vocabularyRemapIsCopiedInAndOut() {
        long[] remap = { 0, 3, 1, 1 };
        ExportOptions options = ExportOptions.builder().vocabularyRemap(remap).build();
        remap[1] = 9;
        assertThat(options.vocabularyRemap()).hasValueSatisfying(r -> assertThat(r).containsExactly(0, 3, 1, 1));
        options.vocabularyRemap().orElseThrow()[0] = 7;
        assertThat(options.vocabularyRemap().orElseThrow()[0]).isZero();
        assertThat(options.toString()).contains("vocabularyRemap=4 ids");
    }

    @Test
    void vocabularyRemapMustBeNonEmptyAndNonNegative() {
        assertThatIllegalArgumentException().isThrownBy(() -> ExportOptions.builder().vocabularyRemap(new long[0]))
            .withMessage("vocabularyRemap must map between 1 and 4000000 token ids, was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> ExportOptions.builder().vocabularyRemap(new long[] { 0, -1 }))
            .withMessage("vocabularyRemap[1] must be a row of the embedding table, >= 0, was -1");
    }
}
