package io.distill4j.pipeline.teacher;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;

import io.distill4j.api.Checks;

/**
 * Fits a {@link ClassificationHead} on frozen embeddings: multinomial logistic regression (softmax +
 * cross-entropy) with decoupled weight decay, trained by mini-batch Adam in plain Java, seeded and
 * deterministic, keeping the weights of the epoch with the best validation accuracy (early stopping).
 * This is what turns an encoder such as all-MiniLM-L6-v2 into a task teacher; it needs no native
 * library and runs in seconds for tens of thousands of 384-wide embeddings.
 *
 * <pre>{@code
 * HeadTrainer.Result fitted = HeadTrainer.builder().seed(42).build()
 *         .fit(trainEmbeddings, trainLabels, validationEmbeddings, validationLabels, labelNames);
 * ClassificationHead head = fitted.head();
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class HeadTrainer {

    private final int maxEpochs;

    private final int batchSize;

    private final double learningRate;

    private final double weightDecay;

    private final int patience;

    private final long seed;

    private HeadTrainer(Builder builder) {
        this.maxEpochs = builder.maxEpochs;
        this.batchSize = builder.batchSize;
        this.learningRate = builder.learningRate;
        this.weightDecay = builder.weightDecay;
        this.patience = builder.patience;
        this.seed = builder.seed;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Fits the head.
     *
     * @param train one embedding per example, all the same width
     * @param trainLabels the class index of each example, in {@code [0, labels.size())}
     * @param validation embeddings for early stopping; may be empty, then the last epoch is kept
     * @param validationLabels their class indexes
     * @param labels the class names
     * @throws IllegalArgumentException naming the first inconsistent argument
     */
    public Result fit(float[][] train, int[] trainLabels, float[][] validation, int[] validationLabels,
            List<String> labels) {
        Objects.requireNonNull(labels, "labels");
        check("train", train, trainLabels, labels.size());
        check("validation", validation, validationLabels, labels.size());
        if (train.length == 0) {
            throw new IllegalArgumentException("train: no examples to fit a head on");
        }
        int width = train[0].length;
        if (validation.length > 0 && validation[0].length != width) {
            throw new IllegalArgumentException("validation: embeddings are " + validation[0].length
                    + " wide, train embeddings " + width);
        }
        int classes = labels.size();
        float[][] weights = new float[classes][width];
        float[] bias = new float[classes];
        // Adam moments.
        float[][] mW = new float[classes][width];
        float[][] vW = new float[classes][width];
        float[] mB = new float[classes];
        float[] vB = new float[classes];
        double beta1 = 0.9;
        double beta2 = 0.999;
        double epsilon = 1e-8;
        Random random = new Random(this.seed);
        int[] order = new int[train.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        float[][] gradW = new float[classes][width];
        float[] gradB = new float[classes];
        double[] probabilities = new double[classes];
        long step = 0;
        double bestAccuracy = -1;
        int bestEpoch = 0;
        float[][] bestWeights = copy(weights);
        float[] bestBias = bias.clone();
        int epoch = 0;
        double lastLoss = Double.NaN;
        while (epoch < this.maxEpochs) {
            epoch++;
            shuffle(order, random);
            double lossSum = 0;
            for (int start = 0; start < order.length; start += this.batchSize) {
                int end = Math.min(order.length, start + this.batchSize);
                for (float[] row : gradW) {
                    Arrays.fill(row, 0f);
                }
                Arrays.fill(gradB, 0f);
                for (int k = start; k < end; k++) {
                    int i = order[k];
                    lossSum += softmaxInto(weights, bias, train[i], probabilities, trainLabels[i]);
                    for (int c = 0; c < classes; c++) {
                        float g = (float) (probabilities[c] - (c == trainLabels[i] ? 1 : 0));
                        if (g == 0f) {
                            continue;
                        }
                        float[] row = gradW[c];
                        float[] x = train[i];
                        for (int h = 0; h < width; h++) {
                            row[h] += g * x[h];
                        }
                        gradB[c] += g;
                    }
                }
                step++;
                float n = end - start;
                double correction1 = 1 - Math.pow(beta1, step);
                double correction2 = 1 - Math.pow(beta2, step);
                double stepSize = this.learningRate * Math.sqrt(correction2) / correction1;
                for (int c = 0; c < classes; c++) {
                    for (int h = 0; h < width; h++) {
                        float g = gradW[c][h] / n;
                        mW[c][h] = (float) (beta1 * mW[c][h] + (1 - beta1) * g);
                        vW[c][h] = (float) (beta2 * vW[c][h] + (1 - beta2) * g * g);
                        weights[c][h] -= (float) (stepSize * mW[c][h] / (Math.sqrt(vW[c][h]) + epsilon)
                                + this.learningRate * this.weightDecay * weights[c][h]);
                    }
                    float g = gradB[c] / n;
                    mB[c] = (float) (beta1 * mB[c] + (1 - beta1) * g);
                    vB[c] = (float) (beta2 * vB[c] + (1 - beta2) * g * g);
                    bias[c] -= (float) (stepSize * mB[c] / (Math.sqrt(vB[c]) + epsilon));
                }
            }
            lastLoss = lossSum / train.length;
            if (validation.length == 0) {
                bestEpoch = epoch;
                bestWeights = weights;
                bestBias = bias;
                continue;
            }
            double accuracy = accuracy(weights, bias, validation, validationLabels, probabilities);
            if (accuracy > bestAccuracy) {
                bestAccuracy = accuracy;
                bestEpoch = epoch;
                bestWeights = copy(weights);
                bestBias = bias.clone();
            }
            else if (epoch - bestEpoch >= this.patience) {
                break;
            }
        }
        ClassificationHead head = new ClassificationHead(bestWeights, bestBias, labels);
        double trainAccuracy = accuracy(bestWeights, bestBias, train, trainLabels, probabilities);
        return new Result(head, trainAccuracy, validation.length == 0 ? Double.NaN : bestAccuracy, bestEpoch, epoch,
                lastLoss);
    }

    /** Fills {@code into} with the softmax of the logits; returns the cross-entropy for {@code label}. */
    private static double softmaxInto(float[][] weights, float[] bias, float[] x, double[] into, int label) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < weights.length; c++) {
            double sum = bias[c];
            float[] row = weights[c];
            for (int h = 0; h < x.length; h++) {
                sum += row[h] * x[h];
            }
            into[c] = sum;
            max = Math.max(max, sum);
        }
        double total = 0;
        for (int c = 0; c < into.length; c++) {
            into[c] = Math.exp(into[c] - max);
            total += into[c];
        }
        for (int c = 0; c < into.length; c++) {
            into[c] /= total;
        }
        return label < 0 ? 0 : -Math.log(Math.max(into[label], 1e-12));
    }

    private static double accuracy(float[][] weights, float[] bias, float[][] x, int[] labels, double[] scratch) {
        int correct = 0;
        for (int i = 0; i < x.length; i++) {
            softmaxInto(weights, bias, x[i], scratch, -1);
            int best = 0;
            for (int c = 1; c < scratch.length; c++) {
                if (scratch[c] > scratch[best]) {
                    best = c;
                }
            }
            if (best == labels[i]) {
                correct++;
            }
        }
        return x.length == 0 ? Double.NaN : (double) correct / x.length;
    }

    private static void check(String field, float[][] embeddings, int[] labels, int classes) {
        Objects.requireNonNull(embeddings, field);
        Objects.requireNonNull(labels, field + "Labels");
        if (embeddings.length != labels.length) {
            throw new IllegalArgumentException(field + ": " + embeddings.length + " embeddings but " + labels.length
                    + " labels");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException(field + ": label " + labels[i] + " of example " + i
                        + " is outside [0, " + classes + ")");
            }
            if (embeddings[i].length != embeddings[0].length) {
                throw new IllegalArgumentException(field + ": example " + i + " is " + embeddings[i].length
                        + " wide, example 0 is " + embeddings[0].length);
            }
        }
    }

    private static void shuffle(int[] order, Random random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
    }

    private static float[][] copy(float[][] matrix) {
        float[][] copy = new float[matrix.length][];
        for (int i = 0; i < matrix.length; i++) {
            copy[i] = matrix[i].clone();
        }
        return copy;
    }

    /**
     * A fitted head and how it was reached.
     *
     * @param head the weights of the best epoch
     * @param trainAccuracy accuracy of {@link #head()} on the training embeddings
     * @param validationAccuracy its accuracy on the validation embeddings, NaN without them
     * @param bestEpoch the epoch whose weights were kept (1-based)
     * @param epochs the epochs run (early stopping may end before the maximum)
     * @param lastTrainLoss mean cross-entropy over the last epoch
     */
    public record Result(ClassificationHead head, double trainAccuracy, double validationAccuracy, int bestEpoch,
            int epochs, double lastTrainLoss) {
    }

    /** Builder of {@link HeadTrainer}. */
    public static final class Builder {

        private int maxEpochs = 60;

        private int batchSize = 64;

        private double learningRate = 0.01;

        private double weightDecay = 1e-4;

        private int patience = 6;

        private long seed = 42;

        private Builder() {
        }

        /** Most passes over the training embeddings; default 60. */
        public Builder maxEpochs(int maxEpochs) {
            this.maxEpochs = Checks.atLeast(maxEpochs, 1, "maxEpochs");
            return this;
        }

        /** Examples per update; default 64. */
        public Builder batchSize(int batchSize) {
            this.batchSize = Checks.atLeast(batchSize, 1, "batchSize");
            return this;
        }

        /** Adam step size; default 0.01. */
        public Builder learningRate(double learningRate) {
            if (!(learningRate > 0)) {
                throw new IllegalArgumentException("learningRate must be > 0, was " + learningRate);
            }
            this.learningRate = learningRate;
            return this;
        }

        /** Decoupled weight decay (AdamW style), per step, scaled by the learning rate; default 1e-4. */
        public Builder weightDecay(double weightDecay) {
            if (!(weightDecay >= 0)) {
                throw new IllegalArgumentException("weightDecay must be >= 0, was " + weightDecay);
            }
            this.weightDecay = weightDecay;
            return this;
        }

        /** Epochs without a better validation accuracy before stopping; default 6. */
        public Builder patience(int patience) {
            this.patience = Checks.atLeast(patience, 1, "patience");
            return this;
        }

        /** Seed of the example order; default 42. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public HeadTrainer build() {
            return new HeadTrainer(this);
        }
    }
}
