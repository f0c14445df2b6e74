package io.distill4j.pipeline.export;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.distill4j.engine.onnx.graph.NodeBuilder;
import io.distill4j.engine.onnx.graph.OnnxModelBuilder;
import io.distill4j.engine.onnx.graph.OnnxTensors;
import io.distill4j.engine.onnx.proto.TensorProto;
import io.distill4j.pipeline.student.HiddenActivation;
import io.distill4j.pipeline.student.StudentBlock;

/**
 * The operators students are made of, written into an {@link OnnxModelBuilder} in the forms ONNX
 * Runtime and the INT8 quantizer expect; every {@link ArchitectureGraph} builds from these, so that the
 * same DJL operation is always exported the same way. Each method adds its nodes and returns the name
 * of the value it produced; a node and its output share a name, which the caller chooses.
 *
 * <ul>
 * <li>embedding lookups are {@code Gather(table, ids)} on axis 0 with a constant table, which the
 * quantizer stores as uint8;</li>
 * <li>a DJL {@code Linear} on a {@code [batch, in]} input is {@code Gemm(x, W, b, transB = 1)} with
 * {@code W} in DJL's own {@code [out, in]} layout, which the quantizer transposes and stores as int8; on
 * a {@code [batch, sequence, in]} input ({@code Gemm} takes only matrices) it is
 * {@code Add(MatMul(x, W^T), b)} with the constant {@code W^T [in, out]}, which the quantizer stores as
 * int8 as it is, and ONNX Runtime fuses with the bias;</li>
 * <li>layer normalization over the last axis is {@code LayerNormalization} from opset 17, and before it
 * the explicit {@code ReduceMean}/{@code Sub}/{@code Pow}/{@code Sqrt}/{@code Div} form PyTorch exports,
 * which ONNX Runtime fuses into the same kernel;</li>
 * <li>reductions and {@code Unsqueeze} take {@code axes} as an input (opset 13 and later);</li>
 * <li>GELU is the exact erf form {@code 0.5 * x * (1 + erf(x / sqrt 2))}, node for node as PyTorch
 * exports it before opset 20, which ONNX Runtime fuses into its own GELU kernel.</li>
 * </ul>
 *
 * <p>Not thread-safe; one instance per export.
 */
public final class StudentGraph {

    /** Name of the dynamic batch dimension of inputs and output. */
    static final String BATCH = "batch";

    /** Name of the dynamic sequence dimension of the inputs. */
    static final String SEQUENCE = "sequence";

    private static final float SQRT_2 = (float) Math.sqrt(2.0);

    private final OnnxModelBuilder builder;

    private final StudentParameters parameters;

    private final long[] vocabularyRemap;

    private final int opset;

    private final Map<String, String> constants = new HashMap<>();

    private String tokenIds;

    private String floatMask;

    private String positionIds;

    /**
     * @param builder the model being built, with the graph inputs already declared
     * @param parameters where the architecture reads its weights from
     * @param vocabularyRemap {@code null}, or a table from the tokenizer's ids to the rows of a pruned
     *     embedding table (see {@link #tokenIds()})
     * @param opset the {@code ai.onnx} operator set the model imports
     */
    StudentGraph(OnnxModelBuilder builder, StudentParameters parameters, long[] vocabularyRemap, int opset) {
        this.builder = builder;
        this.parameters = parameters;
        this.vocabularyRemap = vocabularyRemap;
        this.opset = opset;
    }

    public StudentParameters parameters() {
        return this.parameters;
    }

    /** The {@code ai.onnx} operator set the model imports. */
    public int opset() {
        return this.opset;
    }

    /**
     * The token ids the embedding table is indexed with: the {@code input_ids} input itself, or, where
     * the student's vocabulary was pruned, {@code Gather(token_id_remap, input_ids)}, which maps each
     * tokenizer id to its row of the smaller table, so that the exported model still takes the
     * tokenizer's ids. This is the one place vocabulary pruning plugs into the graphs; the table comes from
     * {@link ExportOptions#vocabularyRemap()}, built by {@code io.distill4j.pipeline.vocab.VocabularyPruning}
     * (which chooses the rows and maps unseen ids to the unknown token's row).
     */
    public String tokenIds() {
        if (this.tokenIds == null) {
            if (this.vocabularyRemap == null) {
                this.tokenIds = StudentBlock.INPUT_IDS;
            }
            else {
                String table = initializer(OnnxTensors.ofLongs("token_id_remap", this.vocabularyRemap,
                        this.vocabularyRemap.length));
                this.tokenIds = node("Gather", "token_id_remap_gather", List.of(table, StudentBlock.INPUT_IDS),
                        n -> n.intAttribute("axis", 0));
            }
        }
        return this.tokenIds;
    }

    /** The attention mask as float {@code [batch, sequence]}: {@code Cast(attention_mask, FLOAT)}, added once. */
    public String floatMask() {
        if (this.floatMask == null) {
            this.floatMask = node("Cast", "attention_mask_float", List.of(StudentBlock.ATTENTION_MASK),
                    n -> n.intAttribute("to", TensorProto.DataType.FLOAT.getNumber()));
        }
        return this.floatMask;
    }

    /**
     * The positions {@code 0 .. sequence - 1} as int64 {@code [sequence]}, added once:
     * {@code Range(0, Gather(Shape(input_ids), 1), 1)}.
     */
    public String positionIds() {
        if (this.positionIds == null) {
            String shape = node("Shape", "input_ids_shape", List.of(StudentBlock.INPUT_IDS));
            String length = node("Gather", "sequence_length", List.of(shape, longScalar(1)),
                    n -> n.intAttribute("axis", 0));
            this.positionIds = node("Range", "position_ids", List.of(longScalar(0), length, longScalar(1)));
        }
        return this.positionIds;
    }

    /** Adds a parameter as a float initializer named as the parameter. */
    public String initializer(StudentParameters.Weights weights) {
        return initializer(OnnxTensors.ofFloats(weights.name(), weights.values(), weights.dims()));
    }

    /** {@code Gather(table, ids)} on axis 0: the rows of {@code table} for each id. */
    public String embeddingLookup(String name, StudentParameters.Weights table, String ids) {
        return node("Gather", name, List.of(initializer(table), ids), n -> n.intAttribute("axis", 0));
    }

    /**
     * The mean of {@code tokens [batch, sequence, width]} over the positions where the attention mask is
     * 1, {@code [batch, width]}: {@code ReduceSum(tokens * mask) / max(ReduceSum(mask), 1)}, so a row
     * whose mask is all zero pools to zeros, as the students compute it.
     */
    public String maskedMean(String name, String tokens) {
        String mask = floatMask();
        String mask3 = node("Unsqueeze", name + "_mask", List.of(mask, axes(2)));
        String masked = node("Mul", name + "_masked", List.of(tokens, mask3));
        String sum = node("ReduceSum", name + "_sum", List.of(masked, axes(1)), n -> n.intAttribute("keepdims", 0));
        String count = node("ReduceSum", name + "_count", List.of(mask, axes(1)), n -> n.intAttribute("keepdims", 1));
        String clamped = node("Max", name + "_count_at_least_one", List.of(count, constant(1f)));
        return node("Div", name, List.of(sum, clamped));
    }

    /**
     * A DJL {@code Linear} on {@code x [batch, in]}: {@code Gemm(x, weight, bias, transB = 1)} with the
     * weight {@code [out, in]} as DJL keeps it.
     */
    public String linear(String name, String x, StudentParameters.Weights weight, StudentParameters.Weights bias) {
        return linear(name, x, weight, bias, name);
    }

    /**
     * {@link #linear(String, String, StudentParameters.Weights, StudentParameters.Weights)} into the value
     * {@code output}, for example a graph output.
     */
    public String linear(String name, String x, StudentParameters.Weights weight, StudentParameters.Weights bias,
            String output) {
        String w = initializer(weight);
        String b = initializer(bias);
        this.builder.node("Gemm", List.of(x, w, b), List.of(output), n -> n.name(name).intAttribute("transB", 1));
        return output;
    }

    /**
     * A DJL {@code Linear} on {@code x [..., in]} of any rank: {@code Add(MatMul(x, W^T), bias)}, the
     * weight stored transposed as a constant {@code [in, out]} (under the parameter's name) so that the
     * quantizer reads it as a {@code MatMul} weight. The {@code MatMul} is named {@code name_matmul}.
     */
    public String dense(String name, String x, StudentParameters.Weights weight, StudentParameters.Weights bias) {
        String product = node("MatMul", name + "_matmul", List.of(x, initializer(weight.transposed())));
        return node("Add", name, List.of(product, initializer(bias)));
    }

    /**
     * Layer normalization of {@code x} over its last axis, as DJL's {@code LayerNorm} (PyTorch's
     * {@code layer_norm}, biased variance): {@code (x - mean) / sqrt(var + epsilon) * gamma + beta}.
     * One {@code LayerNormalization} node from opset 17; the explicit form before it.
     */
    public String layerNorm(String name, String x, StudentParameters.Weights gamma, StudentParameters.Weights beta,
            float epsilon) {
        String scale = initializer(gamma);
        String shift = initializer(beta);
        if (this.opset >= 17) {
            return node("LayerNormalization", name, List.of(x, scale, shift),
                    n -> n.intAttribute("axis", -1).floatAttribute("epsilon", epsilon));
        }
        // Before opset 18, ReduceMean takes its axes as an attribute.
        String mean = node("ReduceMean", name + "_mean", List.of(x), n -> n.intsAttribute("axes", -1));
        String centered = node("Sub", name + "_centered", List.of(x, mean));
        String squared = node("Pow", name + "_squared", List.of(centered, constant(2f)));
        String variance = node("ReduceMean", name + "_variance", List.of(squared), n -> n.intsAttribute("axes", -1));
        String shifted = node("Add", name + "_variance_eps", List.of(variance, constant(epsilon)));
        String deviation = node("Sqrt", name + "_deviation", List.of(shifted));
        String normalized = node("Div", name + "_normalized", List.of(centered, deviation));
        String scaled = node("Mul", name + "_scaled", List.of(normalized, scale));
        return node("Add", name, List.of(scaled, shift));
    }

    /** {@code MatMul(a, b)} of two computed values (a batched matrix product). */
    public String matMul(String name, String a, String b) {
        return node("MatMul", name, List.of(a, b));
    }

    /** {@code Reshape(x, shape)} with a constant shape, where 0 copies the input's dimension. */
    public String reshape(String name, String x, long... shape) {
        return node("Reshape", name, List.of(x, longs("shape", shape)));
    }

    /** {@code Transpose(x, perm)}. */
    public String transpose(String name, String x, long... perm) {
        return node("Transpose", name, List.of(x), n -> n.intsAttribute("perm", perm));
    }

    /** {@code Unsqueeze(x, axes)}. */
    public String unsqueeze(String name, String x, long... axes) {
        return node("Unsqueeze", name, List.of(x, longs("axes", axes)));
    }

    /** {@code Softmax} over the last axis. */
    public String softmax(String name, String x) {
        return node("Softmax", name, List.of(x), n -> n.intAttribute("axis", -1));
    }

    /** The first position of {@code tokens [batch, sequence, width]}, {@code [batch, width]}: {@code Gather} on axis 1. */
    public String firstToken(String name, String tokens) {
        return node("Gather", name, List.of(tokens, longScalar(0)), n -> n.intAttribute("axis", 1));
    }

    /** The activation applied element-wise; its nodes are named from {@code name}. */
    public String activation(String name, HiddenActivation activation, String x) {
        return switch (activation) {
            case RELU -> node("Relu", name, List.of(x));
            case GELU -> gelu(name, x);
        };
    }

    /** Exact GELU, {@code 0.5 * x * (1 + erf(x / sqrt 2))}, as PyTorch exports it before opset 20. */
    public String gelu(String name, String x) {
        String scaled = node("Div", name + "_div", List.of(x, constant(SQRT_2)));
        String erf = node("Erf", name + "_erf", List.of(scaled));
        String onePlus = node("Add", name + "_add", List.of(erf, constant(1f)));
        String times = node("Mul", name + "_mul", List.of(x, onePlus));
        return node("Mul", name, List.of(times, constant(0.5f)));
    }

    // ---- Convolution over time and masked max-over-time (TextCNN) -------------------------------------

    /**
     * {@code tokens [batch, sequence, width]} with the rows of padding positions set to zero:
     * {@code Mul(tokens, Unsqueeze(mask, 2))}.
     */
    public String zeroPadding(String name, String tokens) {
        String mask3 = node("Unsqueeze", name + "_mask", List.of(floatMask(), axes(2)));
        return node("Mul", name, List.of(tokens, mask3));
    }

    /**
     * A DJL {@code Conv1d} (stride 1, no dilation, one group) on {@code x [batch, channels, time]}:
     * {@code Conv(x, weight [filters, channels, k], bias [filters])} with the weight as DJL keeps it, after
     * {@code padEnd} zeros appended to the time axis, which the node's own {@code pads = [0, padEnd]} attribute
     * does (ONNX pads a convolution's input with zeros, on each side separately). The result is
     * {@code [batch, filters, time + padEnd - k + 1]}. The quantizer leaves {@code Conv} in float.
     */
    public String conv1d(String name, String x, StudentParameters.Weights weight, StudentParameters.Weights bias,
            long padEnd) {
        long kernel = weight.dims()[2];
        return node("Conv", name, List.of(x, initializer(weight), initializer(bias)), n -> n
            .intsAttribute("kernel_shape", kernel)
            .intsAttribute("pads", 0, padEnd)
            .intsAttribute("strides", 1)
            .intsAttribute("dilations", 1)
            .intAttribute("group", 1));
    }

    /**
     * The maximum of {@code values [batch, channels, sequence]} over the positions where the attention mask
     * is 1, {@code [batch, channels]}, as the TextCNN student computes it:
     * {@code ReduceMax(values + Unsqueeze((mask - 1) * penalty, 1), axes = [2]) * ReduceMax(mask, axes = [1])}.
     * A padding position gets {@code -penalty} added and cannot win over a real one; a row without any real
     * position is multiplied by zero. The penalty and the row factor are added once per graph, so every
     * call in one graph must pass the same penalty.
     * {@code ReduceMax} takes {@code axes} as an attribute up to opset 17.
     */
    public String maskedMaxOverTime(String name, String values, float penalty) {
        String timePenalty = this.constants.get("time_mask_penalty");
        if (timePenalty == null) {
            String shifted = node("Sub", "time_mask_shifted", List.of(floatMask(), constant(1f)));
            String scaled = node("Mul", "time_mask_scaled", List.of(shifted, constant(penalty)));
            timePenalty = node("Unsqueeze", "time_mask_penalty", List.of(scaled, axes(1)));
            this.constants.put("time_mask_penalty", timePenalty);
        }
        String anyToken = this.constants.get("time_mask_any");
        if (anyToken == null) {
            anyToken = node("ReduceMax", "time_mask_any", List.of(floatMask()), n -> n
                .intsAttribute("axes", 1)
                .intAttribute("keepdims", 1));
            this.constants.put("time_mask_any", anyToken);
        }
        String penalised = node("Add", name + "_penalised", List.of(values, timePenalty));
        String max = node("ReduceMax", name + "_reduce", List.of(penalised), n -> n
            .intsAttribute("axes", 2)
            .intAttribute("keepdims", 0));
        return node("Mul", name, List.of(max, anyToken));
    }

    /** {@code Concat(inputs, axis)}. */
    public String concat(String name, long axis, List<String> inputs) {
        return node("Concat", name, inputs, n -> n.intAttribute("axis", axis));
    }

    // ---- end of the TextCNN block ------------------------------------------------------------------------

    /** Adds a node without attributes named {@code name} whose single output is also named {@code name}. */
    public String node(String opType, String name, List<String> inputs) {
        return node(opType, name, inputs, n -> {
        });
    }

    /** Adds a node named {@code name} whose single output is also named {@code name}. */
    public String node(String opType, String name, List<String> inputs, Consumer<NodeBuilder> attributes) {
        this.builder.node(opType, inputs, List.of(name), n -> attributes.accept(n.name(name)));
        return name;
    }

    private String initializer(TensorProto tensor) {
        this.builder.initializer(tensor);
        return tensor.getName();
    }

    /** A float scalar, added once per value. */
    public String constant(float value) {
        String name = "const_" + Float.toString(value).replace('.', '_').replace('-', 'm');
        return this.constants.computeIfAbsent(name,
                key -> initializer(OnnxTensors.ofFloats(key, new float[] {value})));
    }

    /** A one-element int64 {@code axes} tensor, added once per axis. */
    private String axes(long axis) {
        return longs("axes", axis);
    }

    /** A 1-D int64 tensor named from {@code kind} and its values, added once per name. */
    private String longs(String kind, long... values) {
        StringBuilder name = new StringBuilder(kind);
        for (long value : values) {
            name.append('_').append(Long.toString(value).replace('-', 'm'));
        }
        return this.constants.computeIfAbsent(name.toString(),
                key -> initializer(OnnxTensors.ofLongs(key, values.clone(), values.length)));
    }

    /** An int64 scalar, added once per value. */
    private String longScalar(long value) {
        return this.constants.computeIfAbsent("const_i64_" + Long.toString(value).replace('-', 'm'),
                key -> initializer(OnnxTensors.ofLongs(key, new long[] {value})));
    }
}
