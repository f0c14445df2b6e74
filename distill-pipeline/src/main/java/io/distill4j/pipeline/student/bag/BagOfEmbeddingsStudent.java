package io.distill4j.pipeline.student.bag;


import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import io.distill4j.pipeline.student.DenseHead;
import io.distill4j.pipeline.student.StudentBlock;
import io.distill4j.pipeline.student.StudentModel;

/**
 * The smallest student: average the embeddings of the real tokens, then an MLP.
 *
 * <pre>
 * e      = embedding[input_ids]                                   [B, T, D]   (ONNX Gather)
 * pooled = sum_t(e * mask) / max(sum_t(mask), 1)                  [B, D]      masked mean
 * h_i    = dropout(activation(h_{i-1} W_i^T + b_i)), h_0 = dropout(pooled)
 * out    = h_n W_out^T + b_out                                    [B, outputSize]
 * </pre>
 *
 * A row whose mask is all zero pools to the zero vector. Parameters, in order: {@code embedding}
 * {@code [vocabSize, embeddingDim]}, then for each hidden layer {@code i} (from 1) the child
 * {@code hidden<i>}'s {@code weight [out, in]} and {@code bias [out]}, then the child {@code output}'s.
 *
 * <pre>{@code
 * BagOfEmbeddingsStudent student = BagOfEmbeddingsConfig.builder()
 *     .vocabSize(30522).embeddingDim(64).hiddenSizes(128).outputSize(2).build().newBlock();
 * try (StudentModel model = StudentModel.create(student, 42)) { ... }
 * }</pre>
 */
public final class BagOfEmbeddingsStudent extends StudentBlock {

    private static final byte VERSION = 1;

    private final BagOfEmbeddingsConfig config;

    private final Parameter embedding;

    private final DenseHead head;

    /** Builds an uninitialised block; prefer {@link BagOfEmbeddingsConfig#newBlock()}. */
    public BagOfEmbeddingsStudent(BagOfEmbeddingsConfig config) {
        super(VERSION);
        this.config = config;
        this.embedding = addEmbedding(config.vocabSize(), config.embeddingDim());
        this.head = addDenseHead(config.hiddenSizes(), config.outputSize());
    }

    @Override
    public BagOfEmbeddingsConfig config() {
        return this.config;
    }

    @Override
    protected NDArray forward(ParameterStore parameterStore, NDArray inputIds, NDArray attentionMask, boolean training) {
        Device device = inputIds.getDevice();
        NDArray table = parameterStore.getValue(this.embedding, device, training);
        NDArray embedded = Embedding.embedding(inputIds, table, SparseFormat.DENSE).singletonOrThrow();
        NDArray mask = attentionMask.toType(table.getDataType(), false).expandDims(2);
        NDArray pooled = embedded.mul(mask).sum(new int[] { 1 }).div(mask.sum(new int[] { 1 }).maximum(1f));
        return this.head.forward(parameterStore, dropout(pooled, this.config.dropout(), training),
                this.config.activation(), this.config.dropout(), training);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        this.head.initialize(manager, dataType, inputShapes[0].get(0), this.config.embeddingDim());
    }
}
