package io.distill4j.engine.onnx.compat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.distill4j.api.ElementType;
import io.distill4j.engine.onnx.ReportJson;
import io.distill4j.engine.onnx.graph.OnnxElementType;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.proto.TensorProto;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What an ONNX model is made of, as the first step of checking whether a runtime can execute it: the IR
 * version, the imported operator sets, the producer, every operator used (with how often, by which
 * nodes, and under which operator set version), the element types of the tensors whose type the model
 * records, the dynamic dimensions of the graph's inputs and outputs, the size of the initializers and
 * the external data files they refer to.
 *
 * <pre>{@code
 * ModelInventory inventory = ModelInventory.of(OnnxModelReader.ofDefaults().read(path));
 * System.out.println(inventory.toTable());
 * }</pre>
 *
 * <p>Operators are counted in the main graph and, recursively, in the subgraphs held by node attributes
 * (the branches of {@code If}, the bodies of {@code Loop} and {@code Scan}); the bodies of model-local
 * functions are not entered. Domains are normalized: {@code ai.onnx} is written as the empty default
 * domain {@code ""}. Element types and shapes are taken from what the main graph declares (inputs,
 * outputs, {@code value_info}, initializers); a node output the model gives no type is left out rather
 * than inferred. Initializers, their byte count and external data are collected from all graphs.
 *
 * <p>{@link Operator#importedOpsetVersion()} is the version of the operator set that the model imports
 * for the operator's domain, not the since-version of the operator's schema, which needs the ONNX
 * operator schema table.
 *
 * <p>An inventory is an immutable value that holds no reference to the model it was made from;
 * instances are thread-safe.
 *
 * @param irVersion the model's {@code ir_version}
 * @param opsetImports imported operator set version by domain, sorted by domain; the default domain is
 *     {@code ""}
 * @param producerName the tool that produced the model, may be empty
 * @param producerVersion the version of that tool, may be empty
 * @param operators every (domain, operator type) used, sorted by domain, then operator type
 * @param tensorTypes the main graph's tensors whose element type is recorded: inputs, outputs,
 *     {@code value_info} and initializers, in that order and in graph order within each
 * @param initializerCount initializers (dense and sparse) in all graphs
 * @param initializerBytes the bytes the initializers' data takes: elements × element size from their
 *     dims and data type, the string lengths for in-line {@code STRING} tensors
 * @param externalDataFiles the distinct {@code location}s of tensors stored as external data, sorted
 */
public record ModelInventory(long irVersion, Map<String, Long> opsetImports, String producerName,
        String producerVersion, List<Operator> operators, List<TensorType> tensorTypes, int initializerCount,
        long initializerBytes, List<String> externalDataFiles) {

    /** The operator domains treated as standard: the default domain, {@code ai.onnx.ml}, {@code com.microsoft}. */
    public static final Set<String> STANDARD_DOMAINS = Set.of("", "ai.onnx.ml", "com.microsoft");

    public ModelInventory {
        Objects.requireNonNull(producerName, "producerName");
        Objects.requireNonNull(producerVersion, "producerVersion");
        Map<String, Long> imports = new TreeMap<>();
        opsetImports.forEach((domain, version) -> imports.merge(normalizeDomain(domain), version, Math::max));
        opsetImports = Collections.unmodifiableMap(imports);
        operators = List.copyOf(operators);
        tensorTypes = List.copyOf(tensorTypes);
        externalDataFiles = List.copyOf(externalDataFiles);
        if (initializerCount < 0 || initializerBytes < 0) {
            throw new IllegalArgumentException("Initializer count and bytes must not be negative");
        }
    }

    /**
     * Takes the inventory of {@code model}. The model is not validated; read it with
     * {@code OnnxModelReader} first if it comes from outside.
     */
    public static ModelInventory of(ModelProto model) {
        return InventoryScanner.scan(Objects.requireNonNull(model, "model"));
    }

    /** {@code ai.onnx} as the default domain {@code ""}; other domains as they are. */
    static String normalizeDomain(String domain) {
        return "ai.onnx".equals(domain) ? "" : domain;
    }

    /** Whether {@code domain} is one of the {@link #STANDARD_DOMAINS} ({@code ai.onnx} included). */
    public static boolean isStandardDomain(String domain) {
        return STANDARD_DOMAINS.contains(normalizeDomain(domain));
    }

    /** The number of nodes, in all graphs. */
    public int nodeCount() {
        return this.operators.stream().mapToInt(Operator::count).sum();
    }

    /** The number of nodes running {@code opType} of {@code domain} ({@code ""} or {@code ai.onnx} for the default), 0 if none. */
    public int count(String domain, String opType) {
        return operator(domain, opType).map(Operator::count).orElse(0);
    }

    /** The usage of {@code opType} of {@code domain}, if the model uses it. */
    public Optional<Operator> operator(String domain, String opType) {
        String normalized = normalizeDomain(domain);
        return this.operators.stream()
                .filter(op -> op.domain().equals(normalized) && op.opType().equals(opType))
                .findFirst();
    }

    /** The operators from domains other than the {@link #STANDARD_DOMAINS}. */
    public List<Operator> nonStandardOperators() {
        return this.operators.stream().filter(op -> !op.standardDomain()).toList();
    }

    /** The recorded type of {@code name} in {@code role}, if the model records one. */
    public Optional<TensorType> tensorType(String name, TensorRole role) {
        return this.tensorTypes.stream().filter(t -> t.name().equals(name) && t.role() == role).findFirst();
    }

    /** The tensors of {@code role}, in graph order. */
    public List<TensorType> tensorTypes(TensorRole role) {
        return this.tensorTypes.stream().filter(t -> t.role() == role).toList();
    }

    /** The dimensions of graph inputs and outputs that have no fixed size, inputs first. */
    public List<DynamicDimension> dynamicDimensions() {
        List<DynamicDimension> dynamic = new ArrayList<>();
        for (TensorRole role : List.of(TensorRole.INPUT, TensorRole.OUTPUT)) {
            for (TensorType tensor : tensorTypes(role)) {
                for (int axis = 0; axis < tensor.dims().size(); axis++) {
                    String dim = tensor.dims().get(axis);
                    if (!isFixed(dim)) {
                        dynamic.add(new DynamicDimension(tensor.name(), role, axis,
                                TensorType.UNKNOWN_DIM.equals(dim) ? "" : dim));
                    }
                }
            }
        }
        return dynamic;
    }

    /** Whether any tensor keeps its data in an external file. */
    public boolean usesExternalData() {
        return !this.externalDataFiles.isEmpty();
    }

    /**
     * A plain-text (Markdown) table of the operators with their counts and imported operator set
     * versions, followed by one summary line per other fact.
     */
    public String toTable() {
        MarkdownTable table = new MarkdownTable(new String[] {"Domain", "Operator", "Count", "Opset imported"}, false,
                false, true, true);
        for (Operator op : this.operators) {
            table.row(displayDomain(op.domain()) + (op.standardDomain() ? "" : " (non-standard)"), op.opType(),
                    Integer.toString(op.count()),
                    op.importedOpsetVersion() > 0 ? Long.toString(op.importedOpsetVersion()) : "not imported");
        }
        StringBuilder out = new StringBuilder();
        table.appendTo(out);
        out.append('\n');
        out.append("IR version: ").append(this.irVersion).append('\n');
        out.append("Opset imports: ").append(this.opsetImports.entrySet().stream()
                .map(e -> displayDomain(e.getKey()) + " " + e.getValue())
                .collect(Collectors.joining(", "))).append('\n');
        out.append("Producer: ").append(orNone((this.producerName + " " + this.producerVersion).strip()))
                .append('\n');
        out.append("Nodes: ").append(nodeCount()).append(" (").append(this.operators.size())
                .append(" operator types)\n");
        out.append("Inputs: ").append(describe(tensorTypes(TensorRole.INPUT))).append('\n');
        out.append("Outputs: ").append(describe(tensorTypes(TensorRole.OUTPUT))).append('\n');
        out.append("Dynamic dimensions: ").append(orNone(dynamicDimensions().stream()
                .map(d -> d.tensor() + "[" + d.axis() + "]" + (d.named() ? "=" + d.param() : "=?"))
                .collect(Collectors.joining(", ")))).append('\n');
        out.append("Initializers: ").append(this.initializerCount).append(" (").append(this.initializerBytes)
                .append(" bytes)\n");
        out.append("External data: ").append(orNone(String.join(", ", this.externalDataFiles))).append('\n');
        out.append("Non-standard domains: ").append(orNone(nonStandardOperators().stream()
                .map(Operator::domain).distinct().collect(Collectors.joining(", ")))).append('\n');
        return out.toString();
    }

    /**
     * The inventory as a JSON object, with fields in a fixed order: {@code irVersion},
     * {@code opsetImports}, {@code producer}, {@code nodeCount}, {@code operators}, {@code tensors},
     * {@code dynamicDimensions}, {@code initializers}, {@code externalData}, {@code nonStandardDomains}.
     * The default domain is written as {@code ""}.
     */
    public String toJson() {
        ObjectNode root = ReportJson.mapper().createObjectNode();
        root.put("irVersion", this.irVersion);
        ObjectNode imports = root.putObject("opsetImports");
        this.opsetImports.forEach(imports::put);
        ObjectNode producer = root.putObject("producer");
        producer.put("name", this.producerName);
        producer.put("version", this.producerVersion);
        root.put("nodeCount", nodeCount());
        ArrayNode ops = root.putArray("operators");
        for (Operator op : this.operators) {
            ObjectNode node = ops.addObject();
            node.put("domain", op.domain());
            node.put("opType", op.opType());
            node.put("count", op.count());
            node.put("importedOpsetVersion", op.importedOpsetVersion());
            node.put("standardDomain", op.standardDomain());
            ArrayNode names = node.putArray("nodeNames");
            op.nodeNames().forEach(names::add);
        }
        ArrayNode tensors = root.putArray("tensors");
        for (TensorType tensor : this.tensorTypes) {
            ObjectNode node = tensors.addObject();
            node.put("name", tensor.name());
            node.put("role", tensor.role().name());
            node.put("dataType", tensor.dataType());
            ArrayNode dims = node.putArray("dims");
            tensor.dims().forEach(dims::add);
        }
        ArrayNode dynamic = root.putArray("dynamicDimensions");
        for (DynamicDimension dim : dynamicDimensions()) {
            ObjectNode node = dynamic.addObject();
            node.put("tensor", dim.tensor());
            node.put("role", dim.role().name());
            node.put("axis", dim.axis());
            node.put("param", dim.param());
        }
        ObjectNode initializers = root.putObject("initializers");
        initializers.put("count", this.initializerCount);
        initializers.put("bytes", this.initializerBytes);
        ObjectNode external = root.putObject("externalData");
        external.put("used", usesExternalData());
        ArrayNode files = external.putArray("files");
        this.externalDataFiles.forEach(files::add);
        ArrayNode domains = root.putArray("nonStandardDomains");
        nonStandardOperators().stream().map(Operator::domain).distinct().forEach(domains::add);
        return ReportJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    private static boolean isFixed(String dim) {
        return !dim.isEmpty() && dim.chars().allMatch(Character::isDigit);
    }

    private static String displayDomain(String domain) {
        return domain.isEmpty() ? "ai.onnx" : domain;
    }

    private static String orNone(String text) {
        return text.isEmpty() ? "none" : text;
    }

    private static String describe(List<TensorType> tensors) {
        return orNone(tensors.stream()
                .map(t -> t.name() + " " + t.dataType() + " [" + String.join(", ", t.dims()) + "]")
                .collect(Collectors.joining(", ")));
    }

    /**
     * One operator as the model uses it.
     *
     * @param domain the operator's domain, {@code ""} for the default domain
     * @param opType the operator type, for example {@code MatMul}
     * @param importedOpsetVersion the version of the operator set the model imports for {@code domain},
     *     which determines the operator's definition; 0 if the model imports none
     * @param count the number of nodes, in all graphs, running this operator
     * @param nodeNames the names of those nodes in the order visited (a graph's nodes before those of the
     *     subgraphs they hold); an unnamed node appears as {@code ""}
     */
    public record Operator(String domain, String opType, long importedOpsetVersion, int count,
            List<String> nodeNames) {

        public Operator {
            domain = normalizeDomain(Objects.requireNonNull(domain, "domain"));
            Objects.requireNonNull(opType, "opType");
            nodeNames = List.copyOf(nodeNames);
            if (count != nodeNames.size()) {
                throw new IllegalArgumentException("Operator " + opType + " has count " + count + " but "
                        + nodeNames.size() + " node names");
            }
        }

        /** Whether {@link #domain()} is one of {@link ModelInventory#STANDARD_DOMAINS}. */
        public boolean standardDomain() {
            return isStandardDomain(this.domain);
        }
    }

    /** Where in the main graph a tensor's type is declared. */
    public enum TensorRole {
        /** A graph input. */
        INPUT,
        /** A graph output. */
        OUTPUT,
        /** An entry of the graph's {@code value_info}. */
        VALUE_INFO,
        /** An initializer. */
        INITIALIZER
    }

    /**
     * The recorded type of one tensor.
     *
     * @param name the tensor's name
     * @param role where the type is declared
     * @param dataType the ONNX data type name ({@code FLOAT}, {@code INT64}, …), or its number if the
     *     code is not one this build knows
     * @param dims one entry per dimension: its size ({@code "384"}), its {@code dim_param} name
     *     ({@code "batch"}) or {@value #UNKNOWN_DIM} for a dimension with neither; empty for a scalar or
     *     a tensor whose shape is not recorded
     */
    public record TensorType(String name, TensorRole role, String dataType, List<String> dims) {

        /** How {@link #dims()} writes a dimension without size or name. */
        public static final String UNKNOWN_DIM = "?";

        public TensorType {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(dataType, "dataType");
            dims = List.copyOf(dims);
        }

        /** The Distill4j element type, empty for ONNX types Distill4j does not model. */
        public Optional<ElementType> elementType() {
            try {
                return Optional.of(OnnxElementType.toElementType(TensorProto.DataType.valueOf(this.dataType)
                        .getNumber()));
            }
            catch (IllegalArgumentException ex) {
                return Optional.empty();
            }
        }
    }

    /**
     * A dimension of a graph input or output without a fixed size.
     *
     * @param tensor the input or output
     * @param role {@link TensorRole#INPUT} or {@link TensorRole#OUTPUT}
     * @param axis the dimension's index
     * @param param its {@code dim_param} name, {@code ""} if it has none
     */
    public record DynamicDimension(String tensor, TensorRole role, int axis, String param) {

        public DynamicDimension {
            Objects.requireNonNull(tensor, "tensor");
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(param, "param");
        }

        /** Whether the dimension has a {@code dim_param} name. */
        public boolean named() {
            return !this.param.isEmpty();
        }
    }
}
