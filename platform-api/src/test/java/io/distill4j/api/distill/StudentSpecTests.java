package io.distill4j.api.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

class StudentSpecTests {

    private static final StudentSpec.Training PINNED = StudentSpec.Training.of(3e-3f, 2f, 0.5f).epochs(9);

    @Test
    void aFixedStudentHasNoPinnedTrainingUntilGivenOne() {
        StudentSpec.BagOfEmbeddings bag = StudentSpec.bagOfEmbeddings(128, 256);
        assertThat(bag.training()).isEmpty();
        assertThat(StudentSpec.auto().training()).isEmpty();

        StudentSpec.BagOfEmbeddings pinned = bag.training(PINNED);
        assertThat(pinned.training()).contains(PINNED);
        assertThat(pinned.embeddingSize()).isEqualTo(128);
        assertThat(pinned.hiddenSize()).isEqualTo(256);
        assertThat(bag.training()).as("the original is unchanged").isEmpty();
        assertThat(pinned).isNotEqualTo(bag).isEqualTo(StudentSpec.bagOfEmbeddings(128, 256).training(PINNED));
    }

    @Test
    void everyFixedStudentKeepsItsTrainingThroughPruneVocabularyAndBack() {
        List<StudentSpec> pinned = List.of(StudentSpec.transformer(2, 64, 4, 128).training(PINNED),
                StudentSpec.textCnn(64, 32, 2, 3).training(PINNED), StudentSpec.bagOfEmbeddings(64, 32).training(PINNED),
                StudentSpec.teacherLayers(2).pruneVocabulary(true).training(PINNED));
        for (StudentSpec spec : pinned) {
            StudentSpec unpruned = spec.pruneVocabulary(false);
            assertThat(unpruned.pruneVocabulary()).isFalse();
            assertThat(unpruned.training()).contains(PINNED);
            assertThat(unpruned.pruneVocabulary(true)).isEqualTo(spec);
            assertThat(spec.toString()).contains("training(learningRate=0.003, temperature=2.0, alpha=0.5, epochs=9)");
        }
    }

    @Test
    void teacherLayersNamesItsLayersAndRefusesAnImpossibleCount() {
        StudentSpec.TeacherLayers two = StudentSpec.teacherLayers(2);
        assertThat(two.layers()).isEqualTo(2);
        assertThat(two.pruneVocabulary()).as("the teacher's rows are kept for unseen tokens").isFalse();
        assertThat(two.training()).isEmpty();
        assertThat(two.intermediateSize()).isEmpty();
        assertThat(two).hasToString("teacherLayers(layers=2)");
        assertThat(two.intermediateSize(512).intermediateSize()).hasValue(512);
        assertThat(two.intermediateSize(512).pruneVocabulary(true).intermediateSize()).hasValue(512);
        assertThat(two.intermediateSize(512)).hasToString("teacherLayers(layers=2, intermediateSize=512)");
        assertThatIllegalArgumentException().isThrownBy(() -> two.intermediateSize(4))
                .withMessageContaining("student.intermediateSize");
        assertThatIllegalArgumentException().isThrownBy(() -> StudentSpec.teacherLayers(0))
                .withMessageContaining("student.layers");
        assertThatIllegalArgumentException().isThrownBy(() -> StudentSpec.teacherLayers(StudentSpec.MAX_LAYERS + 1))
                .withMessageContaining("student.layers");
    }

    @Test
    void trainingHoldsItsSettingsAndEpochsAreOptional() {
        StudentSpec.Training hardLabelsOnly = StudentSpec.Training.of(1e-3f, 1f, 0f);
        assertThat(hardLabelsOnly.learningRate()).isEqualTo(1e-3f);
        assertThat(hardLabelsOnly.temperature()).isEqualTo(1f);
        assertThat(hardLabelsOnly.alpha()).isZero();
        assertThat(hardLabelsOnly.epochs()).isEmpty();
        assertThat(hardLabelsOnly.toString()).isEqualTo("training(learningRate=0.001, temperature=1.0, alpha=0.0)");

        StudentSpec.Training nine = hardLabelsOnly.epochs(9);
        assertThat(nine.epochs()).isEqualTo(OptionalInt.of(9));
        assertThat(hardLabelsOnly.epochs()).as("the original is unchanged").isEmpty();
        assertThat(nine.epochs(1).epochs()).hasValue(1);
        assertThat(StudentSpec.Training.of(1f, 100f, 1f).epochs(StudentSpec.Training.MAX_EPOCHS).epochs())
                .hasValue(StudentSpec.Training.MAX_EPOCHS);
    }

    @Test
    void invalidTrainingSettingsAreNamedWithTheirLimits() {
        assertThatIllegalArgumentException().isThrownBy(() -> StudentSpec.Training.of(0f, 2f, 0.5f))
                .withMessage("student.training.learningRate must be in (0, 1.0], was 0.0");
        assertThatIllegalArgumentException().isThrownBy(() -> StudentSpec.Training.of(-1e-3f, 2f, 0.5f))
                .withMessageStartingWith("student.training.learningRate must be in (0, 1.0]");
        assertThatIllegalArgumentException().isThrownBy(() -> StudentSpec.Training.of(3f, 2f, 0.5f))
                .withMessage("student.training.learningRate must be in (0, 1.0], was 3.0");
        assertThatIllegalArgumentException().isThrownBy(() -> StudentSpec.Training.of(Float.NaN, 2f, 0.5f))
                .withMessageStartingWith("student.training.learningRate");
        assertThatIllegalArgumentException().isThrownBy(() -> StudentSpec.Training.of(1e-3f, 0f, 0.5f))
                .withMessage("student.training.temperature must be in (0, 100.0], was 0.0");
        assertThatIllegalArgumentException().isThrownBy(() -> StudentSpec.Training.of(1e-3f, Float.POSITIVE_INFINITY,
                0.5f)).withMessageStartingWith("student.training.temperature must be in (0, 100.0]");
        assertThatIllegalArgumentException().isThrownBy(() -> StudentSpec.Training.of(1e-3f, 2f, 1.5f))
                .withMessage("student.training.alpha must be in [0, 1], was 1.5");
        assertThatIllegalArgumentException().isThrownBy(() -> StudentSpec.Training.of(1e-3f, 2f, -0.1f))
                .withMessageStartingWith("student.training.alpha must be in [0, 1]");
        assertThatIllegalArgumentException().isThrownBy(() -> StudentSpec.Training.of(1e-3f, 2f, Float.NaN))
                .withMessageStartingWith("student.training.alpha must be in [0, 1]");
        assertThatIllegalArgumentException().isThrownBy(() -> PINNED.epochs(0))
                .withMessage("student.training.epochs must be in [1, 1000], was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> PINNED.epochs(1001))
                .withMessage("student.training.epochs must be in [1, 1000], was 1001");
        assertThatIllegalArgumentException().isThrownBy(() -> new StudentSpec.Training(1e-3f, 2f, 0.5f, null))
                .withMessage("student.training.epochs must not be null");
    }

    @Test
    void theScheduleIsOffUnlessSetAndSurvivesTheOtherWithers() {
        assertThat(PINNED.temperatureAnnealing()).isFalse();
        assertThat(PINNED.hardLabelWarmupEpochs()).isZero();
        assertThat(PINNED.scheduled()).isFalse();
        assertThat(PINNED).isEqualTo(new StudentSpec.Training(3e-3f, 2f, 0.5f, OptionalInt.of(9), false, 0));
        assertThat(PINNED.toString()).isEqualTo("training(learningRate=0.003, temperature=2.0, alpha=0.5, epochs=9)");

        StudentSpec.Training scheduled = StudentSpec.Training.of(3e-3f, 4f, 0.5f).temperatureAnnealing(true)
                .hardLabelWarmupEpochs(2).epochs(9);
        assertThat(scheduled.temperatureAnnealing()).isTrue();
        assertThat(scheduled.hardLabelWarmupEpochs()).isEqualTo(2);
        assertThat(scheduled.epochs()).hasValue(9);
        assertThat(scheduled.scheduled()).isTrue();
        assertThat(scheduled.temperatureAnnealing(false).scheduled()).as("the warm-up alone is a schedule").isTrue();
        assertThat(scheduled.toString()).isEqualTo("training(learningRate=0.003, temperature=4.0, alpha=0.5, epochs=9,"
                + " temperatureAnnealing=true, hardLabelWarmupEpochs=2)");
    }

    @Test
    void aWarmupThatIsNegativeOrNotShorterThanTheEpochsIsRefusedNamingTheField() {
        assertThatIllegalArgumentException().isThrownBy(() -> PINNED.hardLabelWarmupEpochs(-1))
                .withMessage("student.training.hardLabelWarmupEpochs must be in [0, 999], was -1");
        assertThatIllegalArgumentException().isThrownBy(() -> PINNED.hardLabelWarmupEpochs(9))
                .withMessage("student.training.hardLabelWarmupEpochs must be less than student.training.epochs 9,"
                        + " was 9");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> StudentSpec.Training.of(3e-3f, 2f, 0.5f).hardLabelWarmupEpochs(3).epochs(3))
                .withMessageStartingWith("student.training.hardLabelWarmupEpochs must be less than");
        assertThat(StudentSpec.Training.of(3e-3f, 2f, 0.5f).hardLabelWarmupEpochs(8).epochs(9).hardLabelWarmupEpochs())
                .isEqualTo(8);
    }

    @Test
    void aStudentRefusesAMissingTraining() {
        assertThatIllegalArgumentException().isThrownBy(() -> StudentSpec.bagOfEmbeddings(64, 32).training(null))
                .withMessage("student.training must not be null");
        assertThatIllegalArgumentException().isThrownBy(() -> new StudentSpec.TextCnn(64, 32, List.of(2), true, null))
                .withMessage("student.training must not be null");
        assertThatIllegalArgumentException().isThrownBy(() -> new StudentSpec.Transformer(2, 64, 4, 128, true, null))
                .withMessage("student.training must not be null");
        assertThat(new StudentSpec.Transformer(2, 64, 4, 128, true, Optional.of(PINNED)))
                .isEqualTo(StudentSpec.transformer(2, 64, 4, 128).training(PINNED));
    }

    @Test
    void teacherLayersPruneForClassificationAndNotForEmbeddingsUnlessSet() {
        StudentSpec.TeacherLayers layers = StudentSpec.teacherLayers(2);
        assertThat(layers.vocabularyPruning()).isEmpty();
        assertThat(layers.pruneVocabulary(DistillationTask.TEXT_CLASSIFICATION)).isTrue();
        assertThat(layers.pruneVocabulary(DistillationTask.TEXT_EMBEDDING)).isFalse();
        assertThat(layers.pruneVocabulary(false).pruneVocabulary(DistillationTask.TEXT_CLASSIFICATION)).isFalse();
        assertThat(layers.pruneVocabulary(true).pruneVocabulary(DistillationTask.TEXT_EMBEDDING)).isTrue();
        assertThat(StudentSpec.textCnn(64, 32, 2).pruneVocabulary(false)
            .pruneVocabulary(DistillationTask.TEXT_CLASSIFICATION)).isFalse();
    }

    @Test
    void intermediateDistillationIsSetOnTheTransformerKindsAndKeptThroughCopies() {
        StudentSpec.IntermediateDistillation weights = StudentSpec.IntermediateDistillation.of(2f, 0.5f);
        assertThat(StudentSpec.teacherLayers(2).intermediateDistillation()).isEmpty();
        assertThat(StudentSpec.transformer(2, 64, 4, 128).intermediateDistillation()).isEmpty();
        assertThat(StudentSpec.auto().intermediateDistillation()).isEmpty();
        assertThat(StudentSpec.bagOfEmbeddings(64, 32).intermediateDistillation()).isEmpty();

        StudentSpec.TeacherLayers layers = StudentSpec.teacherLayers(2).intermediateDistillation(weights)
            .training(PINNED).intermediateSize(512).pruneVocabulary(true);
        assertThat(layers.intermediateDistillation()).contains(weights);
        assertThat(layers.toString()).contains("intermediateDistillation(hiddenWeight=2.0, attentionWeight=0.5)");
        StudentSpec.Transformer transformer = StudentSpec.transformer(2, 64, 4, 128)
            .intermediateDistillation(StudentSpec.IntermediateDistillation.off()).training(PINNED).pruneVocabulary(false);
        assertThat(transformer.intermediateDistillation()).hasValueSatisfying(d -> assertThat(d.enabled()).isFalse());
        assertThat(StudentSpec.auto().intermediateDistillation(StudentSpec.IntermediateDistillation.on())
            .pruneVocabulary(false).intermediateDistillation()).contains(StudentSpec.IntermediateDistillation.on());
        assertThat(StudentSpec.IntermediateDistillation.on().hiddenWeight())
            .isEqualTo(StudentSpec.IntermediateDistillation.DEFAULT_WEIGHT);
    }

    @Test
    void intermediateDistillationWeightsOutOfRangeAreRefusedNamingTheField() {
        assertThatIllegalArgumentException().isThrownBy(() -> StudentSpec.IntermediateDistillation.of(-1f, 1f))
            .withMessageContaining("student.intermediateDistillation.hiddenWeight");
        assertThatIllegalArgumentException().isThrownBy(() -> StudentSpec.IntermediateDistillation.of(1f, Float.NaN))
            .withMessageContaining("student.intermediateDistillation.attentionWeight");
        assertThatIllegalArgumentException().isThrownBy(() -> StudentSpec.IntermediateDistillation.of(1f,
                StudentSpec.IntermediateDistillation.MAX_WEIGHT + 1)).withMessageContaining("1000");
    }
}
