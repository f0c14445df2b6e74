package io.distill4j.pipeline.student.transformer;

import java.util.List;
import java.util.Locale;

import io.distill4j.pipeline.export.ArchitectureGraph;
import io.distill4j.pipeline.export.StudentGraph;
import io.distill4j.pipeline.export.StudentParameters;


/**
 * The ONNX graph of a {@link TransformerStudent}, with {@code H} the hidden size, {@code n} the heads,
 * {@code d = H / n}, {@code mask = Cast(attention_mask, FLOAT)}, parameters named
 * {@code student.<child>.<parameter>} and {@code dense(x, p)} short for
 * {@code Add(MatMul(x, student.p.weight [in, out]), student.p.bias)} (the weight stored transposed, the
 * layout the {@code Int8Quantizer} quantizes as a {@code MatMul} weight):
 *
 * <pre>
 * positions = Range(0, Gather(Shape(input_ids), 1), 1)                               [T]
 * x         = Gather(student.word_embeddings, input_ids) + Gather(student.position_embeddings, positions)
 * x         = LayerNormalization(x, student.embeddings_norm.gamma, .beta)            [B, T, H]
 * bias      = Unsqueeze((1 - mask) * MASK_VALUE, [1, 2])                            [B, 1, 1, T]
 * for each layer i:
 *   q       = Transpose(Reshape(dense(x, layer&lt;i&gt;_attention_query), [0, 0, n, d]), [0, 2, 1, 3])  [B, n, T, d]
 *   k       = Transpose(Reshape(dense(x, layer&lt;i&gt;_attention_key), [0, 0, n, d]), [0, 2, 3, 1])    [B, n, d, T]
 *   v       = Transpose(Reshape(dense(x, layer&lt;i&gt;_attention_value), [0, 0, n, d]), [0, 2, 1, 3])  [B, n, T, d]
 *   p       = Softmax(MatMul(q, k) / sqrt(d) + bias, axis = -1)                      [B, n, T, T]
 *   c       = Reshape(Transpose(MatMul(p, v), [0, 2, 1, 3]), [0, 0, H])               [B, T, H]
 *   x       = LayerNormalization(x + dense(c, layer&lt;i&gt;_attention_output), layer&lt;i&gt;_attention_norm)
 *   x       = LayerNormalization(x + dense(activation(dense(x, layer&lt;i&gt;_intermediate)), layer&lt;i&gt;_output),
 *                                layer&lt;i&gt;_output_norm)
 * pooled    = ReduceSum(x * mask) / Max(ReduceSum(mask), 1)   (MEAN)   or   Gather(x, 0, axis = 1)   (CLS)
 * out       = Gemm(pooled, student.output.weight, student.output.bias, transB = 1)  [B, outputSize]
 * </pre>
 *
 * {@code MASK_VALUE} is {@link TransformerStudent#MASK_VALUE}, the lowest finite float: a conversion of the
 * graph to float16 must replace it (it would become {@code -inf}, and a row with an empty mask NaN), as it
 * must any float32-only constant. {@code LayerNormalization} is the explicit
 * form below opset 17 (see {@link StudentGraph#layerNorm}). Dropout is left out (the identity at
 * inference). A sequence longer than {@code maxPositions} fails in ONNX Runtime as the DJL block refuses it:
 * the position {@code Gather} has an index out of bounds, or, where the optimizer has turned that
 * {@code Gather} of a {@code Range} into a {@code Slice} (the default optimization level does), the
 * {@code embeddings_sum} {@code Add} has operands of different lengths.
 *
 * <p>Under {@code Int8Quantizer} every dense layer's {@code MatMul} and the output {@code Gemm} become
 * integer matrix products and both embedding tables become uint8; the attention products {@code q k} and
 * {@code p v} multiply two computed values and stay float, as do the {@code Gather}s that read the
 * sequence length and the CLS position.
 */
final class TransformerGraph implements ArchitectureGraph {

    private final TransformerConfig config;

    TransformerGraph(TransformerConfig config) {
        this.config = config;
    }

    @Override
    public void write(StudentGraph graph, String output) {
        StudentParameters parameters = graph.parameters();
        long hidden = this.config.hiddenSize();
        long heads = this.config.heads();
        long headSize = this.config.headSize();
        float epsilon = this.config.layerNormEpsilon();

        String words = graph.embeddingLookup("word_embeddings_gather",
                parameters.own("word_embeddings", this.config.vocabSize(), hidden), graph.tokenIds());
        String positions = graph.embeddingLookup("position_embeddings_gather",
                parameters.own("position_embeddings", this.config.maxPositions(), hidden), graph.positionIds());
        String summed = graph.node("Add", "embeddings_sum", List.of(words, positions));
        String x = layerNorm(graph, "embeddings_norm", summed, hidden, epsilon);

        String keep = graph.node("Sub", "attention_keep", List.of(graph.constant(1f), graph.floatMask()));
        String bias = graph.unsqueeze("attention_bias",
                graph.node("Mul", "attention_bias_2d", List.of(keep, graph.constant(TransformerStudent.MASK_VALUE))),
                1, 2);
        String scale = graph.constant((float) Math.sqrt(headSize));

        for (int i = 0; i < this.config.layers(); i++) {
            String layer = "layer" + i + "_";
            String query = graph.transpose(layer + "query_heads", graph.reshape(layer + "query_split",
                    dense(graph, layer + "attention_query", x, hidden, hidden), 0, 0, heads, headSize), 0, 2, 1, 3);
            String key = graph.transpose(layer + "key_heads", graph.reshape(layer + "key_split",
                    dense(graph, layer + "attention_key", x, hidden, hidden), 0, 0, heads, headSize), 0, 2, 3, 1);
            String value = graph.transpose(layer + "value_heads", graph.reshape(layer + "value_split",
                    dense(graph, layer + "attention_value", x, hidden, hidden), 0, 0, heads, headSize), 0, 2, 1, 3);
            String scores = graph.node("Div", layer + "scores_scaled",
                    List.of(graph.matMul(layer + "scores", query, key), scale));
            String masked = graph.node("Add", layer + "scores_masked", List.of(scores, bias));
            String probabilities = graph.softmax(layer + "attention_probabilities", masked);
            String context = graph.reshape(layer + "context", graph.transpose(layer + "context_heads",
                    graph.matMul(layer + "context_per_head", probabilities, value), 0, 2, 1, 3), 0, 0, hidden);
            String attended = dense(graph, layer + "attention_output", context, hidden, hidden);
            x = layerNorm(graph, layer + "attention_norm",
                    graph.node("Add", layer + "attention_residual", List.of(x, attended)), hidden, epsilon);

            long intermediateSize = this.config.intermediateSize();
            String intermediate = graph.activation(
                    layer + "intermediate_" + this.config.activation().name().toLowerCase(Locale.ROOT),
                    this.config.activation(), dense(graph, layer + "intermediate", x, intermediateSize, hidden));
            String fed = dense(graph, layer + "output", intermediate, hidden, intermediateSize);
            x = layerNorm(graph, layer + "output_norm",
                    graph.node("Add", layer + "output_residual", List.of(x, fed)), hidden, epsilon);
        }

        String pooled = switch (this.config.pooling()) {
            case MEAN -> graph.maskedMean("pooled", x);
            case CLS -> graph.firstToken("pooled", x);
        };
        int out = this.config.outputSize();
        graph.linear("output", pooled, parameters.child("output", "weight", out, hidden),
                parameters.child("output", "bias", out), output);
    }

    private static String dense(StudentGraph graph, String child, String x, long out, long in) {
        StudentParameters parameters = graph.parameters();
        return graph.dense(child, x, parameters.child(child, "weight", out, in), parameters.child(child, "bias", out));
    }

    private static String layerNorm(StudentGraph graph, String child, String x, long width, float epsilon) {
        StudentParameters parameters = graph.parameters();
        return graph.layerNorm(child, x, parameters.child(child, "gamma", width), parameters.child(child, "beta", width),
                epsilon);
    }
}
