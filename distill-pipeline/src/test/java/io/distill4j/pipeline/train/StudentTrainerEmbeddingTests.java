package io.distill4j.pipeline.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import io.distill4j.api.exception.DistillationCancelledException;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.engine.similarity.Similarity;
import io.distill4j.pipeline.cache.SoftTargets;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.student.StudentOutput;
import io.distill4j.pipeline.student.bag.BagOfEmbeddingsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Distilling a teacher's sentence embeddings, with real DJL training on the PyTorch engine. */
class StudentTrainerEmbeddingTests {

    private static final int VOCAB = 30;

    private static final int TEACHER_WIDTH = 8;

    /** Token v has the vector A z_v, z_v in R^3: the teacher's embeddings span a 3-dimensional subspace. */
    private static final float[][] TOKEN_VECTORS = tokenVectors();

    private static final EncodedSplit TRAIN = split(320, 1);

    private static final EncodedSplit VALIDATION = split(80, 2);

    @TempDir
    Path directory;

    private static float[][] tokenVectors() {
        Random random = new Random(7);
        float[][] a = new float[TEACHER_WIDTH][3];
        for (float[] row : a) {
            for (int k = 0; k < 3; k++) {
                row[k] = (float) random.nextGaussian();
            }
        }
        float[][] vectors = new float[VOCAB][TEACHER_WIDTH];
        for (int v = 0; v < VOCAB; v++) {
            double[] z = {random.nextGaussian(), random.nextGaussian(), random.nextGaussian()};
            for (int d = 0; d < TEACHER_WIDTH; d++) {
                vectors[v][d] = (float) (a[d][0] * z[0] + a[d][1] * z[1] + a[d][2] * z[2]);
            }
        }
        return vectors;
    }

    /** Texts of 3 to 10 tokens; the teacher's embedding is the mean of their vectors. No hard labels. */
    private static EncodedSplit split(int size, long seed) {
        Random random = new Random(seed);
        long[][] ids = new long[size][];
        float[][] teacher = new float[size][TEACHER_WIDTH];
        for (int i = 0; i < size; i++) {
            ids[i] = new long[3 + random.nextInt(8)];
            for (int t = 0; t < ids[i].length; t++) {
                ids[i][t] = 1 + random.nextInt(VOCAB - 1);
                for (int d = 0; d < TEACHER_WIDTH; d++) {
                    teacher[i][d] += TOKEN_VECTORS[(int) ids[i][t]][d] / ids[i].length;
                }
            }
        }
        return EncodedSplit.unlabelled(ids, SoftTargets.of(teacher));
    }

    private static StudentModel student(int width, float dropout) {
        return StudentModel.create(BagOfEmbeddingsConfig.builder().vocabSize(VOCAB).embeddingDim(16).outputSize(width)
                .output(StudentOutput.EMBEDDING).dropout(dropout).build().newBlock(), 4);
    }

    private static StudentTrainer trainer(Objective objective) {
        return new StudentTrainer(TrainerConfig.builder().epochs(12).batchSize(16).learningRate(2e-2f)
                .weightDecay(0f).patience(12).seed(9).objective(objective).build());
    }

    private static double meanCosine(StudentModel model, EncodedSplit split) {
        double sum = 0;
        for (int i = 0; i < split.size(); i++) {
            long[] mask = new long[split.ids()[i].length];
            Arrays.fill(mask, 1);
            float[] embedding = model.predict(new long[][] {split.ids()[i]}, new long[][] {mask})[0];
            sum += Similarity.cosine(embedding, split.teacher().row(i));
        }
        return sum / split.size();
    }

    @Test
    void aStudentAsWideAsTheTeacherLearnsItsEmbeddingsByMse() {
        try (StudentModel model = student(TEACHER_WIDTH, 0f)) {
            double before = meanCosine(model, VALIDATION);
            StudentTrainer trainer = trainer(Objective.EMBEDDING_MSE);
            TrainingResult result = trainer.train(model, TRAIN, VALIDATION, e -> { }, () -> false);

            assertThat(result.bestValidationScore()).isGreaterThan(0.95).isGreaterThan(before + 0.3);
            // Without a projection, the score is the student's own cosine to the teacher, best epoch restored.
            assertThat(meanCosine(model, VALIDATION)).isCloseTo(result.bestValidationScore(),
                    within(1e-6));
            // score() measures the same, on padded batches.
            assertThat(trainer.score(model, VALIDATION)).isCloseTo(meanCosine(model, VALIDATION), within(1e-6));
            assertThat(result.history().get(result.history().size() - 1).trainLoss())
                    .isLessThan(result.history().get(0).trainLoss());
        }
    }

    @Test
    void aNarrowerStudentLearnsThroughAProjectionThatIsNotPartOfIt() {
        try (StudentModel model = student(4, 0f)) {
            int parameters = model.block().getParameters().size();
            long scalars = model.parameterCount();
            StudentTrainer trainer = trainer(Objective.EMBEDDING_COSINE);
            TrainingResult result = trainer.train(model, TRAIN, VALIDATION, e -> { }, () -> false);

            // Without its projection the student cannot be compared with the teacher row by row.
            assertThatThrownBy(() -> trainer.score(model, VALIDATION)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("output width 4 differs from the teacher's 8");
            // The teacher's embeddings span 3 dimensions, so 4 wide plus a learned 4 -> 8 map can match them.
            assertThat(result.bestValidationScore()).isGreaterThan(0.95);
            assertThat(result.history().get(0).validationScore()).isLessThan(result.bestValidationScore());
            // The student keeps its own shape: the projection was trained beside it and freed.
            assertThat(model.block().getParameters().size()).isEqualTo(parameters);
            assertThat(model.parameterCount()).isEqualTo(scalars);
            assertThat(model.predict(new long[][] {{1, 2, 3}}, new long[][] {{1, 1, 1}})[0]).hasSize(4);
        }
    }

    @Test
    void aRunWithAProjectionResumesBitIdentically() {
        StudentTrainer trainer = trainer(Objective.EMBEDDING_COSINE);
        float[][] expected;
        TrainingResult uninterrupted;
        try (StudentModel model = student(4, 0.2f)) {
            uninterrupted = trainer.train(model, TRAIN, VALIDATION, e -> { }, () -> false);
            expected = TrainingFixtures.weights(model);
        }
        Checkpoints checkpoints = Checkpoints.in(this.directory);
        try (StudentModel model = student(4, 0.2f)) {
            AtomicInteger epochs = new AtomicInteger();
            assertThatExceptionOfType(DistillationCancelledException.class).isThrownBy(() -> trainer.train(model, TRAIN,
                    VALIDATION, e -> epochs.addAndGet(Double.isNaN(e.validationScore()) ? 0 : 1), () -> epochs.get() >= 5,
                    checkpoints));
        }
        try (StudentModel model = student(4, 0.2f)) {
            TrainingResult resumed = trainer.train(model, TRAIN, VALIDATION, e -> { }, () -> false, checkpoints);
            assertThat(TrainingFixtures.weights(model)).isEqualTo(expected);
            assertThat(resumed.bestValidationScore()).isEqualTo(uninterrupted.bestValidationScore());
        }
    }

    @Test
    void theStudentsOutputMustFitTheObjective() {
        try (StudentModel embedding = student(TEACHER_WIDTH, 0f)) {
            assertThatIllegalArgumentException().isThrownBy(() -> trainer(Objective.CLASSIFICATION)
                    .train(embedding, TRAIN, VALIDATION, e -> { }, () -> false))
                    .withMessage("objective CLASSIFICATION needs a student with 8 logits (the teacher's classes), got 8"
                            + " EMBEDDING");
        }
        EncodedSplit narrow = EncodedSplit.unlabelled(new long[][] {{1, 2}},
                SoftTargets.of(new float[][] {{1, 0, 0, 0}}));
        try (StudentModel embedding = student(TEACHER_WIDTH, 0f)) {
            assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> trainer(
                    Objective.EMBEDDING_MSE).train(embedding, TRAIN, narrow, e -> { }, () -> false))
                    .withMessageContaining("4 wide in the validation split but 8 in the training split");
        }
        try (StudentModel logits = TrainingFixtures.classifier(1, 0f)) {
            assertThatIllegalArgumentException().isThrownBy(() -> trainer(Objective.EMBEDDING_MSE)
                    .train(logits, TRAIN, VALIDATION, e -> { }, () -> false))
                    .withMessage("objective EMBEDDING_MSE needs a student whose output is EMBEDDING, got LOGITS");
        }
    }
}
