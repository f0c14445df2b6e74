package io.distill4j.pipeline.student.transformer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.pipeline.student.LayeredBlock;
import io.distill4j.pipeline.student.StudentBlock;
import io.distill4j.pipeline.student.StudentModel;

/**
 * A small BERT-style Transformer encoder (post-LayerNorm, learned absolute positions), pooled to one
 * vector and projected to {@code outputSize}. With {@code H = hiddenSize}, {@code n = heads},
 * {@code d = H / n}, {@code mask} the attention mask as float and every {@code Linear} {@code x W^T + b}:
 *
 * <pre>
 * x      = LayerNorm(word_embeddings[input_ids] + position_embeddings[0 .. T-1])    [B, T, H]
 * bias   = (1 - mask) * MASK_VALUE, as [B, 1, 1, T]                                additive attention mask
 * for each layer i (from 0):
 *   q, k, v = Linear(x), split into n heads                                         [B, n, T, d]
 *   p       = softmax(q k^T / sqrt(d) + bias) over the last axis                    [B, n, T, T]
 *   a       = Linear(p v, heads merged back)                                        [B, T, H]
 *   x       = LayerNorm(x + a)
 *   x       = LayerNorm(x + Linear_out(activation(Linear_intermediate(x))))
 * pooled = masked mean of x over T (MEAN), or x[:, 0] (CLS)                          [B, H]
 * out    = Linear(pooled)                                                            [B, outputSize]
 * </pre>
 *
 * {@link #forwardWithInternals} runs the same computation and also returns every {@code x} (after the
 * embeddings' LayerNorm and after each layer) and every {@code p} (before dropout), for intermediate-layer
 * distillation; the ordinary forward pass, the parameters and the exported graph do not change.
 *
 * <p>In training, dropout acts on the embeddings (after their LayerNorm), the attention probabilities
 * {@code p}, each attention and feed-forward output before its residual sum, and the pooled vector.
 * {@link #MASK_VALUE} is the lowest finite float, as in current BERT code: a padded key gets exactly
 * zero attention, so the padding of a row never changes its real tokens' vectors, and a row whose mask is
 * all zero attends uniformly to every position (its MEAN pool is the zero vector).
 *
 * <p><b>Sequence length.</b> Rows longer than {@link TransformerConfig#maxPositions()} have no position
 * embedding; the block refuses them with an {@link InvalidInputException} on {@code input_ids} that
 * names the limit. (The exported ONNX graph fails in ONNX Runtime instead, at its position lookup.)
 *
 * <p><b>Parameters</b>, in order, named after their BERT counterparts so that importing a BERT-family
 * encoder's weights is a mapping of names. Own parameters: {@code word_embeddings [vocabSize, H]},
 * {@code position_embeddings [maxPositions, H]}. Child blocks (DJL {@code Linear} with {@code weight
 * [out, in]} and {@code bias [out]}, DJL {@code LayerNorm} with {@code gamma [H]} and {@code beta [H]}):
 * {@code embeddings_norm}, then for each layer {@code i} from 0: {@code layer<i>_attention_query},
 * {@code layer<i>_attention_key}, {@code layer<i>_attention_value}, {@code layer<i>_attention_output},
 * {@code layer<i>_attention_norm}, {@code layer<i>_intermediate [I, H]}, {@code layer<i>_output [H, I]},
 * {@code layer<i>_output_norm}; last the output layer {@code output [outputSize, H]}. BERT's
 * {@code token_type_embeddings} are left out: a BERT import with single-segment input adds its row 0 to
 * every row of {@code position_embeddings}.
 *
 * <pre>{@code
 * TransformerStudent student = TransformerConfig.builder().vocabSize(30522).hiddenSize(128).layers(2)
 *     .heads(2).intermediateSize(512).outputSize(2).build().newBlock();
 * try (StudentModel model = StudentModel.create(student, 42)) { ... }
 * }</pre>
 */
public final class TransformerStudent extends StudentBlock implements LayeredBlock {

    /** What a padded key adds to the attention scores: the lowest finite float, {@code -Float.MAX_VALUE}. */
    public static final float MASK_VALUE = -Float.MAX_VALUE;

    private static final byte VERSION = 1;

    private final TransformerConfig config;

    private final Parameter wordEmbeddings;

    private final Parameter positionEmbeddings;

    private final LayerNorm embeddingsNorm;

    private final List<Layer> layers;

    private final Linear output;

    /** Builds an uninitialised block; prefer {@link TransformerConfig#newBlock()}. */
    public TransformerStudent(TransformerConfig config) {
        super(VERSION);
        this.config = config;
        int hidden = config.hiddenSize();
        this.wordEmbeddings = addParameter(Parameter.builder()
            .setName("word_embeddings")
            .setType(Parameter.Type.WEIGHT)
            .optShape(new Shape(config.vocabSize(), hidden))
            .build());
        this.positionEmbeddings = addParameter(Parameter.builder()
            .setName("position_embeddings")
            .setType(Parameter.Type.WEIGHT)
            .optShape(new Shape(config.maxPositions(), hidden))
            .build());
        this.embeddingsNorm = addChildBlock("embeddings_norm", layerNorm());
        List<Layer> encoder = new ArrayList<>();
        for (int i = 0; i < config.layers(); i++) {
            String prefix = "layer" + i + "_";
            encoder.add(new Layer(
                    addChildBlock(prefix + "attention_query", linear(hidden)),
                    addChildBlock(prefix + "attention_key", linear(hidden)),
                    addChildBlock(prefix + "attention_value", linear(hidden)),
                    addChildBlock(prefix + "attention_output", linear(hidden)),
                    addChildBlock(prefix + "attention_norm", layerNorm()),
                    addChildBlock(prefix + "intermediate", linear(config.intermediateSize())),
                    addChildBlock(prefix + "output", linear(hidden)),
                    addChildBlock(prefix + "output_norm", layerNorm())));
        }
        this.layers = Collections.unmodifiableList(encoder);
        this.output = addChildBlock("output", linear(config.outputSize()));
    }

    private static Linear linear(int units) {
        return Linear.builder().setUnits(units).build();
    }

    private LayerNorm layerNorm() {
        return LayerNorm.builder().optEpsilon(this.config.layerNormEpsilon()).build();
    }

    @Override
    public TransformerConfig config() {
        return this.config;
    }

    @Override
    public int layers() {
        return this.config.layers();
    }

    @Override
    public int hiddenSize() {
        return this.config.hiddenSize();
    }

    @Override
    public int heads() {
        return this.config.heads();
    }

    @Override
    protected NDArray forward(ParameterStore parameterStore, NDArray inputIds, NDArray attentionMask, boolean training) {
        return encode(parameterStore, inputIds, attentionMask, training, null);
    }

    /**
     * {@inheritDoc} The hidden states are {@code x} after the embeddings' LayerNorm (before dropout) and
     * after each layer's output LayerNorm; the attention probabilities are {@code p} before dropout.
     */
    @Override
    public NDList forwardWithInternals(ParameterStore parameterStore, NDList inputs, boolean training) {
        NDList checked = checkInputs(inputs);
        NDList hidden = new NDList(this.config.layers() + 1);
        NDList attention = new NDList(this.config.layers());
        NDArray out = encode(parameterStore, checked.get(0), checked.get(1), training, new NDList[] {hidden, attention});
        NDList all = new NDList(out);
        all.addAll(hidden);
        all.addAll(attention);
        return all;
    }

    /**
     * The forward pass; when {@code internals} is given, its first list receives the hidden states and its
     * second the attention probabilities, computed anyway, so the output is the same either way.
     */
    private NDArray encode(ParameterStore parameterStore, NDArray inputIds, NDArray attentionMask, boolean training,
            NDList[] internals) {
        Shape shape = inputIds.getShape();
        long batch = shape.get(0);
        long length = shape.get(1);
        if (length > this.config.maxPositions()) {
            throw new InvalidInputException(null, INPUT_IDS, "sequences may be at most maxPositions ("
                    + this.config.maxPositions() + ") tokens long, got " + length);
        }
        Device device = inputIds.getDevice();
        NDArray words = Embedding.embedding(inputIds, parameterStore.getValue(this.wordEmbeddings, device, training),
                SparseFormat.DENSE).singletonOrThrow();
        NDArray positionIds = inputIds.getManager().arange(0, (int) length, 1, DataType.INT64, device);
        NDArray positions = Embedding.embedding(positionIds,
                parameterStore.getValue(this.positionEmbeddings, device, training), SparseFormat.DENSE).singletonOrThrow();
        NDArray embedded = apply(this.embeddingsNorm, parameterStore, words.add(positions), training);
        if (internals != null) {
            internals[0].add(embedded);
        }
        NDArray x = dropout(embedded, this.config.dropout(), training);

        NDArray mask = attentionMask.toType(words.getDataType(), false);
        NDArray attentionBias = mask.neg().add(1f).mul(MASK_VALUE).reshape(batch, 1, 1, length);
        int heads = this.config.heads();
        int headSize = this.config.headSize();
        float scale = (float) Math.sqrt(headSize);
        for (Layer layer : this.layers) {
            NDArray query = apply(layer.query(), parameterStore, x, training).reshape(batch, length, heads, headSize)
                .transpose(0, 2, 1, 3);
            NDArray key = apply(layer.key(), parameterStore, x, training).reshape(batch, length, heads, headSize)
                .transpose(0, 2, 3, 1);
            NDArray value = apply(layer.value(), parameterStore, x, training).reshape(batch, length, heads, headSize)
                .transpose(0, 2, 1, 3);
            // The scale as a PyTorch-owned scalar: DJL's div(Number) frees its Java-backed scalar while autograd
            // still holds it for the backward pass.
            NDArray scores = query.matMul(key).div(x.getManager().full(new Shape(), scale, x.getDataType()))
                .add(attentionBias);
            NDArray distribution = scores.softmax(-1);
            if (internals != null) {
                internals[1].add(distribution);
            }
            NDArray probabilities = dropout(distribution, this.config.dropout(), training);
            NDArray context = probabilities.matMul(value).transpose(0, 2, 1, 3)
                .reshape(batch, length, this.config.hiddenSize());
            NDArray attended = dropout(apply(layer.attentionOutput(), parameterStore, context, training),
                    this.config.dropout(), training);
            x = apply(layer.attentionNorm(), parameterStore, x.add(attended), training);
            NDArray intermediate = this.config.activation()
                .apply(apply(layer.intermediate(), parameterStore, x, training));
            NDArray fed = dropout(apply(layer.output(), parameterStore, intermediate, training), this.config.dropout(), training);
            x = apply(layer.outputNorm(), parameterStore, x.add(fed), training);
            if (internals != null) {
                internals[0].add(x);
            }
        }

        NDArray pooled = switch (this.config.pooling()) {
            case MEAN -> {
                NDArray mask3 = mask.expandDims(2);
                yield x.mul(mask3).sum(new int[] { 1 }).div(mask3.sum(new int[] { 1 }).maximum(1f));
            }
            case CLS -> x.get(new NDIndex(":, 0, :"));
        };
        return apply(this.output, parameterStore, dropout(pooled, this.config.dropout(), training), training);
    }

    private static NDArray apply(Block block, ParameterStore parameterStore, NDArray x, boolean training) {
        return block.forward(parameterStore, new NDList(x), training).singletonOrThrow();
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long batch = inputShapes[0].get(0);
        Shape hidden = new Shape(batch, this.config.hiddenSize());
        this.embeddingsNorm.initialize(manager, dataType, hidden);
        for (Layer layer : this.layers) {
            layer.query().initialize(manager, dataType, hidden);
            layer.key().initialize(manager, dataType, hidden);
            layer.value().initialize(manager, dataType, hidden);
            layer.attentionOutput().initialize(manager, dataType, hidden);
            layer.attentionNorm().initialize(manager, dataType, hidden);
            layer.intermediate().initialize(manager, dataType, hidden);
            layer.output().initialize(manager, dataType, new Shape(batch, this.config.intermediateSize()));
            layer.outputNorm().initialize(manager, dataType, hidden);
        }
        this.output.initialize(manager, dataType, hidden);
    }

    /** The child blocks of one encoder layer. */
    private record Layer(Linear query, Linear key, Linear value, Linear attentionOutput, LayerNorm attentionNorm,
            Linear intermediate, Linear output, LayerNorm outputNorm) {
    }
}
