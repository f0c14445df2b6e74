package io.distill4j.engine.onnx.quant;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.distill4j.api.Checks;
import io.distill4j.api.Tensor;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.api.exception.ModelLoadException;
import io.distill4j.engine.session.ModelSession;
import io.distill4j.engine.session.OrtTensors;
import io.distill4j.engine.similarity.Similarity;

/**
 * The check a quantized model must pass: both models run on the same sample inputs through ONNX
 * Runtime (CPU) and one float output is compared.
 * <ul>
 * <li>{@linkplain #embeddings embeddings}: the cosine similarity of every vector along the output's last
 * axis (a token or a sentence embedding); the gate passes when the mean reaches the threshold;
 * <li>{@linkplain #classifier classifiers}: the output holds logits along the last axis; the gate passes
 * when the share of rows whose argmax agrees reaches the threshold and the largest difference of a
 * softmax probability stays within the limit.
 * </ul>
 *
 * <pre>{@code
 * AccuracyGate gate = AccuracyGate.embeddings(samples, 0.99);
 * }</pre>
 *
 * <p>Run each sample on its own (batch 1, no padding) unless padded positions are meant to count.
 * Instances are immutable; the samples are not copied, so do not change them while a gate is in use.
 */
public final class AccuracyGate {

    /** What a gate compares. */
    public enum Metric {
        /** Mean cosine similarity of the vectors along the last axis. */
        EMBEDDING_COSINE,
        /** Argmax agreement and largest softmax probability difference along the last axis. */
        CLASSIFIER_AGREEMENT
    }

    /** The subject named in exceptions: the quantizer works on models that are not in a repository. */
    static final String SUBJECT = "int8-quantizer";

    private final Metric metric;

    private final List<Map<String, Tensor>> samples;

    private final double minMeanCosine;

    private final double minAgreement;

    private final double maxProbabilityDifference;

    private final Optional<String> output;

    private AccuracyGate(Metric metric, List<Map<String, Tensor>> samples, double minMeanCosine,
            double minAgreement, double maxProbabilityDifference, Optional<String> output) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("An accuracy gate needs at least one sample input");
        }
        this.metric = metric;
        this.samples = List.copyOf(samples);
        this.minMeanCosine = minMeanCosine;
        this.minAgreement = minAgreement;
        this.maxProbabilityDifference = maxProbabilityDifference;
        this.output = output;
    }

    /**
     * A gate for embedding models: mean cosine similarity of the output vectors of at least
     * {@code minMeanCosine} (for example 0.99).
     */
    public static AccuracyGate embeddings(List<Map<String, Tensor>> samples, double minMeanCosine) {
        Checks.inRange(minMeanCosine, -1, 1, "minMeanCosine");
        return new AccuracyGate(Metric.EMBEDDING_COSINE, samples, minMeanCosine, Double.NaN, Double.NaN,
                Optional.empty());
    }

    /**
     * A gate for classifiers: argmax agreement of at least {@code minAgreement} (a share, for example
     * 0.99) and no softmax probability differing by more than {@code maxProbabilityDifference}.
     */
    public static AccuracyGate classifier(List<Map<String, Tensor>> samples, double minAgreement,
            double maxProbabilityDifference) {
        Checks.inRange(minAgreement, 0, 1, "minAgreement");
        Checks.inRange(maxProbabilityDifference, 0, 1, "maxProbabilityDifference");
        return new AccuracyGate(Metric.CLASSIFIER_AGREEMENT, samples, Double.NaN, minAgreement,
                maxProbabilityDifference, Optional.empty());
    }

    /** The same gate comparing the output named {@code name} instead of the model's first output. */
    public AccuracyGate output(String name) {
        return new AccuracyGate(this.metric, this.samples, this.minMeanCosine, this.minAgreement,
                this.maxProbabilityDifference, Optional.of(Objects.requireNonNull(name, "name")));
    }

    public Metric metric() {
        return this.metric;
    }

    public int sampleCount() {
        return this.samples.size();
    }

    /** Runs the reference model over the samples once; candidates are then compared with its outputs. */
    Evaluation start(byte[] referenceModel) {
        return new Evaluation(run(referenceModel, true));
    }

    private List<float[][]> run(byte[] model, boolean reference) {
        OrtEnvironment env = ModelSession.environment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(model, options)) {
            String name = this.output.orElseGet(() -> session.getOutputNames().iterator().next());
            if (!session.getOutputNames().contains(name)) {
                throw new IllegalArgumentException("The accuracy gate compares output '" + name
                        + "' but the model's outputs are " + session.getOutputNames());
            }
            List<float[][]> outputs = new ArrayList<>(this.samples.size());
            for (int s = 0; s < this.samples.size(); s++) {
                Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
                try {
                    for (Map.Entry<String, Tensor> entry : this.samples.get(s).entrySet()) {
                        inputs.put(entry.getKey(), OrtTensors.toNative(env, entry.getValue()));
                    }
                    try (OrtSession.Result result = session.run(inputs, Set.of(name))) {
                        outputs.add(vectors(result.get(0), name));
                    }
                }
                finally {
                    inputs.values().forEach(OnnxTensor::close);
                }
            }
            return outputs;
        }
        catch (OrtException ex) {
            if (reference) {
                throw new InvalidInputException(SUBJECT, "samples", "The original model could not run the accuracy "
                        + "gate's samples: " + ex.getMessage());
            }
            throw new ModelLoadException(SUBJECT, "ONNX Runtime could not run the quantized model: "
                    + ex.getMessage(), ex);
        }
    }

    /** The output as rows along its last axis. */
    private static float[][] vectors(OnnxValue value, String name) {
        if (!(value instanceof OnnxTensor tensor) || tensor.getInfo().type != ai.onnxruntime.OnnxJavaType.FLOAT) {
            throw new IllegalArgumentException("The accuracy gate needs a FLOAT tensor output, '" + name
                    + "' is " + value.getInfo());
        }
        long[] shape = tensor.getInfo().getShape();
        int width = shape.length == 0 ? 1 : Math.toIntExact(shape[shape.length - 1]);
        FloatBuffer buffer = tensor.getFloatBuffer();
        int rows = width == 0 ? 0 : buffer.remaining() / width;
        float[][] result = new float[rows][width];
        for (float[] row : result) {
            buffer.get(row);
        }
        return result;
    }

    /** The reference outputs, against which candidate models are scored. */
    final class Evaluation {

        private final List<float[][]> reference;

        private Evaluation(List<float[][]> reference) {
            this.reference = reference;
        }

        GateResult evaluate(byte[] candidateModel) {
            List<float[][]> candidate = run(candidateModel, false);
            return AccuracyGate.this.metric == Metric.EMBEDDING_COSINE ? cosine(candidate) : agreement(candidate);
        }

        private GateResult cosine(List<float[][]> candidate) {
            double sum = 0;
            double min = Double.POSITIVE_INFINITY;
            long count = 0;
            for (int s = 0; s < this.reference.size(); s++) {
                float[][] expected = this.reference.get(s);
                float[][] actual = candidate.get(s);
                for (int r = 0; r < expected.length; r++) {
                    double cosine = Similarity.cosine(expected[r], actual[r]);
                    sum += cosine;
                    min = Math.min(min, cosine);
                    count++;
                }
            }
            double mean = sum / count;
            Map<String, Double> values = new LinkedHashMap<>();
            values.put("meanCosine", mean);
            values.put("minCosine", min);
            return new GateResult(Metric.EMBEDDING_COSINE, mean, mean >= AccuracyGate.this.minMeanCosine,
                    "mean cosine >= " + AccuracyGate.this.minMeanCosine, values, AccuracyGate.this.samples.size());
        }

        private GateResult agreement(List<float[][]> candidate) {
            long agree = 0;
            long rows = 0;
            double maxDiff = 0;
            for (int s = 0; s < this.reference.size(); s++) {
                float[][] expected = this.reference.get(s);
                float[][] actual = candidate.get(s);
                for (int r = 0; r < expected.length; r++) {
                    double[] p = softmax(expected[r]);
                    double[] q = softmax(actual[r]);
                    if (argmax(p) == argmax(q)) {
                        agree++;
                    }
                    for (int i = 0; i < p.length; i++) {
                        maxDiff = Math.max(maxDiff, Math.abs(p[i] - q[i]));
                    }
                    rows++;
                }
            }
            double share = (double) agree / rows;
            Map<String, Double> values = new LinkedHashMap<>();
            values.put("argmaxAgreement", share);
            values.put("maxProbabilityDifference", maxDiff);
            boolean passed = share >= AccuracyGate.this.minAgreement
                    && maxDiff <= AccuracyGate.this.maxProbabilityDifference;
            // Agreement first; the probability difference breaks ties between candidates.
            return new GateResult(Metric.CLASSIFIER_AGREEMENT, share - maxDiff / 1000, passed,
                    "argmax agreement >= " + AccuracyGate.this.minAgreement + " and max probability difference <= "
                            + AccuracyGate.this.maxProbabilityDifference,
                    values, AccuracyGate.this.samples.size());
        }
    }

    private static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    private static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
