package io.distill4j.engine.onnx.graph;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

import io.distill4j.api.ElementType;
import io.distill4j.api.TensorInfo;
import io.distill4j.engine.onnx.proto.GraphProto;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.proto.NodeProto;
import io.distill4j.engine.onnx.proto.OperatorSetIdProto;
import io.distill4j.engine.onnx.proto.StringStringEntryProto;
import io.distill4j.engine.onnx.proto.TensorProto;
import io.distill4j.engine.onnx.proto.TensorShapeProto;
import io.distill4j.engine.onnx.proto.TypeProto;
import io.distill4j.engine.onnx.proto.ValueInfoProto;

/**
 * Builds an ONNX model ({@link ModelProto}) in code: graph inputs and outputs, constant initializers
 * and operator nodes, added in topological order.
 *
 * <pre>{@code
 * ModelProto model = OnnxModelBuilder.create("add_and_scale")
 *         .opset("", 13)
 *         .input("x", ElementType.FLOAT32, "batch", 4)
 *         .initializer("two", new float[] {2f})
 *         .initializer("one", new float[] {1f})
 *         .node("Mul", List.of("x", "two"), List.of("scaled"))
 *         .node("Add", List.of("scaled", "one"), List.of("y"))
 *         .output("y", ElementType.FLOAT32, "batch", 4)
 *         .build();
 * }</pre>
 *
 * <p>Checks are cheap and immediate, each failing with an {@link IllegalArgumentException} that names
 * the offending value: inputs, initializers and node outputs share one namespace in which every name
 * is defined once; a node may only read values defined before it (so the graph is a DAG in
 * topological order); node names are unique. {@link #build()} then runs the checks that every model
 * Distill4j reads passes ({@link OnnxModelValidator}): among them, every graph output is defined, an
 * operator set is imported for every node's domain, and every tensor holds as much data as its shape
 * says. Shapes and operator semantics are not checked; ONNX Runtime does that when it loads the model.
 *
 * <p>The operator set of the default domain is {@value #DEFAULT_OPSET} unless {@link #opset} says
 * otherwise, the IR version {@value #DEFAULT_IR_VERSION}. A builder is not thread-safe and may build
 * several times; the built messages are immutable and owned by the caller.
 */
public final class OnnxModelBuilder {

    /** The IR version models get unless {@link #irVersion(long)} sets another (8: ONNX 1.10, 2021). */
    public static final long DEFAULT_IR_VERSION = 8;

    /** The operator set version of the default domain unless {@link #opset(String, long)} sets another. */
    public static final long DEFAULT_OPSET = 13;

    /** The producer name models get unless {@link #producer(String, String)} sets another. */
    public static final String DEFAULT_PRODUCER = "distill4j";

    private final String graphName;

    private long irVersion = DEFAULT_IR_VERSION;

    private final Map<String, Long> opsets = new LinkedHashMap<>();

    private String producerName = DEFAULT_PRODUCER;

    private String producerVersion = "";

    private String docString = "";

    private final Map<String, String> metadata = new LinkedHashMap<>();

    private final List<ValueInfoProto> inputs = new ArrayList<>();

    private final List<ValueInfoProto> outputs = new ArrayList<>();

    private final List<TensorProto> initializers = new ArrayList<>();

    private final List<NodeProto> nodes = new ArrayList<>();

    /** Names of values defined so far: graph inputs, initializers and node outputs. */
    private final Set<String> values = new HashSet<>();

    private final Set<String> outputNames = new HashSet<>();

    private final Set<String> nodeNames = new HashSet<>();

    private OnnxModelBuilder(String graphName) {
        this.graphName = NodeBuilder.requireNonEmpty(graphName, "graph name");
    }

    /** A builder for a model whose graph is named {@code main_graph}. */
    public static OnnxModelBuilder builder() {
        return create("main_graph");
    }

    /** A builder for a model whose graph is named {@code graphName}. */
    public static OnnxModelBuilder create(String graphName) {
        return new OnnxModelBuilder(graphName);
    }

    /** Sets the IR version ({@code ModelProto.ir_version}). */
    public OnnxModelBuilder irVersion(long irVersion) {
        if (irVersion < 1) {
            throw new IllegalArgumentException("IR version must be at least 1, got " + irVersion);
        }
        this.irVersion = irVersion;
        return this;
    }

    /**
     * Imports version {@code version} of the operator set {@code domain}, replacing an earlier import of
     * the same domain. The empty domain and {@code ai.onnx} both name the default operator set.
     */
    public OnnxModelBuilder opset(String domain, long version) {
        if (version < 1) {
            throw new IllegalArgumentException("Operator set version must be at least 1, got " + version);
        }
        this.opsets.put(normalizeDomain(domain), version);
        return this;
    }

    /** Sets the name and version of the tool that produced the model. */
    public OnnxModelBuilder producer(String name, String version) {
        this.producerName = Objects.requireNonNull(name, "name");
        this.producerVersion = Objects.requireNonNull(version, "version");
        return this;
    }

    /** Sets the model's documentation string. */
    public OnnxModelBuilder docString(String docString) {
        this.docString = Objects.requireNonNull(docString, "docString");
        return this;
    }

    /** Adds an entry to the model's {@code metadata_props}; keys must be unique. */
    public OnnxModelBuilder metadata(String key, String value) {
        NodeBuilder.requireNonEmpty(key, "metadata key");
        Objects.requireNonNull(value, "value");
        if (this.metadata.putIfAbsent(key, value) != null) {
            throw new IllegalArgumentException("Metadata key '" + key + "' is already set");
        }
        return this;
    }

    /**
     * Adds a tensor input to the graph.
     *
     * @param name the input's name, not yet defined in the graph
     * @param type the element type
     * @param dims the shape, one entry per dimension: an {@link Integer} or {@link Long} is a fixed size
     *     ({@value TensorInfo#DYNAMIC} an unnamed dynamic one), a {@link String} a named dynamic one
     *     ({@code dim_param}, for example {@code "batch"}); none makes a scalar
     */
    public OnnxModelBuilder input(String name, ElementType type, Object... dims) {
        define(name, "Graph input");
        this.inputs.add(valueInfo(name, type, dims));
        return this;
    }

    /** Adds a tensor input to the graph; dynamic dimensions are unnamed. */
    public OnnxModelBuilder input(TensorInfo info) {
        return input(info.name(), info.type(), info.shape().toArray());
    }

    /**
     * Declares a tensor output of the graph. The value must be defined (by an input, an initializer or a
     * node) by the time {@link #build()} is called.
     *
     * @param dims the shape, as for {@link #input(String, ElementType, Object...)}
     */
    public OnnxModelBuilder output(String name, ElementType type, Object... dims) {
        NodeBuilder.requireNonEmpty(name, "output name");
        if (!this.outputNames.add(name)) {
            throw new IllegalArgumentException("Graph '" + this.graphName + "' already has an output '" + name + "'");
        }
        this.outputs.add(valueInfo(name, type, dims));
        return this;
    }

    /** Declares a tensor output of the graph; dynamic dimensions are unnamed. */
    public OnnxModelBuilder output(TensorInfo info) {
        return output(info.name(), info.type(), info.shape().toArray());
    }

    /** Adds a {@code FLOAT} initializer; {@code data} is row-major and copied. */
    public OnnxModelBuilder initializer(String name, float[] data, long... dims) {
        return initializer(OnnxTensors.ofFloats(name, data, dims));
    }

    /** Adds an {@code INT64} initializer; {@code data} is row-major and copied. */
    public OnnxModelBuilder initializer(String name, long[] data, long... dims) {
        return initializer(OnnxTensors.ofLongs(name, data, dims));
    }

    /** Adds an {@code INT32} initializer; {@code data} is row-major and copied. */
    public OnnxModelBuilder initializer(String name, int[] data, long... dims) {
        return initializer(OnnxTensors.ofInts(name, data, dims));
    }

    /** Adds an initializer; the tensor's name must not yet be defined in the graph. */
    public OnnxModelBuilder initializer(TensorProto tensor) {
        define(tensor.getName(), "Initializer");
        this.initializers.add(tensor);
        return this;
    }

    /** Adds a node of the default domain without attributes. */
    public OnnxModelBuilder node(String opType, List<String> inputs, List<String> outputs) {
        return node(opType, inputs, outputs, n -> {
        });
    }

    /**
     * Adds a node.
     *
     * @param opType the operator, for example {@code MatMul}
     * @param inputs the values it reads, each defined before this node; an empty string is an absent
     *     optional input
     * @param outputs the values it defines, each new to the graph; an empty string is an absent optional
     *     output
     * @param attributes sets the node's attributes and, optionally, its name and domain
     */
    public OnnxModelBuilder node(String opType, List<String> inputs, List<String> outputs,
            Consumer<NodeBuilder> attributes) {
        NodeBuilder node = new NodeBuilder(NodeBuilder.requireNonEmpty(opType, "operator type"));
        attributes.accept(node);
        String nodeName = node.name().isEmpty() ? freshNodeName(opType) : node.name();
        String described = "node '" + nodeName + "' (" + opType + ")";
        // Check everything before changing anything, so that a rejected node leaves no trace.
        if (this.nodeNames.contains(nodeName)) {
            throw new IllegalArgumentException(
                    "Graph '" + this.graphName + "' already has a node named '" + nodeName + "'");
        }
        for (String input : inputs) {
            if (!input.isEmpty() && !this.values.contains(input)) {
                throw new IllegalArgumentException("The " + described + " reads '" + input
                        + "', which no graph input, initializer or earlier node defines");
            }
        }
        if (outputs.stream().allMatch(String::isEmpty)) {
            throw new IllegalArgumentException("The " + described + " has no outputs");
        }
        Set<String> newValues = new HashSet<>();
        for (String output : outputs) {
            if (!output.isEmpty() && (this.values.contains(output) || !newValues.add(output))) {
                throw new IllegalArgumentException("Output '" + output + "' of " + described
                        + " is already defined in graph '" + this.graphName + "'");
            }
        }
        this.nodeNames.add(nodeName);
        this.values.addAll(newValues);
        this.nodes.add(NodeProto.newBuilder()
                .setName(nodeName)
                .setOpType(opType)
                .setDomain(node.domain())
                .addAllInput(inputs)
                .addAllOutput(outputs)
                .addAllAttribute(node.attributes())
                .build());
        return this;
    }

    /**
     * Builds the model and checks it with {@link OnnxModelValidator} (the checks every model Distill4j
     * reads passes; tensors stored externally are not looked at).
     *
     * @throws IllegalArgumentException if the graph has no outputs, an output is not defined, a node
     *     uses a domain with no imported operator set, or another check of {@link OnnxModelValidator}
     *     fails
     */
    public ModelProto build() {
        Map<String, Long> imports = new LinkedHashMap<>();
        imports.put("", DEFAULT_OPSET);
        imports.putAll(this.opsets);
        GraphProto graph = GraphProto.newBuilder()
                .setName(this.graphName)
                .addAllInput(this.inputs)
                .addAllInitializer(this.initializers)
                .addAllNode(this.nodes)
                .addAllOutput(this.outputs)
                .build();
        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(this.irVersion)
                .setProducerName(this.producerName)
                .setProducerVersion(this.producerVersion)
                .setDocString(this.docString)
                .setGraph(graph);
        imports.forEach((domain, version) -> model.addOpsetImport(
                OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(version)));
        this.metadata.forEach((key, value) -> model.addMetadataProps(
                StringStringEntryProto.newBuilder().setKey(key).setValue(value)));
        ModelProto built = model.build();
        OnnxModelValidator.validate(built, OnnxModelValidator.ExternalDataCheck.UNCHECKED);
        return built;
    }

    /**
     * Builds the model and serializes it in the {@code .onnx} file format. To write a file, use
     * {@code OnnxModelWriter.write(builder.build(), path)}, which writes atomically.
     */
    public byte[] toByteArray() {
        return build().toByteArray();
    }

    static String normalizeDomain(String domain) {
        Objects.requireNonNull(domain, "domain");
        return "ai.onnx".equals(domain) ? "" : domain;
    }

    private void define(String name, String what) {
        NodeBuilder.requireNonEmpty(name, "value name");
        if (!this.values.add(name)) {
            throw new IllegalArgumentException(what + " '" + name + "' is already defined in graph '"
                    + this.graphName + "'");
        }
    }

    private String freshNodeName(String opType) {
        int index = this.nodes.size();
        String name = opType + "_" + index;
        while (this.nodeNames.contains(name)) {
            index++;
            name = opType + "_" + index;
        }
        return name;
    }

    private static ValueInfoProto valueInfo(String name, ElementType type, Object[] dims) {
        Objects.requireNonNull(type, "type");
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object dim : dims) {
            shape.addDim(dimension(name, dim));
        }
        TypeProto.Tensor tensorType = TypeProto.Tensor.newBuilder()
                .setElemType(OnnxElementType.toDataType(type).getNumber())
                .setShape(shape)
                .build();
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder().setTensorType(tensorType))
                .build();
    }

    private static TensorShapeProto.Dimension dimension(String name, Object dim) {
        if (dim instanceof String param) {
            return TensorShapeProto.Dimension.newBuilder()
                    .setDimParam(NodeBuilder.requireNonEmpty(param, "dimension name of '" + name + "'"))
                    .build();
        }
        if (dim instanceof Integer || dim instanceof Long) {
            long size = ((Number) dim).longValue();
            if (size == TensorInfo.DYNAMIC) {
                return TensorShapeProto.Dimension.getDefaultInstance();
            }
            if (size < 0) {
                throw new IllegalArgumentException("Tensor '" + name + "' has invalid dimension " + size);
            }
            return TensorShapeProto.Dimension.newBuilder().setDimValue(size).build();
        }
        throw new IllegalArgumentException("Tensor '" + name + "' has a dimension of type "
                + (dim == null ? "null" : dim.getClass().getSimpleName())
                + "; use an Integer or Long size (-1 for dynamic) or a String dimension name");
    }
}
