package io.distill4j.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.huggingface.tokenizers.Encoding;
import io.distill4j.api.Tensor;
import io.distill4j.engine.onnx.OnnxModelReader;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.quant.AccuracyGate;
import io.distill4j.engine.onnx.quant.Int8Quantizer;
import io.distill4j.engine.onnx.quant.QuantizationConfig;
import io.distill4j.engine.onnx.quant.QuantizationResult;

/**
 * How {@link QuantizationBenchmark} made its {@code ours} model: Distill4j's {@link Int8Quantizer} with the
 * default settings and an embeddings {@link AccuracyGate}, timed per phase, and the report's section on it.
 *
 * @param result the quantizer's result, already written to the target file
 * @param readMillis reading the fp32 model
 * @param quantizeMillis quantizing it and running the gate
 * @param writeMillis writing the quantized model
 * @param gateSamples how many sentences the gate ran
 */
record QuantizerRun(QuantizationResult result, long readMillis, long quantizeMillis, long writeMillis,
        int gateSamples) {

    /**
     * Quantizes the fp32 model with the default settings and an embeddings gate on STS-B train sentences,
     * each a batch of one tokenized as every model's inputs are, and writes the result to {@code target}.
     */
    static QuantizerRun quantize(RawOrtSystem fp32, ModelFiles fp32Files, StsbData train, Path target,
            QuantizationOptions options, Report report) {
        List<Map<String, Tensor>> samples = new ArrayList<>();
        for (StsbData.Pair pair : train.pairs().subList(0, Math.min(options.gateSamples(), train.pairs().size()))) {
            Encoding encoding = fp32.encode(pair.sentence1());
            long[] ids = encoding.getIds();
            Map<String, Tensor> sample = new LinkedHashMap<>();
            sample.put(TokenBatch.INPUT_IDS, Tensor.ofLongs(ids, 1, ids.length));
            sample.put(TokenBatch.ATTENTION_MASK, Tensor.ofLongs(encoding.getAttentionMask(), 1, ids.length));
            if (fp32.takesTokenTypeIds()) {
                sample.put(TokenBatch.TOKEN_TYPE_IDS, Tensor.ofLongs(new long[ids.length], 1, ids.length));
            }
            samples.add(sample);
        }
        report.log("quantizing " + fp32Files.onnxModel().getFileName() + " with an accuracy gate on "
                + samples.size() + " STS-B train sentences");
        try {
            long began = System.nanoTime();
            ModelProto model = OnnxModelReader.ofDefaults().read(fp32Files.onnxModel());
            long read = System.nanoTime();
            QuantizationResult result = new Int8Quantizer(config(options))
                    .quantize(model, AccuracyGate.embeddings(samples, options.gateMinMeanCosine()));
            long quantized = System.nanoTime();
            result.writeTo(target);
            long written = System.nanoTime();
            return new QuantizerRun(result, (read - began) / 1_000_000, (quantized - read) / 1_000_000,
                    (written - quantized) / 1_000_000, samples.size());
        }
        catch (IOException ex) {
            throw new BenchmarkException("Cannot write the quantized model to " + target, ex);
        }
        catch (RuntimeException ex) {
            throw new BenchmarkException("Int8Quantizer failed on " + fp32Files.onnxModel(), ex);
        }
    }

    /** The defaults, with activations per row if the options say so. */
    static QuantizationConfig config(QuantizationOptions options) {
        return QuantizationConfig.builder().perRowActivations(options.perRowActivations()).build();
    }

    /** The report's section: settings, gate, times, outcome, the file, and the quantizer's own summary. */
    String section(QuantizationOptions options, Path target) {
        StringBuilder out = new StringBuilder("## Quantization by Distill4j's Int8Quantizer\n\n");
        out.append(Report.table(List.of("", ""), List.of(
                List.of("settings", "`" + config(options).toJson() + "`" + (options.perRowActivations() ? ""
                        : " (the defaults)")),
                List.of("accuracy gate", "embeddings, mean cosine of every output vector (token embeddings of "
                        + "`last_hidden_state`) ≥ " + options.gateMinMeanCosine() + ", on the first "
                        + this.gateSamples + " `sentence1`s of STS-B train, each run alone at batch 1"),
                List.of("time", "read " + this.readMillis + " ms, quantize and gate "
                        + this.quantizeMillis + " ms, write " + this.writeMillis + " ms"),
                List.of("gate passed", this.result.passed() ? "yes" : "NO: the model is measured anyway"),
                List.of("written to", target.toString()))));
        out.append("\n`QuantizationResult.summary()`:\n\n```text\n").append(this.result.summary().stripTrailing())
                .append("\n```\n");
        return out.toString();
    }
}
