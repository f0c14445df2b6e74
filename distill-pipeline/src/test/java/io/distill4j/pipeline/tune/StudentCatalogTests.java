package io.distill4j.pipeline.tune;

import java.util.List;
import java.util.Optional;

import io.distill4j.api.distill.Pooling;
import io.distill4j.api.distill.StudentSpec;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.student.StudentOutput;
import io.distill4j.pipeline.student.TeacherEncoder;
import io.distill4j.pipeline.student.transformer.TransformerConfig;
import io.distill4j.pipeline.testing.MiniLmFiles;
import io.distill4j.pipeline.tune.Candidate;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class StudentCatalogTests {

    private static final Optional<TeacherEncoder> MINILM = Optional.of(new TeacherEncoder(MiniLmFiles.model(),
            Pooling.MEAN));

    @Test
    void autoSearchesEveryShapeFirstThenTheGridInASeededOrder() {
        StudentCatalog catalog = StudentCatalog.of(StudentSpec.auto(), 128, 15);
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
        StudentCatalog catalog = StudentCatalog.of(StudentSpec.textCnn(64, 32, 2, 3).pruneVocabulary(false), 128, 15);
        assertThat(catalog.tuned()).isFalse();
        assertThat(catalog.pruneVocabulary()).isFalse();
        Candidate only = catalog.candidates(42).get(0);
        assertThat(catalog.candidates(42)).hasSize(1);
        assertThat(only.temperature()).isEqualTo(StudentCatalog.DEFAULT_TEMPERATURE);
        assertThat(only.alpha()).isEqualTo(StudentCatalog.DEFAULT_ALPHA);
        assertThat(only.learningRate()).isEqualTo(StudentCatalog.DEFAULT_LEARNING_RATE);
        assertThat(catalog.epochs()).isEqualTo(15);
        assertThat(catalog.epochsPinned()).isFalse();
        assertThat(catalog.config(only, 1000, 5, StudentOutput.LOGITS).architecture()).isEqualTo("text-cnn");
    }

    @Test
    void teacherLayersTakeTheTeachersShapeAndSearchFineTuningRates() {
        StudentCatalog catalog = StudentCatalog.of(StudentSpec.teacherLayers(2), 128, 15,
                MINILM);
        assertThat(catalog.tuned()).isFalse();
        Candidate only = catalog.candidates(42).get(0);
        assertThat(only.student()).isEqualTo("transformer/2x384-teacher-layers-0-5");
        assertThat(only.studentSettings()).containsEntry("teacherLayers", "0,5").containsEntry("heads", "12")
                .containsEntry("intermediateSize", "1536");
        assertThat(only.learningRate()).isEqualTo(StudentCatalog.DEFAULT_PRETRAINED_LEARNING_RATE);
        assertThat(catalog.embeddingCandidates(42)).singleElement().extracting(Candidate::learningRate)
                .isEqualTo(StudentCatalog.DEFAULT_PRETRAINED_LEARNING_RATE);
        TransformerConfig config = (TransformerConfig) catalog.config(only, 900, 384, StudentOutput.EMBEDDING);
        assertThat(config.layers()).isEqualTo(2);
        assertThat(config.hiddenSize()).isEqualTo(384);
        assertThat(config.maxPositions()).isEqualTo(128);
        // The initializer copies the teacher: the embedding LayerNorm's gain is no longer DJL's initial ones.
        TransformerConfig unpruned = (TransformerConfig) catalog.config(only, 30522, 384, StudentOutput.EMBEDDING);
        try (StudentModel model = StudentModel.create(unpruned.newBlock(), 1)) {
            float[] ones = new float[384];
            java.util.Arrays.fill(ones, 1f);
            assertThat(model.block().getParameters().get("01embeddings_norm_gamma").getArray().toFloatArray())
                    .containsExactly(ones);
            catalog.initialize(only, model, Optional.empty());
            assertThat(model.block().getParameters().get("01embeddings_norm_gamma").getArray().toFloatArray())
                    .isNotEqualTo(ones);
        }
    }

    @Test
    void teacherLayersPoolAsTheTeacherPools() {
        for (Pooling pooling : Pooling.values()) {
            StudentCatalog catalog = StudentCatalog.of(StudentSpec.teacherLayers(1), 128, 15,
                    Optional.of(new TeacherEncoder(MiniLmFiles.model(), pooling)));
            TransformerConfig config = (TransformerConfig) catalog.config(catalog.candidates(1).get(0), 900, 3,
                    StudentOutput.LOGITS);
            assertThat(config.pooling().name()).as("student of a %s teacher", pooling).isEqualTo(pooling.name());
        }
    }

    @Test
    void teacherLayersNeedAnEncoderTeacherWithThatManyLayers() {
        assertThatIllegalArgumentException().isThrownBy(() -> StudentCatalog.of(StudentSpec.teacherLayers(2), 128, 15))
                .withMessageContaining("student.teacherLayers needs an ONNX encoder teacher of the BERT family");
        assertThatIllegalArgumentException().isThrownBy(() -> StudentCatalog.of(StudentSpec.teacherLayers(7), 128, 15,
                MINILM)).withMessageContaining("at most the teacher's 6 layers, was 7");
        assertThatIllegalArgumentException().isThrownBy(() -> StudentCatalog.of(StudentSpec.teacherLayers(2)
                .intermediateSize(2048), 128, 15, MINILM))
                .withMessageContaining("student.intermediateSize must be at most the teacher's 1536, was 2048");
        StudentCatalog narrow = StudentCatalog.of(StudentSpec.teacherLayers(1).intermediateSize(512), 128, 15,
                MINILM);
        assertThat(narrow.candidates(1)).singleElement().satisfies(only -> {
            assertThat(only.student()).isEqualTo("transformer/1x384-ffn512-teacher-layers-5");
            assertThat(only.studentSettings()).containsEntry("intermediateSize", "512");
        });
    }

    @Test
    void aFixedStudentsOneCandidateCarriesItsPinnedTraining() {
        StudentCatalog catalog = StudentCatalog.of(StudentSpec.bagOfEmbeddings(128, 256)
                .training(StudentSpec.Training.of(1e-2f, 4f, 0f).epochs(9)), 128, 15);
        assertThat(catalog.tuned()).isFalse();
        assertThat(catalog.candidates(42)).singleElement().satisfies(only -> {
            assertThat(only.student()).isEqualTo("bag-of-embeddings/128x256");
            assertThat(only.learningRate()).isEqualTo(1e-2f);
            assertThat(only.temperature()).isEqualTo(4f);
            assertThat(only.alpha()).as("hard labels only").isZero();
        });
        assertThat(catalog.epochs()).isEqualTo(9);
        assertThat(catalog.epochsPinned()).isTrue();

        StudentCatalog unpinnedEpochs = StudentCatalog.of(StudentSpec.transformer(1, 32, 2, 64)
                .training(StudentSpec.Training.of(1e-3f, 1f, 0.9f)), 64, 12);
        assertThat(unpinnedEpochs.candidates(1)).singleElement().extracting(Candidate::alpha).isEqualTo(0.9f);
        assertThat(unpinnedEpochs.epochs()).isEqualTo(12);
        assertThat(unpinnedEpochs.epochsPinned()).isFalse();
    }

    @Test
    void pinnedEpochsBeyondTheDistillersMaximumAreRefusedNamingBoth() {
        StudentSpec spec = StudentSpec.textCnn(64, 32, 2, 3).training(StudentSpec.Training.of(1e-3f, 2f, 0.5f)
                .epochs(20));
        assertThatIllegalArgumentException().isThrownBy(() -> StudentCatalog.of(spec, 128, 15))
                .withMessage("student.training.epochs must be at most the distiller's maxEpochs 15, was 20");
        assertThat(StudentCatalog.of(spec, 128, 20).epochs()).isEqualTo(20);
    }

    @Test
    void theLargestShapeBoundsEveryCandidate() {
        StudentCatalog catalog = StudentCatalog.of(StudentSpec.auto(), 128, 15);
        long largest = catalog.largestParameterCount(30_522, 77, StudentOutput.LOGITS);
        for (Candidate candidate : catalog.candidates(1)) {
            assertThat(catalog.config(candidate, 30_522, 77, StudentOutput.LOGITS).parameterCount())
                    .isLessThanOrEqualTo(largest);
        }
        assertThat(catalog.candidates(1)).anyMatch(c -> catalog.config(c, 30_522, 77, StudentOutput.LOGITS)
                .parameterCount() == largest);
    }
}
