package io.distill4j.engine.onnx.compat;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.distill4j.engine.onnx.compat.CompatibilityReport.Finding;
import io.distill4j.engine.onnx.compat.CompatibilityReport.Reason;
import io.distill4j.engine.onnx.compat.CompatibilityReport.Severity;
import io.distill4j.engine.onnx.compat.KernelTable.Kernel;
import io.distill4j.engine.onnx.proto.AttributeProto;
import io.distill4j.engine.onnx.proto.FunctionProto;
import io.distill4j.engine.onnx.proto.GraphProto;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.proto.NodeProto;
import io.distill4j.engine.onnx.proto.OperatorSetIdProto;
import io.distill4j.engine.onnx.proto.SparseTensorProto;
import io.distill4j.engine.onnx.proto.TensorProto;
import io.distill4j.engine.session.ExecutionProvider;

/**
 * Checks whether ONNX Runtime can run a model on a {@link CompatibilityTarget}, node by node, against the
 * kernel tables of the target's providers ({@link KernelTable}):
 *
 * <pre>{@code
 * CompatibilityReport report = CompatibilityChecker.check(OnnxModelReader.ofDefaults().read(path),
 *         CompatibilityTarget.cuda());
 * System.out.println(report.toTable());
 * }</pre>
 *
 * <p>Each node goes to the first provider of the target that has a kernel for its domain, operator and
 * the operator set version the model imports for that domain, and, where the element types of the
 * node's inputs are known, a kernel that accepts them. A node that leaves the preferred provider is a
 * fallback (a warning); a node no provider has a kernel for is an error. Known element types are those
 * the model declares (graph inputs, initializers, {@code value_info}, graph outputs), propagated
 * through operators with fixed output types ({@code Cast} to its {@code to}, {@code Shape} to int64,
 * {@code DynamicQuantizeLinear} to uint8, {@code MatMulInteger} to int32, {@code QuantizeLinear} to its
 * zero point's type, {@code DequantizeLinear} to its scale's, a {@code Constant} to its value's …) and
 * through kernels whose output constraint is also an input's; a type that is not known is not judged,
 * and neither is an input the kernel table cannot type (see {@link Kernel#signatureMatchesTypes()}).
 * The resolved since-version of each node's operator is taken from the CPU kernel table: the since of
 * the CPU kernel serving the imported opset.
 *
 * <p>Known traps are checked explicitly, each with its own {@link Reason}:
 * <ul>
 * <li>integer-quantized operators ({@code MatMulInteger}, {@code ConvInteger},
 * {@code DynamicQuantizeLinear}, {@code QLinear*}, and {@code com.microsoft}'s
 * {@code DynamicQuantizeMatMul}, {@code MatMulIntegerToFloat}, {@code QAttention},
 * {@code QEmbedLayerNormalization}, {@code QGemm}, {@code QLinear*} …) on a target with CUDA: ONNX
 * Runtime has no CUDA kernels for dynamic quantization, so they run on CPU and INT8 there is slower
 * than fp32 ({@link Reason#QUANTIZED_ON_CUDA}, a warning);
 * <li>quantization operators in a model importing {@code ai.onnx} below opset 10, which introduced them
 * ({@link Reason#QUANTIZED_BELOW_OPSET_10});
 * <li>operators from a domain other than {@code ai.onnx}, {@code ai.onnx.ml} and {@code com.microsoft}
 * (and the internal layout domains ONNX Runtime's own optimizer writes, such as
 * {@code com.microsoft.nchwc}, where a provider's table has them), which need a custom-op library
 * ({@link Reason#CUSTOM_DOMAIN});
 * <li>an {@code ai.onnx} opset outside the target's range ({@link Reason#OPSET_OUT_OF_RANGE}) and a
 * node domain without an operator set import ({@link Reason#DOMAIN_NOT_IMPORTED}).
 * </ul>
 *
 * <p>Nodes in subgraphs (the branches of {@code If}, the bodies of {@code Loop} and {@code Scan}) are
 * checked too, with the types of the enclosing graphs in scope. A call of a model-local function is
 * inlined by ONNX Runtime, so the function's nodes are checked instead, once per function. A
 * {@code Constant} node needs no kernel: ONNX Runtime turns it into an initializer.
 *
 * <p>Limits: the tables say which kernels exist, not which nodes ONNX Runtime's graph optimizations
 * fuse or rewrite, nor which ONNX operators it can expand from their schema's function body when it has
 * no kernel (such a node is reported {@link Reason#NO_KERNEL}; a {@link Preflight} settles it). The
 * check holds no native resource and does not load ONNX Runtime; it is stateless and thread-safe.
 */
public final class CompatibilityChecker {

    /** The {@code ai.onnx} operators of quantization, which operator set 10 introduced. */
    static final Set<String> QUANTIZATION_OPS = Set.of("QuantizeLinear", "DequantizeLinear", "MatMulInteger",
            "ConvInteger", "QLinearConv", "QLinearMatMul", "DynamicQuantizeLinear");

    /** The {@code ai.onnx} integer-quantized operators (besides every {@code QLinear*}). */
    static final Set<String> INTEGER_ONNX_OPS = Set.of("MatMulInteger", "ConvInteger", "DynamicQuantizeLinear");

    /** The {@code com.microsoft} integer-quantized operators (besides every {@code QLinear*}). */
    static final Set<String> INTEGER_MICROSOFT_OPS = Set.of("DynamicQuantizeMatMul", "DynamicQuantizeLSTM",
            "MatMulIntegerToFloat", "QAttention", "QEmbedLayerNormalization", "QGemm", "QuantizeBFP",
            "DequantizeBFP");

    private static final String QUANTIZED_ON_CUDA_MESSAGE = "ONNX Runtime has no CUDA kernels for dynamic "
            + "quantization: integer-quantized nodes run on CPU, with copies between GPU and host, so an INT8 model on "
            + "CUDA is slower than fp32; serve the fp32 model on CUDA and INT8 on CPU.";

    private final CompatibilityTarget target;

    private final Map<ExecutionProvider, KernelTable> tables = new EnumMap<>(ExecutionProvider.class);

    private final KernelTable cpu;

    /** Model-local functions by {@code domain:name}. */
    private final Map<String, FunctionProto> functions = new HashMap<>();

    private final Set<String> checkedFunctions = new HashSet<>();

    private final List<Finding> findings = new ArrayList<>();

    private CompatibilityChecker(CompatibilityTarget target) {
        this.target = target;
        for (ExecutionProvider provider : target.providers()) {
            this.tables.put(provider, KernelTable.of(provider));
        }
        this.cpu = this.tables.get(ExecutionProvider.CPU);
    }

    /**
     * Checks {@code model} against {@code target}. The model is not validated; read it with
     * {@code OnnxModelReader} first if it comes from outside.
     */
    public static CompatibilityReport check(ModelProto model, CompatibilityTarget target) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(target, "target");
        CompatibilityChecker checker = new CompatibilityChecker(target);
        Map<String, Long> imports = imports(model.getOpsetImportList());
        checker.checkOpset(imports);
        for (FunctionProto function : model.getFunctionsList()) {
            checker.functions.putIfAbsent(key(function.getDomain(), function.getName()), function);
        }
        checker.walk(model.getGraph(), "", new TypeScope(null), imports);
        return new CompatibilityReport(target, imports, checker.findings, List.of());
    }

    private static Map<String, Long> imports(List<OperatorSetIdProto> opsets) {
        Map<String, Long> imports = new TreeMap<>();
        for (OperatorSetIdProto opset : opsets) {
            imports.merge(ModelInventory.normalizeDomain(opset.getDomain()), opset.getVersion(), Math::max);
        }
        return imports;
    }

    private static String key(String domain, String name) {
        return ModelInventory.normalizeDomain(domain) + ":" + name;
    }

    private void checkOpset(Map<String, Long> imports) {
        Long version = imports.get("");
        if (version == null) {
            this.findings.add(Finding.ofModel(Severity.ERROR, Reason.OPSET_OUT_OF_RANGE, null,
                    "The model imports no ai.onnx operator set; the target takes opsets " + this.target.minOpset()
                            + " to " + this.target.maxOpset()));
        }
        else if (version < this.target.minOpset()) {
            this.findings.add(Finding.ofModel(Severity.ERROR, Reason.OPSET_OUT_OF_RANGE, null,
                    "The model imports ai.onnx opset " + version + ", below the target's lowest, "
                            + this.target.minOpset() + ": convert it to a newer opset before serving it"));
        }
        else if (version > this.target.maxOpset()) {
            this.findings.add(Finding.ofModel(Severity.ERROR, Reason.OPSET_OUT_OF_RANGE, null,
                    "The model imports ai.onnx opset " + version + ", above the target's highest, "
                            + this.target.maxOpset() + " (the newest the ONNX Runtime in the build implements, "
                            + "unless the target says otherwise): export it for an older opset"));
        }
    }

    /** Checks the nodes of {@code graph}, each followed by the subgraphs it holds. */
    private void walk(GraphProto graph, String path, TypeScope outer, Map<String, Long> imports) {
        TypeScope scope = new TypeScope(outer);
        graph.getInputList().forEach(scope::declare);
        for (TensorProto initializer : graph.getInitializerList()) {
            scope.put(initializer.getName(), TypeScope.typeName(initializer.getDataType()));
        }
        for (SparseTensorProto sparse : graph.getSparseInitializerList()) {
            scope.put(sparse.getValues().getName(), TypeScope.typeName(sparse.getValues().getDataType()));
        }
        graph.getValueInfoList().forEach(scope::declare);
        graph.getOutputList().forEach(scope::declare);
        for (NodeProto node : graph.getNodeList()) {
            checkNode(node, path, scope, imports);
            for (AttributeProto attribute : node.getAttributeList()) {
                List<GraphProto> subgraphs = new ArrayList<>(attribute.getGraphsList());
                if (attribute.hasG()) {
                    subgraphs.add(0, attribute.getG());
                }
                for (GraphProto sub : subgraphs) {
                    String holder = node.getName().isEmpty() ? node.getOpType() : node.getName();
                    walk(sub, (path.isEmpty() ? "" : path + "/") + holder + "/" + attribute.getName(), scope, imports);
                }
            }
        }
    }

    private void checkNode(NodeProto node, String graph, TypeScope scope, Map<String, Long> imports) {
        String domain = ModelInventory.normalizeDomain(node.getDomain());
        String op = node.getOpType();
        List<String> inputTypes = new ArrayList<>(node.getInputCount());
        for (String input : node.getInputList()) {
            inputTypes.add(input.isEmpty() ? null : scope.get(input));
        }
        FunctionProto function = this.functions.get(key(domain, op));
        if (function != null) {
            add(node, graph, 0, null, Severity.INFO, Reason.LOCAL_FUNCTION, "A call of the model-local function "
                    + display(domain) + "." + op + ", which ONNX Runtime inlines; its nodes are checked instead");
            checkFunction(function, inputTypes, imports);
            return;
        }
        Long version = imports.get(domain);
        if (version == null) {
            add(node, graph, 0, null, Severity.ERROR, Reason.DOMAIN_NOT_IMPORTED, "The operator's domain "
                    + display(domain) + " has no operator set import in the model, so no version of " + op
                    + " can be resolved");
            return;
        }
        if (!ModelInventory.isStandardDomain(domain) && this.tables.values().stream().noneMatch(t -> t.hasDomain(domain))) {
            add(node, graph, 0, null, Severity.ERROR, Reason.CUSTOM_DOMAIN, "Operator " + op + " is from the "
                    + "non-standard domain '" + domain + "': ONNX Runtime has no kernel for it, and a custom-op library "
                    + "that implements it would be needed (registered with SessionOptions.registerCustomOpLibrary)");
            return;
        }
        if (domain.isEmpty() && QUANTIZATION_OPS.contains(op) && version < 10) {
            add(node, graph, 0, null, Severity.ERROR, Reason.QUANTIZED_BELOW_OPSET_10, "Quantization operator " + op
                    + " in a model that imports ai.onnx opset " + version + ": ONNX added quantization in opset 10, "
                    + "so ONNX Runtime cannot resolve it; export or convert the model to opset 10 or later");
            return;
        }
        long since = this.cpu.lookup(domain, op, version).stream().mapToLong(Kernel::since).max().orElse(0);
        Placement placement = place(domain, op, version, inputTypes);
        if (placement.provider == null && domain.isEmpty() && op.equals("Constant")) {
            add(node, graph, since, null, Severity.INFO, Reason.CONSTANT_FOLDED, "ONNX Runtime turns Constant nodes "
                    + "into initializers when it loads the model; no kernel is needed");
            scope.inferConstant(node);
            return;
        }
        Kernel typing = placement.kernel != null ? placement.kernel
                : this.cpu.lookup(domain, op, version).stream().findFirst().orElse(null);
        scope.inferOutputs(node, typing, inputTypes);
        String operator = display(domain) + " " + op + " (opset " + version + ")";
        if (placement.provider == null) {
            if (placement.typeRejections.isEmpty()) {
                add(node, graph, since, null, Severity.ERROR, Reason.NO_KERNEL, "No provider of the target ("
                        + providerNames() + ") has a kernel for " + operator + ", so ONNX Runtime cannot run this node; "
                        + otherVersions(domain, op));
            }
            else {
                add(node, graph, since, null, Severity.ERROR, Reason.UNSUPPORTED_TYPE, "ONNX Runtime has kernels for "
                        + operator + ", but none takes this node's input types: "
                        + String.join("; ", placement.typeRejections));
            }
            return;
        }
        boolean preferred = placement.provider == this.target.preferred();
        if (integerQuantized(domain, op) && this.target.includes(ExecutionProvider.CUDA)) {
            add(node, graph, since, placement.provider, Severity.WARNING, Reason.QUANTIZED_ON_CUDA,
                    QUANTIZED_ON_CUDA_MESSAGE + " This node runs on " + placement.provider
                            + (placement.skipped.isEmpty() ? "" : ": " + String.join("; ", placement.skipped)) + ".");
        }
        else if (preferred) {
            add(node, graph, since, placement.provider, Severity.INFO, Reason.SUPPORTED, placement.provider
                    + " has a kernel for " + operator);
        }
        else {
            Reason reason = placement.typeRejections.isEmpty() ? Reason.FALLBACK_NO_KERNEL
                    : Reason.FALLBACK_UNSUPPORTED_TYPE;
            add(node, graph, since, placement.provider, Severity.WARNING, reason, String.join("; ", placement.skipped)
                    + "; this node runs on " + placement.provider);
        }
    }

    /**
     * The first provider with a kernel for the operator at {@code version} that takes the known input
     * types, with why the providers before it were skipped.
     */
    private Placement place(String domain, String op, long version, List<String> inputTypes) {
        Placement placement = new Placement();
        for (ExecutionProvider provider : this.target.providers()) {
            List<Kernel> kernels = this.tables.get(provider).lookup(domain, op, version);
            if (kernels.isEmpty()) {
                placement.skipped.add(provider + " has no kernel for " + display(domain) + " " + op + " at opset "
                        + version);
                continue;
            }
            for (Kernel kernel : kernels) {
                if (rejectedInput(kernel, inputTypes) < 0) {
                    placement.provider = provider;
                    placement.kernel = kernel;
                    return placement;
                }
            }
            Kernel kernel = kernels.get(0);
            int index = rejectedInput(kernel, inputTypes);
            KernelTable.Formal formal = kernel.inputs().get(index);
            String rejection = provider + "'s kernel " + kernel + " takes " + formal.name() + " as "
                    + kernel.inputTypes(index).map(types -> String.join(", ", types)).orElse("?") + ", not "
                    + inputTypes.get(index);
            placement.typeRejections.add(rejection);
            placement.skipped.add(rejection);
        }
        return placement;
    }

    /** The index of the first input whose known type {@code kernel} does not take, or -1. */
    private static int rejectedInput(Kernel kernel, List<String> inputTypes) {
        for (int i = 0; i < inputTypes.size() && i < kernel.inputs().size(); i++) {
            String type = inputTypes.get(i);
            if (type != null && !kernel.acceptsInput(i, type)) {
                return i;
            }
        }
        return -1;
    }

    private String otherVersions(String domain, String op) {
        List<String> versions = new ArrayList<>();
        for (ExecutionProvider provider : this.target.providers()) {
            List<Kernel> kernels = this.tables.get(provider).kernels(domain, op);
            if (!kernels.isEmpty()) {
                versions.add(provider + " has kernels for opsets "
                        + kernels.stream().map(Kernel::versions).collect(Collectors.joining(", ")));
            }
        }
        return versions.isEmpty() ? "ONNX Runtime has no kernel for this operator at any opset"
                : String.join("; ", versions);
    }

    private static boolean integerQuantized(String domain, String op) {
        if (domain.isEmpty()) {
            return INTEGER_ONNX_OPS.contains(op) || op.startsWith("QLinear");
        }
        return domain.equals("com.microsoft") && (INTEGER_MICROSOFT_OPS.contains(op) || op.startsWith("QLinear"));
    }

    /** Checks the nodes of a model-local function once, its formal inputs typed by the first call. */
    private void checkFunction(FunctionProto function, List<String> argumentTypes, Map<String, Long> modelImports) {
        if (!this.checkedFunctions.add(key(function.getDomain(), function.getName()))) {
            return;
        }
        TypeScope scope = new TypeScope(null);
        for (int i = 0; i < function.getInputCount() && i < argumentTypes.size(); i++) {
            scope.put(function.getInput(i), argumentTypes.get(i));
        }
        Map<String, Long> imports = new TreeMap<>(modelImports);
        imports.putAll(imports(function.getOpsetImportList()));
        String graph = "function " + display(function.getDomain()) + "." + function.getName();
        for (NodeProto node : function.getNodeList()) {
            checkNode(node, graph, scope, imports);
        }
    }

    private void add(NodeProto node, String graph, long since, ExecutionProvider provider, Severity severity,
            Reason reason, String message) {
        this.findings.add(new Finding(graph, node.getName(), node.getDomain(), node.getOpType(), since, provider,
                severity, reason, message));
    }

    private String providerNames() {
        return this.target.providers().stream().map(Enum::name).collect(Collectors.joining(", "));
    }

    private static String display(String domain) {
        String normalized = ModelInventory.normalizeDomain(domain);
        return normalized.isEmpty() ? "ai.onnx" : normalized;
    }

    /** The provider a node goes to, its kernel, and why earlier providers were skipped. */
    private static final class Placement {

        ExecutionProvider provider;

        Kernel kernel;

        final List<String> skipped = new ArrayList<>();

        final List<String> typeRejections = new ArrayList<>();
    }
}
