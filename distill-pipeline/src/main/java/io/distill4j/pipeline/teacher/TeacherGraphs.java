package io.distill4j.pipeline.teacher;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

import io.distill4j.engine.onnx.graph.OnnxModelValidator;
import io.distill4j.engine.onnx.graph.OnnxTensors;
import io.distill4j.engine.onnx.proto.AttributeProto;
import io.distill4j.engine.onnx.proto.GraphProto;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.proto.NodeProto;
import io.distill4j.engine.onnx.proto.StringStringEntryProto;
import io.distill4j.engine.onnx.proto.TensorProto;
import io.distill4j.engine.onnx.proto.TensorShapeProto;
import io.distill4j.engine.onnx.proto.TypeProto;
import io.distill4j.engine.onnx.proto.ValueInfoProto;
import io.distill4j.engine.text.Pooling;
import tools.jackson.databind.json.JsonMapper;

/**
 * Graph surgery for teachers: an ONNX text encoder ({@code input_ids}, {@code attention_mask} →
 * {@code [batch, sequence, hidden]}) plus a {@link ClassificationHead} fitted on its pooled embeddings
 * become one classifier graph with a {@code logits} output, which the engine serves as a
 * {@code text-classification} model and the teacher stage runs like any ONNX classifier.
 *
 * <pre>{@code
 * ModelProto encoder = OnnxModelReader.ofDefaults().read(Path.of("minilm/model.onnx"));
 * ModelProto teacher = TeacherGraphs.encoderWithHead(encoder, Pooling.MEAN, true, head);
 * OnnxModelWriter.write(teacher, Path.of("teacher/model.onnx"));
 * }</pre>
 *
 * <p>The appended nodes compute exactly what the engine's {@code TextHeads.pool} does: the mean of the
 * token vectors where the attention mask is 1 (count clamped to at least 1), or the first token's vector
 * for {@link Pooling#CLS}; then, if asked, L2 normalization (a zero vector stays zero); then
 * {@code Gemm(x, W, b, transB = 1)}. Only operators that every opset from 11 on defines the same way are
 * used, with {@code axes} as an attribute before opset 13 and as an input from 13 on.
 */
public final class TeacherGraphs {

    /** The name of the classifier output. */
    public static final String LOGITS = "logits";

    /** Metadata key holding the head's labels as a JSON array, in logit order. */
    public static final String LABELS_METADATA = "distill4j.labels";

    private static final String HEAD_WEIGHT = "distill4j_head_weight";

    private static final String HEAD_BIAS = "distill4j_head_bias";

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private TeacherGraphs() {
    }

    /**
     * The encoder's graph with pooling, optional normalization and the head appended; the graph's only
     * output becomes {@value #LOGITS} {@code [batch, classes]}. The encoder's first output must be the
     * {@code [batch, sequence, hidden]} token embeddings with {@code hidden == head.hidden()}.
     *
     * @throws IllegalArgumentException if the encoder has no {@code attention_mask} input, its first
     *     output is not a rank-3 float tensor of the head's width, or the names this method adds are taken
     */
    public static ModelProto encoderWithHead(ModelProto encoder, Pooling pooling, boolean normalize,
            ClassificationHead head) {
        Objects.requireNonNull(encoder, "encoder");
        Objects.requireNonNull(pooling, "pooling");
        Objects.requireNonNull(head, "head");
        GraphProto graph = encoder.getGraph();
        if (graph.getOutputCount() == 0) {
            throw new IllegalArgumentException("The encoder graph has no output");
        }
        ValueInfoProto hidden = graph.getOutput(0);
        checkHiddenOutput(hidden, head.hidden());
        boolean hasMask = graph.getInputList().stream().anyMatch(v -> v.getName().equals("attention_mask"));
        if (pooling == Pooling.MEAN && !hasMask) {
            throw new IllegalArgumentException("Mean pooling needs the encoder's 'attention_mask' input; inputs are "
                    + graph.getInputList().stream().map(ValueInfoProto::getName).toList());
        }
        long opset = encoder.getOpsetImportList().stream()
                .filter(o -> o.getDomain().isEmpty() || "ai.onnx".equals(o.getDomain()))
                .mapToLong(o -> o.getVersion()).max().orElse(0);
        if (opset < 11) {
            throw new IllegalArgumentException("The encoder imports ai.onnx opset " + opset + "; 11 or later is needed");
        }
        Appender graphOut = new Appender(graph, opset >= 13);
        String pooled;
        if (pooling == Pooling.CLS) {
            // hidden[:, 0, :]: Gather with a scalar index drops axis 1.
            String index = graphOut.initializer(OnnxTensors.ofLongs("distill4j_head_cls_index", new long[] {0}));
            pooled = graphOut.node("Gather", List.of(hidden.getName(), index), "distill4j_head_cls",
                    n -> n.addAttribute(intAttribute("axis", 1)));
        }
        else {
            String mask = graphOut.node("Cast", List.of("attention_mask"), "distill4j_head_mask",
                    n -> n.addAttribute(intAttribute("to", TensorProto.DataType.FLOAT.getNumber())));
            String mask3 = graphOut.reduce("Unsqueeze", mask, 2, null);
            String masked = graphOut.node("Mul", List.of(hidden.getName(), mask3), "distill4j_head_masked", n -> {
            });
            String sum = graphOut.reduce("ReduceSum", masked, 1, 0L);
            String count = graphOut.reduce("ReduceSum", mask, 1, 1L);
            String one = graphOut.initializer(OnnxTensors.ofFloats("distill4j_head_one", new float[] {1f}));
            String clamped = graphOut.node("Max", List.of(count, one), "distill4j_head_count", n -> {
            });
            pooled = graphOut.node("Div", List.of(sum, clamped), "distill4j_head_mean", n -> {
            });
        }
        if (normalize) {
            String squared = graphOut.node("Mul", List.of(pooled, pooled), "distill4j_head_squared", n -> {
            });
            String sumSquares = graphOut.reduce("ReduceSum", squared, 1, 1L);
            String norm = graphOut.node("Sqrt", List.of(sumSquares), "distill4j_head_norm", n -> {
            });
            String tiny = graphOut.initializer(OnnxTensors.ofFloats("distill4j_head_tiny", new float[] {1e-12f}));
            String safe = graphOut.node("Max", List.of(norm, tiny), "distill4j_head_safe_norm", n -> {
            });
            pooled = graphOut.node("Div", List.of(pooled, safe), "distill4j_head_normalized", n -> {
            });
        }
        float[] flat = new float[head.classes() * head.hidden()];
        for (int c = 0; c < head.classes(); c++) {
            System.arraycopy(head.weights()[c], 0, flat, c * head.hidden(), head.hidden());
        }
        String weights = graphOut.initializer(OnnxTensors.ofFloats(HEAD_WEIGHT, flat, head.classes(),
                head.hidden()));
        String bias = graphOut.initializer(OnnxTensors.ofFloats(HEAD_BIAS, head.bias(), head.classes()));
        graphOut.node("Gemm", List.of(pooled, weights, bias), LOGITS, n -> n.addAttribute(intAttribute("transB", 1)),
                LOGITS);
        ValueInfoProto logits = ValueInfoProto.newBuilder().setName(LOGITS)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT.getNumber())
                        .setShape(TensorShapeProto.newBuilder()
                                .addDim(batchDimension(hidden))
                                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(head.classes())))))
                .build();
        GraphProto.Builder result = graph.toBuilder().clearOutput().addOutput(logits)
                .addAllNode(graphOut.nodes).addAllInitializer(graphOut.initializers);
        ModelProto model = encoder.toBuilder().setGraph(result)
                .addMetadataProps(StringStringEntryProto.newBuilder().setKey(LABELS_METADATA)
                        .setValue(MAPPER.writeValueAsString(head.labels())))
                .build();
        OnnxModelValidator.validate(model, OnnxModelValidator.ExternalDataCheck.UNCHECKED);
        return model;
    }

    /**
     * The head that {@link #encoderWithHead} appended to {@code teacher}, read back from the graph's
     * initializers and the labels' metadata: {@code head.logits(pooled)} computes in Java what the graph
     * computes after pooling.
     *
     * @throws IllegalArgumentException if {@code teacher} has no such head
     */
    public static ClassificationHead head(ModelProto teacher) {
        Objects.requireNonNull(teacher, "teacher");
        TensorProto weight = initializer(teacher, HEAD_WEIGHT);
        TensorProto bias = initializer(teacher, HEAD_BIAS);
        String labels = teacher.getMetadataPropsList().stream().filter(p -> p.getKey().equals(LABELS_METADATA))
                .map(StringStringEntryProto::getValue).findFirst().orElseThrow(() -> new IllegalArgumentException(
                        "teacher: no '" + LABELS_METADATA + "' metadata; it was not written by encoderWithHead"));
        if (weight.getDimsCount() != 2) {
            throw new IllegalArgumentException("teacher: '" + HEAD_WEIGHT + "' must be [classes, hidden], it has dims "
                    + weight.getDimsList());
        }
        int classes = (int) weight.getDims(0);
        int hidden = (int) weight.getDims(1);
        float[] flat = OnnxTensors.toFloats(weight);
        float[][] weights = new float[classes][hidden];
        for (int c = 0; c < classes; c++) {
            System.arraycopy(flat, c * hidden, weights[c], 0, hidden);
        }
        return new ClassificationHead(weights, OnnxTensors.toFloats(bias), List.of(MAPPER.readValue(labels,
                String[].class)));
    }

    private static TensorProto initializer(ModelProto model, String name) {
        return model.getGraph().getInitializerList().stream().filter(t -> t.getName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("teacher: no initializer '" + name
                        + "'; it was not written by encoderWithHead"));
    }

    private static void checkHiddenOutput(ValueInfoProto hidden, int width) {
        TypeProto.Tensor type = hidden.getType().getTensorType();
        if (type.getElemType() != TensorProto.DataType.FLOAT.getNumber()) {
            throw new IllegalArgumentException("The encoder's first output '" + hidden.getName()
                    + "' must be FLOAT token embeddings, its element type is " + type.getElemType());
        }
        if (type.hasShape()) {
            List<TensorShapeProto.Dimension> dims = type.getShape().getDimList();
            if (dims.size() != 3) {
                throw new IllegalArgumentException("The encoder's first output '" + hidden.getName()
                        + "' must be [batch, sequence, hidden], it has rank " + dims.size());
            }
            if (dims.get(2).hasDimValue() && dims.get(2).getDimValue() != width) {
                throw new IllegalArgumentException("The encoder's output width is " + dims.get(2).getDimValue()
                        + " but the head reads " + width + " values");
            }
        }
    }

    private static TensorShapeProto.Dimension batchDimension(ValueInfoProto hidden) {
        TypeProto.Tensor type = hidden.getType().getTensorType();
        if (type.hasShape() && type.getShape().getDimCount() > 0) {
            return type.getShape().getDim(0);
        }
        return TensorShapeProto.Dimension.newBuilder().setDimParam("batch").build();
    }

    private static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    /** Collects the appended nodes and initializers, refusing names the encoder already uses. */
    private static final class Appender {

        private final Set<String> taken = new HashSet<>();

        private final boolean axesAsInput;

        private final List<NodeProto> nodes = new ArrayList<>();

        private final List<TensorProto> initializers = new ArrayList<>();

        Appender(GraphProto graph, boolean axesAsInput) {
            this.axesAsInput = axesAsInput;
            graph.getInputList().forEach(v -> this.taken.add(v.getName()));
            graph.getInitializerList().forEach(t -> this.taken.add(t.getName()));
            for (NodeProto node : graph.getNodeList()) {
                this.taken.add(node.getName());
                this.taken.addAll(node.getOutputList());
            }
        }

        String initializer(TensorProto tensor) {
            claim(tensor.getName());
            this.initializers.add(tensor);
            return tensor.getName();
        }

        String node(String opType, List<String> inputs, String name, Consumer<NodeProto.Builder> attributes) {
            return node(opType, inputs, name, attributes, name + "_output");
        }

        String node(String opType, List<String> inputs, String name, Consumer<NodeProto.Builder> attributes,
                String output) {
            claim(name);
            if (!output.equals(name)) {
                claim(output);
            }
            NodeProto.Builder node = NodeProto.newBuilder().setOpType(opType).setName(name).addAllInput(inputs)
                    .addOutput(output);
            attributes.accept(node);
            this.nodes.add(node.build());
            return output;
        }

        /** {@code ReduceSum} or {@code Unsqueeze} over one axis, in the form the opset wants. */
        String reduce(String opType, String input, long axis, Long keepDims) {
            String name = "distill4j_head_" + opType.toLowerCase(Locale.ROOT) + "_" + this.nodes.size();
            List<String> inputs = new ArrayList<>(List.of(input));
            if (this.axesAsInput) {
                inputs.add(initializer(OnnxTensors.ofLongs(name + "_axes", new long[] {axis}, 1)));
            }
            return node(opType, inputs, name, n -> {
                if (!this.axesAsInput) {
                    n.addAttribute(AttributeProto.newBuilder().setName("axes").setType(AttributeProto.AttributeType.INTS)
                            .addInts(axis));
                }
                if (keepDims != null) {
                    n.addAttribute(intAttribute("keepdims", keepDims));
                }
            });
        }

        private void claim(String name) {
            if (!this.taken.add(name)) {
                throw new IllegalArgumentException("The encoder already uses the name '" + name
                        + "' that the head graph adds");
            }
        }
    }
}
