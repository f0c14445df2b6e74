package io.distill4j.pipeline.student.textcnn;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.distill4j.pipeline.export.ArchitectureGraph;
import io.distill4j.pipeline.export.StudentGraph;
import io.distill4j.pipeline.export.StudentParameters;


/**
 * The ONNX graph of a {@link TextCnnStudent}:
 *
 * <pre>
 * embedded = Gather(student.embedding [vocab, dim], input_ids)                        [B, T, dim]
 * tokens   = Transpose(embedded * Unsqueeze(mask, 2), perm = [0, 2, 1])               [B, dim, T]
 * for each kernel size k, in order (child conv&lt;k&gt;):
 *   c_k    = activation(Conv(tokens, student.conv&lt;k&gt;.weight [filters, dim, k], student.conv&lt;k&gt;.bias,
 *                            kernel_shape = [k], pads = [0, k - 1]))                  [B, filters, T]
 *   p_k    = ReduceMax(c_k + Unsqueeze((mask - 1) * 1e9, 1), axes = [2]) * ReduceMax(mask, axes = [1])
 * h_0      = Concat(p_k ..., axis = 1)                                                 [B, filters * K]
 * h_i      = activation(Gemm(h_{i-1}, student.hidden&lt;i&gt;.weight, student.hidden&lt;i&gt;.bias, transB = 1))
 * out      = Gemm(h_n, student.output.weight, student.output.bias, transB = 1)         [B, outputSize]
 * </pre>
 *
 * where {@code mask} is {@code Cast(attention_mask, FLOAT)}. The student appends {@code k - 1} zero vectors to
 * the time axis before a valid convolution; here the {@code Conv} node's own asymmetric {@code pads} do the
 * same, so there is no separate {@code Pad} node. With a single kernel size there is no {@code Concat}.
 * Dropout is left out (the identity at inference).
 *
 * <p><b>Quantization.</b> The engine's {@code Int8Quantizer} rewrites {@code MatMul}, {@code Gemm} and
 * {@code Gather} only: the embedding table and the dense layers become 8-bit, the convolutions stay float32
 * (about {@code filters * dim * sum(k)} weights).
 */
final class TextCnnGraph implements ArchitectureGraph {

    private final TextCnnConfig config;

    TextCnnGraph(TextCnnConfig config) {
        this.config = config;
    }

    @Override
    public void write(StudentGraph graph, String output) {
        StudentParameters parameters = graph.parameters();
        long dim = this.config.embeddingDim();
        long filters = this.config.filters();
        String activation = this.config.activation().name().toLowerCase(Locale.ROOT);
        String embedded = graph.embeddingLookup("embedding_gather",
                parameters.own("embedding", this.config.vocabSize(), dim), graph.tokenIds());
        String masked = graph.zeroPadding("embedding_masked", embedded);
        String tokens = graph.transpose("embedding_channels_first", masked, 0, 2, 1);
        List<String> pooled = new ArrayList<>();
        for (int k : this.config.kernelSizes()) {
            String conv = TextCnnStudent.convolutionName(k);
            String features = graph.conv1d(conv, tokens, parameters.child(conv, "weight", filters, dim, k),
                    parameters.child(conv, "bias", filters), k - 1L);
            features = graph.activation(conv + "_" + activation, this.config.activation(), features);
            pooled.add(graph.maskedMaxOverTime(conv + "_max", features, TextCnnStudent.MASK_PENALTY));
        }
        String x = pooled.size() == 1 ? pooled.get(0) : graph.concat("pooled", 1, pooled);
        long in = this.config.pooledWidth();
        List<Integer> hidden = this.config.hiddenSizes();
        for (int i = 1; i <= hidden.size(); i++) {
            String layer = "hidden" + i;
            long width = hidden.get(i - 1);
            x = graph.linear(layer, x, parameters.child(layer, "weight", width, in), parameters.child(layer, "bias", width));
            x = graph.activation(layer + "_" + activation, this.config.activation(), x);
            in = width;
        }
        int out = this.config.outputSize();
        graph.linear("output", x, parameters.child("output", "weight", out, in), parameters.child("output", "bias", out),
                output);
    }
}
