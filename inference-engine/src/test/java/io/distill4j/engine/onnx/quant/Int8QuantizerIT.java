package io.distill4j.engine.onnx.quant;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.distill4j.api.Tensor;
import io.distill4j.engine.onnx.OnnxModelReader;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.proto.NodeProto;
import io.distill4j.engine.testing.MiniLm;
import io.distill4j.engine.text.TextTokenizer;
import io.distill4j.engine.text.TokenizedText;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quantizer on the real all-MiniLM-L6-v2 weights, gated on real sentences. */
class Int8QuantizerIT {

    private static final List<String> SENTENCES = List.of(
            "A man is playing a guitar.",
            "The quick brown fox jumps over the lazy dog.",
            "Stock markets fell sharply after the announcement.",
            "She ordered a coffee and sat by the window.",
            "How do I reset my password?",
            "The cat sleeps on the warm windowsill.");

    private static ModelProto fp32;

    private static List<Map<String, Tensor>> samples;

    private static QuantizationResult result;

    @BeforeAll
    static void quantizeMiniLm() {
        fp32 = OnnxModelReader.ofDefaults().read(MiniLm.modelFile(), "all-minilm-l6-v2");
        samples = new ArrayList<>();
        try (TextTokenizer tokenizer = TextTokenizer.open("all-minilm-l6-v2", MiniLm.tokenizerFile(), 128)) {
            for (String sentence : SENTENCES) {
                TokenizedText tokens = tokenizer.encode(sentence);
                int n = tokens.length();
                samples.add(Map.of("input_ids", Tensor.ofLongs(tokens.ids(), 1, n),
                        "attention_mask", Tensor.ofLongs(tokens.attentionMask(), 1, n),
                        "token_type_ids", Tensor.ofLongs(new long[n], 1, n)));
            }
        }
        result = new Int8Quantizer(QuantizationConfig.ofDefaults()).quantize(fp32, AccuracyGate.embeddings(samples, 0.98));
    }

    @Test
    void everyWeightMatMulAndEmbeddingIsQuantizedAndTheGatePasses() {
        // 6 layers x (query, key, value, attention output, intermediate, output) + 3 embedding tables.
        assertThat(result.quantized()).hasSize(39);
        assertThat(result.quantized()).filteredOn(n -> n.opType().equals("Gather")).hasSize(3);
        // The attention products of two activations stay float.
        assertThat(result.skipped()).filteredOn(n -> n.opType().equals("MatMul")).hasSize(12);
        assertThat(result.excluded()).isEmpty();
        assertThat(result.passed()).isTrue();
        assertThat(result.gate()).get().satisfies(g -> assertThat(g.values().get("meanCosine")).isGreaterThan(0.98));
        assertThat(result.sizeRatio()).isBetween(0.2, 0.26);
        assertThat(result.model().getGraph().getNodeList()).extracting(NodeProto::getOpType)
                .contains("DynamicQuantizeLinear", "MatMulInteger", "DequantizeLinear");
    }

    @Test
    void theWrittenModelReadsBackAndRunsInOnnxRuntime(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("minilm-int8.onnx");
        result.writeTo(file);
        ModelProto reread = OnnxModelReader.ofDefaults().read(file, "minilm-int8");
        assertThat(reread).isEqualTo(result.model());

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(file.toString())) {
            assertThat(session.getInputNames()).containsExactlyInAnyOrderElementsOf(
                    fp32.getGraph().getInputList().stream().map(v -> v.getName()).toList());
            assertThat(session.getOutputNames()).containsExactly("last_hidden_state");
        }
    }

    @Test
    void activationsQuantizedPerRowGiveEachTextTheSameOutputsAloneOrInABatch() throws Exception {
        QuantizationResult perRow = new Int8Quantizer(QuantizationConfig.builder().perRowActivations(true).build())
                .quantize(fp32, AccuracyGate.embeddings(samples, 0.98));
        assertThat(perRow.passed()).isTrue();
        assertThat(perRow.gate()).get().satisfies(g -> assertThat(g.values().get("meanCosine"))
                .as("per row is at least as close to fp32 as per tensor")
                .isGreaterThanOrEqualTo(result.gate().orElseThrow().values().get("meanCosine")));
        assertThat(perRow.model().getGraph().getNodeList()).extracting(NodeProto::getOpType)
                .contains("MatMulInteger", "ReduceMin", "ReduceMax").doesNotContain("DynamicQuantizeLinear");
        float[][] alone = new float[SENTENCES.size()][];
        float[][] batched;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(perRow.model().toByteArray())) {
            for (int i = 0; i < SENTENCES.size(); i++) {
                alone[i] = firstToken(run(env, session, List.of(samples.get(i))))[0];
            }
            batched = firstToken(run(env, session, samples));
        }
        for (int i = 0; i < SENTENCES.size(); i++) {
            assertThat(batched[i]).as("sentence %d, padded in a batch of %d", i, SENTENCES.size())
                    .containsExactly(alone[i]);
        }
    }

    /** {@code last_hidden_state} of the samples run together, padded to the longest with a zero mask. */
    private static float[][][] run(OrtEnvironment env, OrtSession session, List<Map<String, Tensor>> rows)
            throws Exception {
        int longest = rows.stream().mapToInt(r -> (int) r.get("input_ids").shape()[1]).max().orElseThrow();
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        try {
            for (String name : List.of("input_ids", "attention_mask", "token_type_ids")) {
                long[][] values = new long[rows.size()][longest];
                for (int r = 0; r < rows.size(); r++) {
                    long[] row = rows.get(r).get(name).longs();
                    System.arraycopy(row, 0, values[r], 0, row.length);
                }
                inputs.put(name, OnnxTensor.createTensor(env, values));
            }
            try (OrtSession.Result out = session.run(inputs)) {
                return (float[][][]) out.get(0).getValue();
            }
        }
        finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** The first token's vector of each row. */
    private static float[][] firstToken(float[][][] hidden) {
        float[][] first = new float[hidden.length][];
        for (int i = 0; i < hidden.length; i++) {
            first[i] = hidden[i][0];
        }
        return first;
    }

    @Test
    void aSecondRunGivesTheSameGraph() {
        QuantizationResult again = new Int8Quantizer(QuantizationConfig.ofDefaults()).quantize(fp32);
        // Without a gate the provenance differs only in the gate entry; the graph is identical.
        assertThat(again.model().getGraph()).isEqualTo(result.model().getGraph());
    }
}
