package io.distill4j.pipeline.student;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import io.distill4j.api.distill.StudentSpec;
import org.junit.jupiter.api.Test;

/** The registry of architectures: every spec kind finds exactly one, and every configuration its own. */
class ArchitectureTests {

    @Test
    void everySpecKindButAutoIsAnsweredByExactlyOneArchitecture() {
        for (Class<?> kind : StudentSpec.class.getPermittedSubclasses()) {
            if (kind == StudentSpec.Auto.class) {
                continue;
            }
            assertThat(Architecture.all().stream().flatMap(a -> a.specKinds().stream())
                    .filter(k -> k.type() == kind)).as(kind.getSimpleName()).hasSize(1);
        }
    }

    @Test
    void eachFixedSpecGivesOneShapeOfItsArchitecture() {
        assertThat(Architecture.shapes(StudentSpec.bagOfEmbeddings(32, 64), 128, Optional.empty()))
                .singleElement().extracting(StudentShape::label).isEqualTo("bag-of-embeddings/32x64");
        assertThat(Architecture.shapes(StudentSpec.textCnn(64, 32, 2, 3), 128, Optional.empty()))
                .singleElement().extracting(StudentShape::label).isEqualTo("text-cnn/64x32k23");
        assertThat(Architecture.shapes(StudentSpec.transformer(2, 64, 4, 128), 128, Optional.empty()))
                .singleElement().extracting(StudentShape::label).isEqualTo("transformer/2x64");
    }

    @Test
    void autoClimbsTheArchitecturesInRegistrationOrder() {
        List<StudentShape> shapes = Architecture.shapes(StudentSpec.auto(), 128, Optional.empty());
        assertThat(shapes).extracting(StudentShape::label).containsExactly("bag-of-embeddings/64x256",
                "bag-of-embeddings/128x256", "text-cnn/128x128k234", "transformer/2x128");
        assertThat(shapes).noneMatch(StudentShape::pretrained);
    }

    @Test
    void aConfigFindsItsArchitectureByIdAndItsGraphWriter() {
        for (StudentShape shape : Architecture.shapes(StudentSpec.auto(), 64, Optional.empty())) {
            StudentConfig config = shape.factory().build(100, 3, StudentOutput.LOGITS);
            Architecture architecture = Architecture.of(config.architecture()).orElseThrow();
            assertThat(architecture.id()).isEqualTo(config.architecture());
            assertThat(architecture.graph(config)).isNotNull();
        }
        assertThat(Architecture.of("unknown")).isEmpty();
        assertThat(Architecture.all()).extracting(Architecture::id).doesNotHaveDuplicates()
                .containsExactly("bag-of-embeddings", "text-cnn", "transformer");
    }

    @Test
    void teacherLayersWithoutAnEncoderTeacherAreRefusedWithTheReason() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Architecture.shapes(StudentSpec.teacherLayers(2), 128, Optional.empty()))
                .withMessageContaining("student.teacherLayers needs an ONNX encoder teacher");
    }

    @Test
    void theHeadChecksTheSharedFieldsByName() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new StudentHead(0, 2, StudentOutput.LOGITS, HiddenActivation.RELU, 0f))
                .withMessage("vocabSize must be between 1 and 4000000, was 0");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new StudentHead(10, 70_000, StudentOutput.LOGITS, HiddenActivation.RELU, 0f))
                .withMessage("outputSize must be between 1 and 65536, was 70000");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new StudentHead(10, 2, StudentOutput.LOGITS, HiddenActivation.RELU, 1f))
                .withMessage("dropout must be in [0, 1), was 1.0");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> StudentHead.requireHiddenSizes(Arrays.asList(8, null)))
                .withMessage("hiddenSizes[1] must not be null");
    }
}
