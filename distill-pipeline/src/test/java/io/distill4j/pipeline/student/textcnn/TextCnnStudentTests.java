package io.distill4j.pipeline.student.textcnn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.distill4j.pipeline.student.HiddenActivation;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.train.DistillationLoss;
import io.distill4j.pipeline.train.PyTorchRuntime;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TextCnnStudentTests {

    private static final TextCnnConfig WITH_HIDDEN = TextCnnConfig.builder().vocabSize(10).embeddingDim(4).filters(3)
        .kernelSizes(2, 4).hiddenSizes(5).outputSize(2).activation(HiddenActivation.GELU).build();

    /** One kernel wider than most test texts, one of width 1, no hidden layer: easy to compute by hand. */
    private static final TextCnnConfig LINEAR = TextCnnConfig.builder().vocabSize(10).embeddingDim(3).filters(2)
        .kernelSizes(1, 3).outputSize(2).build();

    @Test
    void parametersAreExplicitlyNamedAndCountedAsTheConfigSays() {
        try (StudentModel model = StudentModel.create(WITH_HIDDEN.newBlock(), 1)) {
            var parameters = model.block().getParameters();
            assertThat(parameters.keys()).containsExactly("embedding", "01conv2_weight", "01conv2_bias",
                    "02conv4_weight", "02conv4_bias", "03hidden1_weight", "03hidden1_bias", "04output_weight",
                    "04output_bias");
            assertThat(parameters.get("embedding").getArray().getShape()).isEqualTo(new Shape(10, 4));
            assertThat(parameters.get("01conv2_weight").getArray().getShape()).isEqualTo(new Shape(3, 4, 2));
            assertThat(parameters.get("02conv4_weight").getArray().getShape()).isEqualTo(new Shape(3, 4, 4));
            assertThat(parameters.get("02conv4_bias").getArray().getShape()).isEqualTo(new Shape(3));
            assertThat(parameters.get("03hidden1_weight").getArray().getShape()).isEqualTo(new Shape(5, 6));
            assertThat(parameters.get("04output_weight").getArray().getShape()).isEqualTo(new Shape(2, 5));
            // 40 + (3*4*2 + 3) + (3*4*4 + 3) + (6*5 + 5) + (5*2 + 2) = 40 + 27 + 51 + 35 + 12 = 165
            assertThat(model.parameterCount()).isEqualTo(WITH_HIDDEN.parameterCount()).isEqualTo(165);
            assertThat(model.block().describeInput().keys()).containsExactly("input_ids", "attention_mask");
            assertThat(model.block().getOutputShapes(new Shape[] { new Shape(5, 7), new Shape(5, 7) }))
                .containsExactly(new Shape(5, 2));
        }
        try (StudentModel model = StudentModel.create(LINEAR.newBlock(), 1)) {
            assertThat(model.parameterCount()).isEqualTo(LINEAR.parameterCount());
        }
    }

    @Test
    void outputIsTheMaskedMaxOverTimeOfEachConvolutionThroughTheOutputLayer() {
        // Recomputed in plain Java from the weights: windows start at every real token, run past the text's
        // end into zero vectors, and only windows starting at a real token compete in the max.
        long[][] ids = { { 3, 5, 9, 9, 2 }, { 7, 0, 0, 0, 0 }, { 4, 1, 6, 8, 2 } };
        long[][] mask = { { 1, 1, 0, 0, 0 }, { 1, 0, 0, 0, 0 }, { 1, 1, 1, 1, 1 } };
        try (StudentModel model = StudentModel.create(LINEAR.newBlock(), 2)) {
            float[][] out = model.predict(ids, mask);
            for (int b = 0; b < ids.length; b++) {
                assertThat(out[b]).as("row %d", b).containsExactly(reference(model, ids[b], mask[b]), within(1e-5f));
            }
        }
    }

    @Test
    void theSameTextPaddedToAnyLengthOnEitherSideGivesTheSameOutput() {
        // Texts of 1, 2 and 3 tokens are shorter than the widest kernel (4); padding ids are arbitrary.
        try (StudentModel model = StudentModel.create(WITH_HIDDEN.newBlock(), 3)) {
            long[][] texts = { { 6 }, { 3, 5 }, { 3, 5, 7 }, { 1, 2, 3, 4, 5, 6, 7 } };
            Random random = new Random(3);
            for (long[] text : texts) {
                float[] alone = model.predict(new long[][] { text }, new long[][] { ones(text.length) })[0];
                for (int padded = text.length + 1; padded <= text.length + 6; padded++) {
                    long[][] right = new long[2][padded];
                    long[][] rightMask = new long[2][padded];
                    long[][] left = new long[1][padded];
                    long[][] leftMask = new long[1][padded];
                    for (int t = 0; t < padded; t++) {
                        right[0][t] = t < text.length ? text[t] : random.nextInt(10);
                        rightMask[0][t] = t < text.length ? 1 : 0;
                        right[1][t] = random.nextInt(10);
                        rightMask[1][t] = 1;
                        int offset = padded - text.length;
                        left[0][t] = t >= offset ? text[t - offset] : random.nextInt(10);
                        leftMask[0][t] = t >= offset ? 1 : 0;
                    }
                    assertThat(model.predict(right, rightMask)[0]).as("%s padded on the right to %d", Arrays.toString(text),
                            padded).containsExactly(alone, within(1e-5f));
                    assertThat(model.predict(left, leftMask)[0]).as("%s padded on the left to %d", Arrays.toString(text),
                            padded).containsExactly(alone, within(1e-5f));
                }
            }
            // Real tokens do count, and so does their order (unlike a bag of embeddings).
            float[] forward = model.predict(new long[][] { { 3, 5, 7 } }, new long[][] { { 1, 1, 1 } })[0];
            float[] reversed = model.predict(new long[][] { { 7, 5, 3 } }, new long[][] { { 1, 1, 1 } })[0];
            float[] longer = model.predict(new long[][] { { 3, 5, 7, 8 } }, new long[][] { { 1, 1, 1, 1 } })[0];
            assertThat(reversed).isNotEqualTo(forward);
            assertThat(longer).isNotEqualTo(forward);
        }
    }

    @Test
    void aRowWithAnEmptyMaskPoolsToZero() {
        try (StudentModel model = StudentModel.create(LINEAR.newBlock(), 4)) {
            float[][] out = model.predict(new long[][] { { 3, 5, 1 }, { 2, 4, 6 } }, new long[][] { { 0, 0, 0 }, { 1, 1, 0 } });
            float[] bias = model.block().getParameters().get("03output_bias").getArray().toFloatArray();
            assertThat(out[0]).containsExactly(bias, within(1e-6f));
            assertThat(out[1]).containsExactly(reference(model, new long[] { 2, 4, 6 }, new long[] { 1, 1, 0 }),
                    within(1e-5f));
        }
    }

    @Test
    void dropoutActsOnlyWhileTraining() {
        TextCnnConfig config = TextCnnConfig.builder().vocabSize(10).embeddingDim(8).filters(16).kernelSizes(2)
            .hiddenSizes(16).outputSize(2).dropout(0.5f).build();
        try (StudentModel model = StudentModel.create(config.newBlock(), 5);
                NDManager manager = PyTorchRuntime.engine().newBaseManager()) {
            long[][] ids = { { 1, 2, 3 } };
            long[][] mask = { { 1, 1, 1 } };
            NDList inputs = new NDList(manager.create(new long[] { 1, 2, 3 }, new Shape(1, 3)),
                    manager.create(new long[] { 1, 1, 1 }, new Shape(1, 3)));
            ParameterStore store = new ParameterStore(manager, false);
            float[] inference = model.block().forward(store, inputs, false).singletonOrThrow().toFloatArray();
            assertThat(inference).containsExactly(model.predict(ids, mask)[0], within(1e-6f));
            boolean differs = false;
            for (int i = 0; i < 5 && !differs; i++) {
                float[] training = model.block().forward(store, inputs, true).singletonOrThrow().toFloatArray();
                differs = !Arrays.equals(training, inference);
            }
            assertThat(differs).as("dropout 0.5 over 16 + 16 units changed nothing in 5 training passes").isTrue();
        }
    }

    @Test
    void aFewAdamWStepsLearnATaskThatDependsOnWordOrder() {
        // Class 0 texts hold the bigram "1 2", class 1 texts "2 1", among noise tokens 3..7, padded with 0 to 6
        // tokens: a bag of embeddings cannot tell them apart, a width-2 convolution can.
        int examples = 32;
        int length = 6;
        Random random = new Random(42);
        long[][] ids = new long[examples][length];
        long[][] mask = new long[examples][length];
        float[][] teacher = new float[examples][];
        long[] hard = new long[examples];
        for (int i = 0; i < examples; i++) {
            int label = i % 2;
            int real = 3 + random.nextInt(length - 2);
            int at = random.nextInt(real - 1);
            for (int t = 0; t < real; t++) {
                ids[i][t] = 3 + random.nextInt(5);
                mask[i][t] = 1;
            }
            ids[i][at] = label == 0 ? 1 : 2;
            ids[i][at + 1] = label == 0 ? 2 : 1;
            teacher[i] = label == 0 ? new float[] { 2, -2 } : new float[] { -2, 2 };
            hard[i] = label;
        }
        TextCnnConfig config = TextCnnConfig.builder().vocabSize(8).embeddingDim(8).filters(8).kernelSizes(2, 3)
            .outputSize(2).build();
        DefaultTrainingConfig trainingConfig = new DefaultTrainingConfig(
                DistillationLoss.builder().temperature(2).alpha(0.5f).build())
            .optOptimizer(Optimizer.adamW().optLearningRateTracker(Tracker.fixed(0.05f)).optWeightDecays(0.01f).build())
            .optDevices(new Device[] { Device.cpu() });
        List<Float> losses = new ArrayList<>();
        try (StudentModel model = StudentModel.create(config.newBlock(), 42);
                Trainer trainer = model.newTrainer(trainingConfig)) {
            Shape shape = new Shape(examples, length);
            for (int step = 0; step < 40; step++) {
                try (NDManager batch = trainer.getManager().newSubManager()) {
                    NDList inputs = new NDList(batch.create(flatten(ids), shape), batch.create(flatten(mask), shape));
                    NDList labels = new NDList(batch.create(teacher), batch.create(hard));
                    try (GradientCollector collector = trainer.newGradientCollector()) {
                        NDArray loss = trainer.getLoss().evaluate(labels, trainer.forward(inputs, labels));
                        losses.add(loss.getFloat());
                        collector.backward(loss);
                    }
                    trainer.step();
                }
            }
            float[][] logits = model.predict(ids, mask);
            int correct = 0;
            for (int i = 0; i < examples; i++) {
                correct += ((logits[i][0] >= logits[i][1]) ? 0 : 1) == hard[i] ? 1 : 0;
            }
            assertThat(correct).as("training-set accuracy").isEqualTo(examples);
        }
        assertThat(losses.get(losses.size() - 1)).as("last loss vs. first, all: %s", losses).isLessThan(losses.get(0) / 4);
    }

    /** The LINEAR student's output for one text, in plain Java from its weights. */
    private static float[] reference(StudentModel model, long[] ids, long[] mask) {
        var parameters = model.block().getParameters();
        float[] table = parameters.get("embedding").getArray().toFloatArray();
        int dim = LINEAR.embeddingDim();
        int filters = LINEAR.filters();
        List<Float> pooled = new ArrayList<>();
        int child = 1;
        for (int k : LINEAR.kernelSizes()) {
            String prefix = String.format("%02dconv%d_", child++, k);
            float[] weight = parameters.get(prefix + "weight").getArray().toFloatArray(); // [filters, dim, k]
            float[] bias = parameters.get(prefix + "bias").getArray().toFloatArray();
            boolean anyReal = false;
            float[] best = new float[filters];
            Arrays.fill(best, Float.NEGATIVE_INFINITY);
            for (int start = 0; start < ids.length; start++) {
                if (mask[start] == 0) {
                    continue;
                }
                anyReal = true;
                for (int f = 0; f < filters; f++) {
                    float sum = bias[f];
                    for (int j = 0; j < k; j++) {
                        int t = start + j;
                        if (t >= ids.length || mask[t] == 0) {
                            continue; // zero vector
                        }
                        for (int d = 0; d < dim; d++) {
                            sum += weight[(f * dim + d) * k + j] * table[(int) ids[t] * dim + d];
                        }
                    }
                    best[f] = Math.max(best[f], Math.max(0f, sum)); // RELU
                }
            }
            for (int f = 0; f < filters; f++) {
                pooled.add(anyReal ? best[f] : 0f);
            }
        }
        String output = String.format("%02doutput_", child);
        float[] weight = parameters.get(output + "weight").getArray().toFloatArray();
        float[] bias = parameters.get(output + "bias").getArray().toFloatArray();
        float[] out = new float[LINEAR.outputSize()];
        for (int c = 0; c < out.length; c++) {
            out[c] = bias[c];
            for (int i = 0; i < pooled.size(); i++) {
                out[c] += weight[c * pooled.size() + i] * pooled.get(i);
            }
        }
        return out;
    }

    private static long[] ones(int length) {
        long[] mask = new long[length];
        Arrays.fill(mask, 1);
        return mask;
    }

    private static long[] flatten(long[][] rows) {
        long[] flat = new long[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
        }
        return flat;
    }
}
