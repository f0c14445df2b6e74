package io.distill4j.pipeline.export;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.train.DistillationLoss;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs exported models in ONNX Runtime and compares them with the DJL student on the same inputs. */
public final class Parity {

    /** The largest difference allowed between a DJL output and ONNX Runtime's. */
    public static final float TOLERANCE = 1e-4f;

    /** {@code [batch, sequence]} shapes every parity check runs, from one token to a padded batch. */
    public static final int[][] SHAPES = { { 1, 1 }, { 1, 9 }, { 3, 5 }, { 8, 17 }, { 16, 40 } };

    private Parity() {
    }

    /** A batch of token ids and its mask. */
    public record Batch(long[][] ids, long[][] mask) {
    }

    /**
     * A random batch: each row has a random length from 1 to {@code length}, the rest is padding whose
     * ids are random too (the mask alone must hide them); with more than two rows, row 1 is all padding.
     */
    public static Batch randomBatch(Random random, int batch, int length, int vocabSize) {
        long[][] ids = new long[batch][length];
        long[][] mask = new long[batch][length];
        for (int b = 0; b < batch; b++) {
            int real = (batch > 2 && b == 1) ? 0 : 1 + random.nextInt(length);
            for (int t = 0; t < length; t++) {
                ids[b][t] = random.nextInt(vocabSize);
                mask[b][t] = t < real ? 1 : 0;
            }
        }
        return new Batch(ids, mask);
    }

    /** The model's single output for the batch, from ONNX Runtime. */
    public static float[][] run(OrtSession session, Batch batch) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor ids = OnnxTensor.createTensor(env, batch.ids());
                OnnxTensor mask = OnnxTensor.createTensor(env, batch.mask());
                OrtSession.Result result = session.run(Map.of("input_ids", ids, "attention_mask", mask))) {
            return (float[][]) result.get(0).getValue();
        }
    }

    public static OrtSession session(ModelProto model) throws OrtException {
        return OrtEnvironment.getEnvironment().createSession(model.toByteArray());
    }

    /**
     * Runs {@link #SHAPES} through DJL and ONNX Runtime and asserts the outputs agree within
     * {@link #TOLERANCE} and have the same argmax in every row.
     * @return the largest difference seen
     */
    public static float assertParity(StudentModel student, ModelProto onnx, long seed) throws OrtException {
        Random random = new Random(seed);
        float worst = 0;
        int rows = 0;
        try (OrtSession session = session(onnx)) {
            for (int[] shape : SHAPES) {
                Batch batch = randomBatch(random, shape[0], shape[1], student.config().vocabSize());
                float[][] djl = student.predict(batch.ids(), batch.mask());
                float[][] ort = run(session, batch);
                assertThat(ort.length).isEqualTo(djl.length);
                for (int b = 0; b < djl.length; b++) {
                    assertThat(ort[b]).hasSameSizeAs(djl[b]);
                    for (int c = 0; c < djl[b].length; c++) {
                        // A NaN would otherwise only show as a NaN maximum difference, without saying whose.
                        assertThat(Float.isFinite(djl[b][c]) && Float.isFinite(ort[b][c]))
                            .as("finite outputs in row %d of batch %s: DJL %s, ONNX Runtime %s", b,
                                    shape[0] + "x" + shape[1], Arrays.toString(djl[b]), Arrays.toString(ort[b]))
                            .isTrue();
                    }
                    for (int c = 0; c < djl[b].length; c++) {
                        worst = Math.max(worst, Math.abs(djl[b][c] - ort[b][c]));
                    }
                    assertThat(argmax(ort[b])).as("argmax of row %d of batch %s", b, shape[0] + "x" + shape[1])
                        .isEqualTo(argmax(djl[b]));
                    rows++;
                }
            }
        }
        assertThat(worst).as("max |DJL - ONNX Runtime| over %d rows", rows).isLessThanOrEqualTo(TOLERANCE);
        return worst;
    }

    public static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            best = values[i] > values[best] ? i : best;
        }
        return best;
    }

    /** Every parameter of the student, flattened in DJL's order, to tell whether training changed them. */
    public static List<float[]> parameters(StudentModel student) {
        List<float[]> values = new ArrayList<>();
        student.block().getParameters().forEach(p -> values.add(p.getValue().getArray().toFloatArray()));
        return values;
    }

    /** A few AdamW steps on random batches against random targets: enough to move every parameter. */
    public static void train(StudentModel student, Loss loss, int steps, long seed) {
        Random random = new Random(seed);
        int width = student.config().outputSize();
        DefaultTrainingConfig trainingConfig = new DefaultTrainingConfig(loss)
            .optOptimizer(Optimizer.adamW().optLearningRateTracker(Tracker.fixed(0.05f)).build())
            .optDevices(new Device[] { Device.cpu() });
        try (Trainer trainer = student.newTrainer(trainingConfig)) {
            for (int step = 0; step < steps; step++) {
                Parity.Batch batch = Parity.randomBatch(random, 8, 10, student.config().vocabSize());
                float[][] targets = new float[8][width];
                long[] hard = new long[8];
                for (int b = 0; b < 8; b++) {
                    for (int c = 0; c < width; c++) {
                        targets[b][c] = (float) random.nextGaussian() * 2;
                    }
                    hard[b] = random.nextInt(width);
                }
                try (NDManager scope = trainer.getManager().newSubManager()) {
                    Shape shape = new Shape(8, 10);
                    NDList inputs = new NDList(scope.create(flatten(batch.ids()), shape),
                            scope.create(flatten(batch.mask()), shape));
                    NDList labels = loss instanceof DistillationLoss
                            ? new NDList(scope.create(targets), scope.create(hard)) : new NDList(scope.create(targets));
                    try (GradientCollector collector = trainer.newGradientCollector()) {
                        NDArray value = trainer.getLoss().evaluate(labels, trainer.forward(inputs, labels));
                        collector.backward(value);
                    }
                    trainer.step();
                }
            }
        }
    }

    private static long[] flatten(long[][] rows) {
        long[] flat = new long[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
        }
        return flat;
    }
}
