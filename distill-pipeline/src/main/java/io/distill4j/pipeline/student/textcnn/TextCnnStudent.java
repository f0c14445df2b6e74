package io.distill4j.pipeline.student.textcnn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import io.distill4j.pipeline.student.DenseHead;
import io.distill4j.pipeline.student.StudentBlock;
import io.distill4j.pipeline.student.StudentModel;

/**
 * A convolutional student after Kim (2014), "Convolutional Neural Networks for Sentence Classification":
 * convolutions of several widths over the token embeddings, each max-pooled over time, then an MLP.
 *
 * <pre>
 * mask   = float(attention_mask)                                        [B, T]
 * e      = embedding[input_ids] * mask[:, :, None], transposed           [B, D, T]   padding rows are zero
 * for each kernel size k, in order:
 *   c_k  = activation(conv_k(e padded on the right with k - 1 zeros))    [B, F, T]   one window per position
 *   p_k  = max_t(c_k + (mask - 1) * 1e9) * max_t(mask)                   [B, F]      masked max over time
 * h_0    = dropout(concat(p_k ...))                                      [B, F * K]
 * h_i    = dropout(activation(h_{i-1} W_i^T + b_i))
 * out    = h_n W_out^T + b_out                                           [B, outputSize]
 * </pre>
 *
 * <p><b>Windows and padding.</b> Each convolution is a valid (unpadded) 1-D convolution, stride 1, over the
 * time axis padded on the right with {@code k - 1} zero vectors, so that it has one window per position
 * {@code t}, covering tokens {@code t .. t + k - 1}, and a text shorter than {@code k} (even one token) still has
 * a window. Padding positions contribute zero vectors, whatever their ids; the window starting at {@code t}
 * takes part in the max only if position {@code t} is a real token (mask 1). So a text gives the same output
 * however far it is padded, on the right or on the left, and a window at the end of a text sees the text's
 * last tokens followed by zeros. A row whose mask is all zero has no window and pools to zeros (the
 * {@code max_t(mask)} factor); its output is the MLP applied to zeros.
 *
 * <p><b>Parameters</b>, in order: {@code embedding} {@code [vocabSize, embeddingDim]}; for each kernel size
 * {@code k} in configuration order the child {@code conv<k>} (for example {@code conv3}), a DJL {@link Conv1d}
 * with {@code weight [filters, embeddingDim, k]} and {@code bias [filters]}; for each hidden layer {@code i}
 * (from 1) the child {@code hidden<i>}'s {@code weight [out, in]} and {@code bias [out]}; then the child
 * {@code output}'s. The activation of the configuration follows every convolution and every hidden layer.
 *
 * <pre>{@code
 * TextCnnStudent student = TextCnnConfig.builder()
 *     .vocabSize(30522).embeddingDim(64).filters(64).kernelSizes(2, 3, 4).outputSize(2).build().newBlock();
 * try (StudentModel model = StudentModel.create(student, 42)) { ... }
 * }</pre>
 */
public final class TextCnnStudent extends StudentBlock {

    /**
     * What is added to a convolution's output at positions that are padding before the max over time: a
     * finite, large negative value, so that a real position always wins and a row without one stays finite
     * (and is then multiplied by zero).
     */
    public static final float MASK_PENALTY = 1e9f;

    private static final byte VERSION = 1;

    private final TextCnnConfig config;

    private final Parameter embedding;

    private final List<Conv1d> convolutions;

    private final DenseHead head;

    /** Builds an uninitialised block; prefer {@link TextCnnConfig#newBlock()}. */
    public TextCnnStudent(TextCnnConfig config) {
        super(VERSION);
        this.config = config;
        this.embedding = addEmbedding(config.vocabSize(), config.embeddingDim());
        List<Conv1d> convs = new ArrayList<>();
        for (int k : config.kernelSizes()) {
            convs.add(addChildBlock(convolutionName(k),
                    Conv1d.builder().setKernelShape(new Shape(k)).setFilters(config.filters()).build()));
        }
        this.convolutions = Collections.unmodifiableList(convs);
        this.head = addDenseHead(config.hiddenSizes(), config.outputSize());
    }

    /** The name of the child block that convolves windows of {@code kernelSize} tokens: {@code conv<kernelSize>}. */
    public static String convolutionName(int kernelSize) {
        return "conv" + kernelSize;
    }

    @Override
    public TextCnnConfig config() {
        return this.config;
    }

    @Override
    protected NDArray forward(ParameterStore parameterStore, NDArray inputIds, NDArray attentionMask, boolean training) {
        Device device = inputIds.getDevice();
        NDArray table = parameterStore.getValue(this.embedding, device, training);
        NDArray embedded = Embedding.embedding(inputIds, table, SparseFormat.DENSE).singletonOrThrow();
        NDArray mask = attentionMask.toType(table.getDataType(), false);
        NDArray tokens = embedded.mul(mask.expandDims(2)).transpose(0, 2, 1);
        NDArray penalty = mask.sub(1f).mul(MASK_PENALTY).expandDims(1);
        NDArray anyToken = mask.max(new int[] { 1 }, true);
        NDList pooled = new NDList(this.convolutions.size());
        for (int i = 0; i < this.convolutions.size(); i++) {
            int k = this.config.kernelSizes().get(i);
            NDArray x = tokens;
            if (k > 1) {
                Shape shape = tokens.getShape();
                x = tokens.concat(tokens.getManager().zeros(new Shape(shape.get(0), shape.get(1), k - 1),
                        tokens.getDataType(), device), 2);
            }
            NDArray features = convolve(parameterStore, this.convolutions.get(i), x, k, device, training);
            features = this.config.activation().apply(features);
            pooled.add(features.add(penalty).max(new int[] { 2 }).mul(anyToken));
        }
        NDArray features = dropout(pooled.size() == 1 ? pooled.head() : NDArrays.concat(pooled, 1),
                this.config.dropout(), training);
        return this.head.forward(parameterStore, features, this.config.activation(), this.config.dropout(), training);
    }

    /**
     * The valid convolution of {@code x} {@code [B, D, T + k - 1]} with {@code conv}'s weight {@code [F, D, k]} and
     * bias, as one matrix product: the {@code k} shifted windows of every position side by side,
     * {@code [B * T, D * k]}, times the flattened weight, {@code [D * k, F]}; the result is {@code [B, F, T]}. The
     * same arithmetic as the {@code Conv} of the exported graph, without libtorch's convolution kernel: on an AMD
     * EPYC (Zen 5, AVX-512) machine libtorch 2.7.1's conv1d gave a block of NaNs in its input's gradient in a
     * few percent of calls at small shapes (4 % of [8, 12, 14] inputs with kernel 3; any thread count or MKL
     * instruction set), which turned a TextCNN student's embedding to NaN within a few steps. Measured there,
     * this costs 1.4–1.7 × the kernel's time per forward and backward at [32, 64, 64] with 64 filters.
     */
    private static NDArray convolve(ParameterStore parameterStore, Conv1d conv, NDArray x, int k, Device device,
            boolean training) {
        NDArray weight = parameterStore.getValue(conv.getParameters().get("weight"), device, training);
        NDArray bias = parameterStore.getValue(conv.getParameters().get("bias"), device, training);
        Shape shape = x.getShape();
        long batch = shape.get(0);
        long channels = shape.get(1);
        long positions = shape.get(2) - k + 1;
        long filters = weight.getShape().get(0);
        NDArray timeMajor = x.transpose(0, 2, 1);
        NDList windows = new NDList(k);
        for (int j = 0; j < k; j++) {
            windows.add(timeMajor.get(":, {}:{}, :", j, j + positions));
        }
        // [B, T, D, k] -> [B * T, D * k]: channel-major, window offset minor, as the weight's [F, D, k] flattens.
        NDArray rows = NDArrays.stack(windows, 3).reshape(batch * positions, channels * k);
        return rows.matMul(weight.reshape(filters, channels * k).transpose()).add(bias)
                .reshape(batch, positions, filters).transpose(0, 2, 1);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long batch = inputShapes[0].get(0);
        for (int i = 0; i < this.convolutions.size(); i++) {
            int k = this.config.kernelSizes().get(i);
            this.convolutions.get(i).initialize(manager, dataType, new Shape(batch, this.config.embeddingDim(), k));
        }
        this.head.initialize(manager, dataType, batch, this.config.pooledWidth());
    }
}
