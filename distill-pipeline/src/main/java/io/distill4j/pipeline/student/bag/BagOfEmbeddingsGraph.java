package io.distill4j.pipeline.student.bag;

import java.util.List;
import java.util.Locale;

import io.distill4j.pipeline.export.ArchitectureGraph;
import io.distill4j.pipeline.export.StudentGraph;
import io.distill4j.pipeline.export.StudentParameters;


/**
 * The ONNX graph of a {@link BagOfEmbeddingsStudent}:
 *
 * <pre>
 * embedded = Gather(student.embedding [vocab, dim], input_ids)                 [B, T, dim]
 * pooled   = ReduceSum(embedded * mask) / Max(ReduceSum(mask), 1)              [B, dim]
 * h_i      = activation(Gemm(h_{i-1}, student.hidden&lt;i&gt;.weight, student.hidden&lt;i&gt;.bias, transB = 1))
 *            with h_0 = pooled
 * out      = Gemm(h_n, student.output.weight, student.output.bias, transB = 1) [B, outputSize]
 * </pre>
 *
 * where {@code mask} is {@code Cast(attention_mask, FLOAT)}; the output value is named {@code logits} or
 * {@code embedding}.
 *
 * Dropout is left out (the identity at inference). The output is not normalized: the student's contract
 * is the raw {@code [B, outputSize]} array, and a serving manifest asks for L2 normalization when an
 * embedding student was trained for cosine similarity.
 */
final class BagOfEmbeddingsGraph implements ArchitectureGraph {

    private final BagOfEmbeddingsConfig config;

    BagOfEmbeddingsGraph(BagOfEmbeddingsConfig config) {
        this.config = config;
    }

    @Override
    public void write(StudentGraph graph, String output) {
        StudentParameters parameters = graph.parameters();
        long in = this.config.embeddingDim();
        String embedded = graph.embeddingLookup("embedding_gather",
                parameters.own("embedding", this.config.vocabSize(), in), graph.tokenIds());
        String x = graph.maskedMean("pooled", embedded);
        List<Integer> hidden = this.config.hiddenSizes();
        for (int i = 1; i <= hidden.size(); i++) {
            String layer = "hidden" + i;
            long width = hidden.get(i - 1);
            x = graph.linear(layer, x, parameters.child(layer, "weight", width, in), parameters.child(layer, "bias", width));
            x = graph.activation(layer + "_" + this.config.activation().name().toLowerCase(Locale.ROOT),
                    this.config.activation(), x);
            in = width;
        }
        int out = this.config.outputSize();
        graph.linear("output", x, parameters.child("output", "weight", out, in), parameters.child("output", "bias", out),
                output);
    }
}
