package io.distill4j.pipeline.job;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.distill4j.api.Tensor;
import io.distill4j.api.distill.Stage;
import io.distill4j.engine.files.AtomicFiles;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.quant.AccuracyGate;
import io.distill4j.engine.onnx.quant.Int8Quantizer;
import io.distill4j.engine.onnx.quant.QuantizationConfig;
import io.distill4j.engine.onnx.quant.QuantizationResult;
import io.distill4j.engine.text.TextTokenizer;
import io.distill4j.pipeline.speed.SpeedProbe;

/**
 * {@link Stage#QUANTIZE}: quantizes the exported student to INT8 behind an accuracy gate judged on the
 * check texts, writes {@code student-int8.onnx} and {@code quantization.json}, then measures both students
 * on the scored split (the task's metric) and their speed on the engine.
 */
final class QuantizeStage {

    /** Smallest mean cosine between the INT8 and the fp32 embedding student on the check texts. */
    static final double INT8_MIN_COSINE = 0.99;

    /** Smallest top-1 agreement between the INT8 and the fp32 classifier on the check texts. */
    static final double INT8_MIN_AGREEMENT = 0.98;

    /** Largest mean drop of the fp32 classifier's top-1 probability the INT8 one may show. */
    static final double INT8_MAX_PROBABILITY_DROP = 0.3;

    /** Texts per calibration sample of the gate. */
    private static final int SAMPLE_BATCH = 32;

    private QuantizeStage() {
    }

    /**
     * What the stage measured.
     *
     * @param file the INT8 student
     * @param result the quantizer's result (what was quantized, the gate's figures)
     * @param fp32Metric the exported fp32 student's metric on the scored split
     * @param int8Metric the INT8 student's metric on the scored split
     * @param fp32Speed the fp32 student's speed on the engine
     * @param int8Speed the INT8 student's speed on the engine
     */
    record Quantized(Path file, QuantizationResult result, double fp32Metric, double int8Metric,
            SpeedProbe.Figures fp32Speed, SpeedProbe.Figures int8Speed) {
    }

    static Quantized run(RunContext run, Evaluation evaluation, ModelProto fp32, StudentData data)
            throws IOException {
        List<String> checkTexts = data.checkTexts();
        TextTokenizer tokenizer = data.tokenizer();
        AccuracyGate gate = run.embedding() ? AccuracyGate.embeddings(samples(tokenizer, checkTexts), INT8_MIN_COSINE)
                : AccuracyGate.classifier(samples(tokenizer, checkTexts), INT8_MIN_AGREEMENT, INT8_MAX_PROBABILITY_DROP);
        QuantizationResult result = new Int8Quantizer(QuantizationConfig.ofDefaults()).quantize(fp32, gate);
        if (!result.passed()) {
            throw run.failure("INT8 quantization did not pass its accuracy gate even with exclusions: "
                    + result.summary());
        }
        Path file = run.outputFile("student-int8.onnx");
        result.writeTo(file);
        AtomicFiles.writeString(run.outputFile("quantization.json"), result.toJson());
        evaluation.add(Evaluation.INT8, file, data.tokenizerFile(), data.labels().names());
        run.clock().report(1, 2, 0.5, Map.of(), "INT8: " + result.summary().lines().findFirst().orElse(""));

        double fp32Metric = evaluation.metric(Evaluation.FP32, data);
        double int8Metric = evaluation.metric(Evaluation.INT8, data);
        SpeedProbe.Figures fp32Speed = evaluation.speed(Evaluation.FP32, checkTexts);
        SpeedProbe.Figures int8Speed = evaluation.speed(Evaluation.INT8, checkTexts);
        String metric = run.metricName();
        run.clock().report(2, 2, 1, Map.of(metric + "_fp32", fp32Metric, metric + "_int8", int8Metric),
                String.format(Locale.ROOT, "student %s fp32 %.4f, INT8 %.4f (teacher %.4f)", metric, fp32Metric,
                        int8Metric, data.teacherMetric()));
        return new Quantized(file, result, fp32Metric, int8Metric, fp32Speed, int8Speed);
    }

    /** The check texts as the gate's samples: padded batches of token ids and attention masks. */
    private static List<Map<String, Tensor>> samples(TextTokenizer tokenizer, List<String> texts) {
        List<Map<String, Tensor>> samples = new ArrayList<>();
        for (int from = 0; from < texts.size(); from += SAMPLE_BATCH) {
            List<String> batch = texts.subList(from, Math.min(texts.size(), from + SAMPLE_BATCH));
            List<long[]> rows = new ArrayList<>(batch.size());
            int length = 0;
            for (String text : batch) {
                long[] ids = tokenizer.encode(text).ids();
                rows.add(ids);
                length = Math.max(length, ids.length);
            }
            long[] ids = new long[batch.size() * length];
            long[] mask = new long[ids.length];
            for (int i = 0; i < rows.size(); i++) {
                long[] row = rows.get(i);
                System.arraycopy(row, 0, ids, i * length, row.length);
                Arrays.fill(mask, i * length, i * length + row.length, 1);
            }
            samples.add(Map.of("input_ids", Tensor.ofLongs(ids, batch.size(), length), "attention_mask",
                    Tensor.ofLongs(mask, batch.size(), length)));
        }
        return samples;
    }
}
