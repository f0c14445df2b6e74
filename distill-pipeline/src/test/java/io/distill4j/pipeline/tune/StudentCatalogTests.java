package io.distill4j.pipeline.tune;

import java.util.List;
import java.util.Optional;

import io.distill4j.api.distill.Pooling;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.distill4j.api.distill.DistillationTask;
import io.distill4j.api.distill.StudentSpec;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.student.StudentOutput;
import io.distill4j.pipeline.student.TeacherEncoder;
import io.distill4j.pipeline.student.transformer.TransformerConfig;
import io.distill4j.pipeline.testing.MiniLmFiles;
import io.distill4j.pipeline.student.transformer.BertEncoderWeights;
import io.distill4j.pipeline.train.IntermediateTraining;
import io.distill4j.pipeline.train.TrainerConfig;
import io.distill4j.pipeline.train.PyTorchRuntime;
import io.distill4j.pipeline.train.TeacherInternals;
import io.distill4j.pipeline.vocab.VocabularyPruning;
import io.distill4j.pipeline.tune.Candidate;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void aPinnedScheduleReachesTheCandidateItsTrainerSettingsAndItsDescription() {
        StudentCatalog catalog = StudentCatalog.of(StudentSpec.bagOfEmbeddings(128, 256).training(StudentSpec.Training
                .of(1e-2f, 4f, 0.5f).epochs(9).temperatureAnnealing(true).hardLabelWarmupEpochs(2)), 128, 15);
        Candidate only = catalog.candidates(42).get(0);
        assertThat(only.temperatureAnnealing()).isTrue();
        assertThat(only.hardLabelWarmupEpochs()).isEqualTo(2);
        TrainerConfig config = only.configure(TrainerConfig.builder().epochs(catalog.epochs())).build();
        assertThat(config.temperatureAnnealing()).isTrue();
        assertThat(config.hardLabelWarmupEpochs()).isEqualTo(2);
        assertThat(config.temperature()).isEqualTo(4f);
        assertThat(config.alpha()).isEqualTo(0.5f);
        assertThat(config.learningRate()).isEqualTo(1e-2f);
        assertThat(only.describe()).containsEntry("temperatureAnnealing", "true")
            .containsEntry("hardLabelWarmupEpochs", "2");
        assertThat(only).hasToString("bag-of-embeddings/128x256 T=4.0 annealed to 1 alpha=0.5 after 2 hard-label epochs"
                + " lr=0.01");

        Candidate unscheduled = StudentCatalog.of(StudentSpec.bagOfEmbeddings(128, 256)
                .training(StudentSpec.Training.of(1e-2f, 4f, 0.5f)), 128, 15).candidates(42).get(0);
        assertThat(unscheduled.describe()).doesNotContainKeys("temperatureAnnealing", "hardLabelWarmupEpochs");
        assertThat(unscheduled).hasToString("bag-of-embeddings/128x256 T=4.0 alpha=0.5 lr=0.01");
        assertThat(StudentCatalog.of(StudentSpec.auto(), 128, 15).candidates(42)).as("the search schedules nothing")
            .allSatisfy(c -> assertThat(c.configure(TrainerConfig.builder()).build().toString())
                .doesNotContain("temperatureAnnealing").doesNotContain("hardLabelWarmupEpochs"));
    }

    @Test
    void aWarmupAsLongAsTheEpochsTrainedIsRefusedNamingTheField() {
        StudentSpec spec = StudentSpec.textCnn(64, 32, 2, 3).training(StudentSpec.Training.of(1e-3f, 2f, 0.5f)
                .hardLabelWarmupEpochs(15));
        assertThatIllegalArgumentException().isThrownBy(() -> StudentCatalog.of(spec, 128, 15))
                .withMessage("student.training.hardLabelWarmupEpochs must be less than the epochs trained, 15 (the "
                        + "distiller's maxEpochs), was 15");
        assertThat(StudentCatalog.of(spec, 128, 16).candidates(1).get(0).hardLabelWarmupEpochs()).isEqualTo(15);
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

    @Test
    void intermediateDistillationIsOnByDefaultForAFixedTransformerWithAnEncoderTeacher() {
        StudentCatalog catalog = StudentCatalog.of(StudentSpec.teacherLayers(2), 128, 15,
                MINILM);
        assertThat(catalog.candidates(1)).singleElement().satisfies(only -> assertThat(only.studentSettings())
                .containsEntry(StudentCatalog.INTERMEDIATE_DISTILLATION, "on")
                .containsEntry(StudentCatalog.INTERMEDIATE_DISTILLATION + ".hiddenWeight", "1.0")
                .containsEntry(StudentCatalog.INTERMEDIATE_DISTILLATION + ".attentionWeight", "1.0")
                .containsEntry(StudentCatalog.INTERMEDIATE_DISTILLATION + ".layerMapping", "0->0, 1->3, 2->6"));
        StudentCatalog weighted = StudentCatalog.of(StudentSpec.transformer(3, 64, 4, 128)
                .intermediateDistillation(StudentSpec.IntermediateDistillation.of(0.5f, 2f)), 128, 15,
                MINILM);
        assertThat(weighted.candidates(1)).singleElement().satisfies(only -> assertThat(only.studentSettings())
                .containsEntry(StudentCatalog.INTERMEDIATE_DISTILLATION + ".hiddenWeight", "0.5")
                .containsEntry(StudentCatalog.INTERMEDIATE_DISTILLATION + ".layerMapping", "0->0, 1->2, 2->4, 3->6"));
    }

    @Test
    void intermediateDistillationIsOffInTheAutoSearchUnlessAskedAndOnlyForTransformerShapes() {
        StudentCatalog auto = StudentCatalog.of(StudentSpec.auto(), 128, 15, MINILM);
        List<Candidate> candidates = auto.candidates(1);
        assertThat(candidates).filteredOn(c -> c.student().startsWith("transformer/")).isNotEmpty()
                .allSatisfy(c -> assertThat(c.studentSettings().get(StudentCatalog.INTERMEDIATE_DISTILLATION))
                        .startsWith("off (the auto search's default"));
        assertThat(candidates).filteredOn(c -> !c.student().startsWith("transformer/")).isNotEmpty()
                .allSatisfy(c -> assertThat(c.studentSettings()).doesNotContainKey(
                        StudentCatalog.INTERMEDIATE_DISTILLATION));
        StudentCatalog asked = StudentCatalog.of(StudentSpec.auto().intermediateDistillation(
                StudentSpec.IntermediateDistillation.on()), 128, 15, MINILM);
        assertThat(asked.candidates(1)).filteredOn(c -> c.student().startsWith("transformer/"))
                .allSatisfy(c -> assertThat(c.studentSettings()).containsEntry(
                        StudentCatalog.INTERMEDIATE_DISTILLATION, "on"));
    }

    @Test
    void withoutAnEncoderTeacherTheDefaultIsSkippedSayingWhyAndAnExplicitAskIsRefusedNamingTheField() {
        StudentCatalog skipped = StudentCatalog.of(StudentSpec.transformer(2, 64, 4, 128), 128, 15);
        assertThat(skipped.candidates(1)).singleElement().satisfies(only -> assertThat(only.studentSettings()
                .get(StudentCatalog.INTERMEDIATE_DISTILLATION)).startsWith("off (skipped, the default only")
                .contains("not an ONNX encoder"));
        try (StudentModel model = StudentModel.create(skipped.config(skipped.candidates(1).get(0), 50, 3,
                StudentOutput.LOGITS).newBlock(), 1)) {
            assertThat(skipped.intermediateTraining(skipped.candidates(1).get(0), model, Optional.empty(), Optional.empty())).isEmpty();
        }
        assertThatThrownBy(() -> StudentCatalog.of(StudentSpec.transformer(2, 64, 4, 128)
                .intermediateDistillation(StudentSpec.IntermediateDistillation.on()), 128, 15))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("student.intermediateDistillation")
                .hasMessageContaining("BERT-family ONNX encoder");
        StudentCatalog off = StudentCatalog.of(StudentSpec.transformer(2, 64, 4, 128)
                .intermediateDistillation(StudentSpec.IntermediateDistillation.off()), 128, 15);
        assertThat(off.candidates(1).get(0).studentSettings())
                .containsEntry(StudentCatalog.INTERMEDIATE_DISTILLATION, "off (as asked)");
    }

    @Test
    void teacherLayersPruneTheVocabularyForClassificationOnlyUnlessSet() {
        StudentCatalog catalog = StudentCatalog.of(StudentSpec.teacherLayers(2), 128, 15,
                MINILM);
        assertThat(catalog.pruneVocabulary(DistillationTask.TEXT_CLASSIFICATION)).isTrue();
        assertThat(catalog.pruneVocabulary(DistillationTask.TEXT_EMBEDDING)).isFalse();
        StudentCatalog unpruned = StudentCatalog.of(StudentSpec.teacherLayers(2).pruneVocabulary(false), 128, 15,
                MINILM);
        assertThat(unpruned.pruneVocabulary(DistillationTask.TEXT_CLASSIFICATION)).isFalse();
    }

    @Test
    void theTeacherOfATransformerTrialMapsThePrunedIdsBackToItsOwn() {
        StudentCatalog catalog = StudentCatalog.of(StudentSpec.teacherLayers(1), 16, 15,
                MINILM);
        Candidate only = catalog.candidates(1).get(0);
        long[] text = {101, 2023, 2003, 102};
        VocabularyPruning pruning = VocabularyPruning.fitBert(new long[][] {text}, 30522);
        long[] pruned = pruning.apply(new long[][] {text})[0];
        try (StudentModel model = StudentModel.create(catalog.config(only, pruning.prunedVocabSize(), 384,
                StudentOutput.EMBEDDING).newBlock(), 1);
                TeacherInternals full = BertEncoderWeights.read(MiniLmFiles.model()).internals(16, null);
                NDManager manager = PyTorchRuntime.engine().newBaseManager()) {
            Optional<IntermediateTraining> training = catalog.intermediateTraining(only, model, Optional.of(pruning), Optional.empty());
            assertThat(training).isPresent();
            try (TeacherInternals teacher = training.get().teacher()) {
                assertThat(teacher.layers()).isEqualTo(6);
                assertThat(teacher.hiddenSize()).isEqualTo(384);
                assertThat(teacher.heads()).isEqualTo(12);
                NDArray mask = manager.create(new long[] {1, 1, 1, 1}, new Shape(1, 4));
                float[] viaPruned = teacher.forward(manager, manager.create(pruned, new Shape(1, 4)), mask).get(6)
                        .toFloatArray();
                float[] direct = full.forward(manager, manager.create(text, new Shape(1, 4)), mask).get(6)
                        .toFloatArray();
                assertThat(pruned).isNotEqualTo(text);
                assertThat(viaPruned).isEqualTo(direct);
            }
        }
    }
}
