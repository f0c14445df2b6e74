package io.distill4j.pipeline.student.transformer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.pipeline.student.HiddenActivation;
import io.distill4j.pipeline.student.StudentBlock;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.student.StudentOutput;
import io.distill4j.pipeline.student.transformer.TransformerConfig.Pooling;
import io.distill4j.pipeline.train.DistillationLoss;
import io.distill4j.pipeline.train.PyTorchRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TransformerStudentTests {

    private static TransformerConfig.Builder tiny() {
        return TransformerConfig.builder().vocabSize(50).maxPositions(16).hiddenSize(16).layers(2).heads(2)
            .intermediateSize(32).outputSize(3);
    }

    @Test
    void parametersAreExplicitlyNamedInOrderAndCountedAsTheConfigSays() {
        TransformerConfig config = tiny().layers(1).build();
        try (StudentModel model = StudentModel.create(config.newBlock(), 1)) {
            List<String> names = model.block().getParameters().keys();
            assertThat(names).containsExactly("word_embeddings", "position_embeddings",
                    "01embeddings_norm_gamma", "01embeddings_norm_beta",
                    "02layer0_attention_query_weight", "02layer0_attention_query_bias",
                    "03layer0_attention_key_weight", "03layer0_attention_key_bias",
                    "04layer0_attention_value_weight", "04layer0_attention_value_bias",
                    "05layer0_attention_output_weight", "05layer0_attention_output_bias",
                    "06layer0_attention_norm_gamma", "06layer0_attention_norm_beta",
                    "07layer0_intermediate_weight", "07layer0_intermediate_bias",
                    "08layer0_output_weight", "08layer0_output_bias",
                    "09layer0_output_norm_gamma", "09layer0_output_norm_beta",
                    "10output_weight", "10output_bias");
            var parameters = model.block().getParameters();
            assertThat(parameters.get("word_embeddings").getArray().getShape()).isEqualTo(new Shape(50, 16));
            assertThat(parameters.get("position_embeddings").getArray().getShape()).isEqualTo(new Shape(16, 16));
            assertThat(parameters.get("07layer0_intermediate_weight").getArray().getShape()).isEqualTo(new Shape(32, 16));
            assertThat(parameters.get("08layer0_output_weight").getArray().getShape()).isEqualTo(new Shape(16, 32));
            assertThat(parameters.get("09layer0_output_norm_gamma").getArray().getShape()).isEqualTo(new Shape(16));
            assertThat(parameters.get("10output_weight").getArray().getShape()).isEqualTo(new Shape(3, 16));
            assertThat(model.parameterCount()).isEqualTo(config.parameterCount()).isEqualTo(model.block().parameterCount());
            assertThat(model.block().describeInput().keys()).containsExactly("input_ids", "attention_mask");
        }
    }

    @Test
    void initialisedParameterCountMatchesTheConfigForSeveralShapes() {
        TransformerConfig[] configs = { tiny().build(), tiny().layers(3).heads(4).intermediateSize(24).build(),
            tiny().hiddenSize(12).heads(3).maxPositions(7).outputSize(10).output(StudentOutput.EMBEDDING).build() };
        for (TransformerConfig config : configs) {
            try (StudentModel model = StudentModel.create(config.newBlock(), 2)) {
                assertThat(model.parameterCount()).as("%s", config).isEqualTo(config.parameterCount());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(StudentOutput.class)
    void outputIsOneRowOfOutputSizePerInputRow(StudentOutput output) {
        TransformerConfig config = tiny().output(output).outputSize(output == StudentOutput.LOGITS ? 3 : 12).build();
        try (StudentModel model = StudentModel.create(config.newBlock(), 3)) {
            float[][] out = model.predict(new long[][] { { 1, 2, 3, 0 }, { 4, 5, 0, 0 } },
                    new long[][] { { 1, 1, 1, 0 }, { 1, 1, 0, 0 } });
            assertThat(out).hasDimensions(2, config.outputSize());
            assertThat(model.block().getOutputShapes(new Shape[] { new Shape(5, 7), new Shape(5, 7) }))
                .containsExactly(new Shape(5, config.outputSize()));
        }
    }

    @ParameterizedTest
    @EnumSource(Pooling.class)
    void forwardMatchesAPlainJavaTransformer(Pooling pooling) {
        // Random padding under the mask, a row with an empty mask, one token, and a full row.
        TransformerConfig config = tiny().pooling(pooling).build();
        long[][] ids = { { 3, 7, 11, 2, 9 }, { 4, 8, 15, 16, 23 }, { 42, 1, 0, 0, 5 }, { 6, 6, 6, 6, 6 } };
        long[][] mask = { { 1, 1, 1, 0, 0 }, { 0, 0, 0, 0, 0 }, { 1, 0, 0, 0, 0 }, { 1, 1, 1, 1, 1 } };
        try (StudentModel model = StudentModel.create(config.newBlock(), 4)) {
            float[][] out = model.predict(ids, mask);
            Reference reference = new Reference(model.block(), config);
            for (int b = 0; b < ids.length; b++) {
                assertThat(out[b]).as("row %d", b).containsExactly(reference.forward(ids[b], mask[b]), within(1e-4f));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Pooling.class)
    void paddingDoesNotChangeARowsOutput(Pooling pooling) {
        long[] text = { 7, 3, 21, 9 };
        Random random = new Random(5);
        try (StudentModel model = StudentModel.create(tiny().pooling(pooling).build().newBlock(), 5)) {
            float[] alone = model.predict(new long[][] { text }, new long[][] { { 1, 1, 1, 1 } })[0];
            for (int length : new int[] { 5, 9, 16 }) {
                long[][] ids = new long[3][length];
                long[][] mask = new long[3][length];
                for (int b = 0; b < 3; b++) {
                    for (int t = 0; t < length; t++) {
                        ids[b][t] = (b == 1 && t < text.length) ? text[t] : random.nextInt(50);
                        mask[b][t] = (b != 1 || t < text.length) ? 1 : 0;
                    }
                }
                assertThat(model.predict(ids, mask)[1]).as("padded to %d", length).containsExactly(alone, within(1e-5f));
            }
        }
    }

    @Test
    void tokenOrderAndRealTokensChangeTheOutput() {
        try (StudentModel model = StudentModel.create(tiny().build().newBlock(), 6)) {
            float[][] out = model.predict(new long[][] { { 3, 5, 7 }, { 7, 5, 3 }, { 3, 5, 8 } },
                    new long[][] { { 1, 1, 1 }, { 1, 1, 1 }, { 1, 1, 1 } });
            assertThat(out[1]).as("reversed order (position embeddings)").isNotEqualTo(out[0]);
            assertThat(out[2]).as("another last token").isNotEqualTo(out[0]);
        }
    }

    @Test
    void sequencesLongerThanMaxPositionsAreRejectedWithTheLimit() {
        try (StudentModel model = StudentModel.create(tiny().maxPositions(8).build().newBlock(), 7)) {
            long[][] eight = { { 1, 2, 3, 4, 5, 6, 7, 8 } };
            assertThat(model.predict(eight, new long[][] { { 1, 1, 1, 1, 1, 1, 1, 1 } })[0]).hasSize(3);
            long[][] nine = { { 1, 2, 3, 4, 5, 6, 7, 8, 9 } };
            assertThatThrownBy(() -> model.predict(nine, new long[][] { { 1, 1, 1, 1, 0, 0, 0, 0, 0 } }))
                .isInstanceOfSatisfying(InvalidInputException.class, ex -> assertThat(ex.field()).isEqualTo("input_ids"))
                .hasMessageContaining("maxPositions (8)").hasMessageContaining("got 9");
            assertThatThrownBy(() -> model.predict(new long[][] { { 1, 50 } }, new long[][] { { 1, 1 } }))
                .isInstanceOfSatisfying(InvalidInputException.class, ex -> assertThat(ex.field()).isEqualTo("input_ids"))
                .hasMessageContaining("vocabSize 50");
        }
    }

    @Test
    void dropoutActsOnlyWhileTraining() {
        try (StudentModel model = StudentModel.create(tiny().dropout(0.5f).build().newBlock(), 8);
                NDManager manager = PyTorchRuntime.engine().newBaseManager()) {
            long[][] ids = { { 1, 2, 3 } };
            long[][] mask = { { 1, 1, 1 } };
            float[] inference = model.predict(ids, mask)[0];
            assertThat(model.predict(ids, mask)[0]).containsExactly(inference);
            NDList inputs = new NDList(manager.create(new long[] { 1, 2, 3 }, new Shape(1, 3)),
                    manager.create(new long[] { 1, 1, 1 }, new Shape(1, 3)));
            ParameterStore store = new ParameterStore(manager, false);
            assertThat(model.block().forward(store, inputs, false).singletonOrThrow().toFloatArray())
                .containsExactly(inference, within(1e-6f));
            boolean differs = false;
            for (int i = 0; i < 5 && !differs; i++) {
                differs = !Arrays.equals(model.block().forward(store, inputs, true).singletonOrThrow().toFloatArray(),
                        inference);
            }
            assertThat(differs).as("dropout 0.5 changed nothing in 5 training passes").isTrue();
        }
    }

    @Test
    void sameSeedGivesSameWeightsAndAnotherSeedOthers() {
        long[][] ids = { { 1, 2 } };
        long[][] mask = { { 1, 1 } };
        float[] first;
        float[] again;
        float[] other;
        try (StudentModel model = StudentModel.create(tiny().build().newBlock(), 11)) {
            first = model.predict(ids, mask)[0];
        }
        try (StudentModel model = StudentModel.create(tiny().build().newBlock(), 11)) {
            again = model.predict(ids, mask)[0];
        }
        try (StudentModel model = StudentModel.create(tiny().build().newBlock(), 12)) {
            other = model.predict(ids, mask)[0];
        }
        assertThat(again).containsExactly(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void aFewAdamWStepsLearnATinyTeachersTask() {
        // Token 1 (class 0) or 2 (class 1) among noise tokens 3..7, padded with 0 to 6 tokens; the teacher's
        // logits are [+2, -2] or [-2, +2]. The student must find the signal token wherever it is.
        int examples = 32;
        int length = 6;
        Random random = new Random(42);
        long[][] ids = new long[examples][length];
        long[][] mask = new long[examples][length];
        float[][] teacher = new float[examples][];
        long[] hard = new long[examples];
        for (int i = 0; i < examples; i++) {
            int truth = i % 2;
            int real = 2 + random.nextInt(length - 1);
            int signalAt = random.nextInt(real);
            for (int t = 0; t < real; t++) {
                ids[i][t] = (t == signalAt) ? 1 + truth : 3 + random.nextInt(5);
                mask[i][t] = 1;
            }
            teacher[i] = (truth == 0) ? new float[] { 2, -2 } : new float[] { -2, 2 };
            hard[i] = truth;
        }
        TransformerConfig config = TransformerConfig.builder().vocabSize(8).maxPositions(length).hiddenSize(16).layers(2)
            .heads(2).intermediateSize(32).outputSize(2).dropout(0.1f).build();
        DefaultTrainingConfig trainingConfig = new DefaultTrainingConfig(
                DistillationLoss.builder().temperature(2).alpha(0.5f).build())
            .optOptimizer(Optimizer.adamW().optLearningRateTracker(Tracker.fixed(0.01f)).optWeightDecays(0.01f).build())
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
                correct += ((logits[i][0] >= logits[i][1]) ? 0 : 1) == i % 2 ? 1 : 0;
            }
            assertThat(correct).as("training-set accuracy, losses %s", losses).isGreaterThanOrEqualTo(examples - 2);
        }
        assertThat(losses.get(losses.size() - 1)).as("last loss vs. first, all: %s", losses)
            .isLessThan(losses.get(0) / 4);
    }

    private static long[] flatten(long[][] rows) {
        long[] flat = new long[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
        }
        return flat;
    }

    /** The same encoder in plain Java (doubles, loops), from the block's parameters. */
    private static final class Reference {

        private final StudentBlock block;

        private final TransformerConfig config;

        Reference(StudentBlock block, TransformerConfig config) {
            this.block = block;
            this.config = config;
        }

        float[] forward(long[] ids, long[] mask) {
            int length = ids.length;
            int hidden = this.config.hiddenSize();
            float[] words = own("word_embeddings");
            float[] positions = own("position_embeddings");
            double[][] x = new double[length][hidden];
            for (int t = 0; t < length; t++) {
                for (int h = 0; h < hidden; h++) {
                    x[t][h] = words[(int) ids[t] * hidden + h] + positions[t * hidden + h];
                }
                x[t] = layerNorm("embeddings_norm", x[t]);
            }
            boolean anyReal = Arrays.stream(mask).anyMatch(m -> m != 0);
            int heads = this.config.heads();
            int size = this.config.headSize();
            for (int i = 0; i < this.config.layers(); i++) {
                String layer = "layer" + i + "_";
                double[][] q = new double[length][];
                double[][] k = new double[length][];
                double[][] v = new double[length][];
                for (int t = 0; t < length; t++) {
                    q[t] = linear(layer + "attention_query", x[t]);
                    k[t] = linear(layer + "attention_key", x[t]);
                    v[t] = linear(layer + "attention_value", x[t]);
                }
                double[][] next = new double[length][];
                for (int t = 0; t < length; t++) {
                    double[] context = new double[hidden];
                    for (int n = 0; n < heads; n++) {
                        // Padded keys get no attention; with no real key at all, every key gets the same.
                        double[] weights = new double[length];
                        double max = Double.NEGATIVE_INFINITY;
                        for (int s = 0; s < length; s++) {
                            if (mask[s] != 0 || !anyReal) {
                                double dot = 0;
                                for (int j = 0; j < size; j++) {
                                    dot += q[t][n * size + j] * k[s][n * size + j];
                                }
                                weights[s] = anyReal ? dot / Math.sqrt(size) : 0;
                                max = Math.max(max, weights[s]);
                            }
                        }
                        double sum = 0;
                        for (int s = 0; s < length; s++) {
                            weights[s] = (mask[s] != 0 || !anyReal) ? Math.exp(weights[s] - max) : 0;
                            sum += weights[s];
                        }
                        for (int s = 0; s < length; s++) {
                            for (int j = 0; j < size; j++) {
                                context[n * size + j] += weights[s] / sum * v[s][n * size + j];
                            }
                        }
                    }
                    double[] attended = add(x[t], linear(layer + "attention_output", context));
                    double[] normed = layerNorm(layer + "attention_norm", attended);
                    double[] intermediate = linear(layer + "intermediate", normed);
                    for (int j = 0; j < intermediate.length; j++) {
                        intermediate[j] = activation(intermediate[j]);
                    }
                    next[t] = layerNorm(layer + "output_norm", add(normed, linear(layer + "output", intermediate)));
                }
                x = next;
            }
            double[] pooled = new double[hidden];
            if (this.config.pooling() == Pooling.CLS) {
                pooled = x[0];
            }
            else {
                int count = 0;
                for (int t = 0; t < length; t++) {
                    if (mask[t] != 0) {
                        count++;
                        for (int h = 0; h < hidden; h++) {
                            pooled[h] += x[t][h];
                        }
                    }
                }
                for (int h = 0; h < hidden; h++) {
                    pooled[h] /= Math.max(count, 1);
                }
            }
            double[] out = linear("output", pooled);
            float[] result = new float[out.length];
            for (int c = 0; c < out.length; c++) {
                result[c] = (float) out[c];
            }
            return result;
        }

        private double activation(double x) {
            if (this.config.activation() == HiddenActivation.RELU) {
                return Math.max(0, x);
            }
            return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
        }

        /** erf from Numerical Recipes' {@code erfcc} (Chebyshev fit, fractional error of erfc below 1.2e-7). */
        private static double erf(double x) {
            double z = Math.abs(x);
            double t = 1 / (1 + 0.5 * z);
            double erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                    + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223
                    + t * 0.17087277)))))))));
            return x >= 0 ? 1 - erfc : erfc - 1;
        }

        private double[] linear(String child, double[] in) {
            float[] weight = child(child, "weight");
            float[] bias = child(child, "bias");
            double[] out = new double[bias.length];
            for (int o = 0; o < out.length; o++) {
                out[o] = bias[o];
                for (int i = 0; i < in.length; i++) {
                    out[o] += weight[o * in.length + i] * in[i];
                }
            }
            return out;
        }

        private double[] layerNorm(String child, double[] in) {
            float[] gamma = child(child, "gamma");
            float[] beta = child(child, "beta");
            double mean = Arrays.stream(in).average().orElseThrow();
            double variance = Arrays.stream(in).map(v -> (v - mean) * (v - mean)).average().orElseThrow();
            double[] out = new double[in.length];
            for (int i = 0; i < in.length; i++) {
                out[i] = (in[i] - mean) / Math.sqrt(variance + this.config.layerNormEpsilon()) * gamma[i] + beta[i];
            }
            return out;
        }

        private static double[] add(double[] a, double[] b) {
            double[] out = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                out[i] = a[i] + b[i];
            }
            return out;
        }

        private float[] own(String name) {
            return this.block.getDirectParameters().get(name).getArray().toFloatArray();
        }

        private float[] child(String child, String name) {
            for (Pair<String, Block> entry : this.block.getChildren()) {
                if (entry.getKey().replaceFirst("^\\d+", "").equals(child)) {
                    return entry.getValue().getDirectParameters().get(name).getArray().toFloatArray();
                }
            }
            throw new AssertionError("no child " + child);
        }
    }
}
