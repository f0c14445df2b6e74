package io.distill4j.engine.onnx.compat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.distill4j.api.CompatibilityVerdict;
import io.distill4j.engine.onnx.ReportJson;
import io.distill4j.engine.session.ExecutionProvider;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The result of {@link CompatibilityChecker#check}: whether ONNX Runtime can run a model on a
 * {@link CompatibilityTarget}, with one {@link Finding} per node (subgraphs and model-local functions
 * included) saying where it would run and why, and findings about the model as a whole (its operator
 * set, a failed {@link Preflight}).
 *
 * <p>The {@link #verdict()} follows from the findings: any {@link Severity#ERROR} makes the model
 * {@link CompatibilityVerdict#INCOMPATIBLE}; otherwise any {@link Severity#WARNING} (a node that leaves the preferred
 * provider, an integer-quantized operator on CUDA) makes it {@link CompatibilityVerdict#COMPATIBLE_WITH_FALLBACKS};
 * otherwise it is {@link CompatibilityVerdict#COMPATIBLE}.
 *
 * <p>Where each node runs is read from ONNX Runtime's published kernel tables ({@link KernelTable}), not
 * observed: ONNX Runtime's Java API does not report where it places nodes. A {@link Preflight} proves
 * that a session actually loads with each provider; {@link #withPreflight} adds its results.
 *
 * <p>{@link #toTable()} renders the report for people, {@link #toJson()} for tools. A report is an
 * immutable value; instances are thread-safe.
 *
 * @param target what the model was checked against
 * @param opsetImports the model's imported operator set versions by domain, {@code ""} for the default
 * @param findings about the model as a whole first, then one per node in graph order (a node's subgraphs
 *     right after it)
 * @param preflight the results of a preflight, one per provider of the target; empty if none was run
 */
public record CompatibilityReport(CompatibilityTarget target, Map<String, Long> opsetImports, List<Finding> findings,
        List<Preflight.Result> preflight) {

    /** What {@link #toTable()} and {@link #toJson()} say about where node placement comes from. */
    public static final String PLACEMENT_NOTE = "Where each node runs is read from ONNX Runtime's published "
            + "operator-kernel tables for the version in the build; ONNX Runtime does not report its placement, "
            + "so a preflight only proves that a session loads with each provider.";

    public CompatibilityReport {
        Objects.requireNonNull(target, "target");
        opsetImports = Collections.unmodifiableMap(new TreeMap<>(opsetImports));
        findings = List.copyOf(findings);
        preflight = List.copyOf(preflight);
    }

    /** The verdict that the findings add up to, as described above. */
    public CompatibilityVerdict verdict() {
        if (this.findings.stream().anyMatch(f -> f.severity() == Severity.ERROR)) {
            return CompatibilityVerdict.INCOMPATIBLE;
        }
        if (this.findings.stream().anyMatch(f -> f.severity() == Severity.WARNING)) {
            return CompatibilityVerdict.COMPATIBLE_WITH_FALLBACKS;
        }
        return CompatibilityVerdict.COMPATIBLE;
    }

    /** The findings that are warnings or errors, in report order. */
    public List<Finding> issues() {
        return this.findings.stream().filter(f -> f.severity() != Severity.INFO).toList();
    }

    /** The findings with {@code severity}. */
    public List<Finding> findings(Severity severity) {
        return this.findings.stream().filter(f -> f.severity() == severity).toList();
    }

    /** The node findings with {@code reason}. */
    public List<Finding> findings(Reason reason) {
        return this.findings.stream().filter(f -> f.reason() == reason).toList();
    }

    /** The nodes that would run on a provider other than the target's preferred one. */
    public List<Finding> fallbacks() {
        return nodes().stream()
                .filter(f -> f.provider() != null && f.provider() != this.target.preferred())
                .toList();
    }

    /** The finding of the node named {@code node}, if there is one. */
    public Optional<Finding> node(String node) {
        return nodes().stream().filter(f -> f.node().equals(node)).findFirst();
    }

    /** The findings about nodes, without those about the model as a whole. */
    public List<Finding> nodes() {
        return this.findings.stream().filter(f -> !f.modelLevel()).toList();
    }

    /** How many nodes would run on each provider of the target, in the target's order. */
    public Map<ExecutionProvider, Integer> nodesPerProvider() {
        Map<ExecutionProvider, Integer> counts = new EnumMap<>(ExecutionProvider.class);
        this.target.providers().forEach(p -> counts.put(p, 0));
        for (Finding f : nodes()) {
            if (f.provider() != null) {
                counts.merge(f.provider(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** This report with the results of a preflight, each failure added as a finding about the model. */
    public CompatibilityReport withPreflight(List<Preflight.Result> results) {
        List<Finding> all = new ArrayList<>();
        this.findings.stream().filter(f -> f.reason() != Reason.PREFLIGHT_FAILED).forEach(all::add);
        int insertAt = (int) all.stream().filter(Finding::modelLevel).count();
        List<Finding> failures = new ArrayList<>();
        for (Preflight.Result result : results) {
            if (result.status() == Preflight.Status.FAILED) {
                // Without the last resort no session can be had; a failed preferred provider means a fallback.
                boolean lastResort = result.provider() == ExecutionProvider.CPU;
                failures.add(Finding.ofModel(lastResort ? Severity.ERROR : Severity.WARNING, Reason.PREFLIGHT_FAILED,
                        result.provider(), "ONNX Runtime could not create a session with the " + result.provider()
                                + " provider" + (lastResort ? "" : ", so the model runs on the next provider") + ": "
                                + result.message()));
            }
        }
        all.addAll(insertAt, failures);
        return new CompatibilityReport(this.target, this.opsetImports, all, results);
    }

    /** One line: the verdict, node counts per provider and counts of errors and warnings. */
    public String summary() {
        List<Finding> nodes = nodes();
        long unplaced = nodes.stream().filter(f -> f.provider() == null && f.reason().needsKernel()).count();
        String perProvider = nodesPerProvider().entrySet().stream()
                .map(e -> e.getValue() + " on " + e.getKey())
                .collect(Collectors.joining(", "));
        return verdict() + ": " + nodes.size() + " nodes (" + perProvider + ", " + unplaced + " without a kernel); "
                + findings(Severity.ERROR).size() + " errors, " + findings(Severity.WARNING).size() + " warnings";
    }

    /**
     * The report for people, in plain text with Markdown tables: the verdict, the target and node
     * counts; a table of the warnings and errors, one row each (findings that differ only in their node
     * share a row naming the nodes); the nodes without findings summarized
     * per operator (since-version, count, provider); the preflight results; and where node placement
     * comes from.
     */
    public String toTable() {
        StringBuilder out = new StringBuilder();
        out.append("Verdict: ").append(verdict().label()).append('\n');
        out.append("Target: ONNX Runtime ").append(this.target.describe()).append('\n');
        out.append("Model opsets: ").append(this.opsetImports.isEmpty() ? "none" : this.opsetImports.entrySet().stream()
                .map(e -> displayDomain(e.getKey()) + " " + e.getValue())
                .collect(Collectors.joining(", "))).append('\n');
        out.append("Summary: ").append(summary()).append('\n');
        // Issues that differ only in their node share a row, so a quantized model's dozens of alike nodes take one.
        Map<List<Object>, List<Finding>> alike = new LinkedHashMap<>();
        for (Finding f : issues()) {
            alike.computeIfAbsent(List.of(f.severity(), f.reason(), f.graph(), f.domain(), f.opType(),
                    f.provider() == null ? "none" : f.provider().name(), f.message()), k -> new ArrayList<>()).add(f);
        }
        if (!alike.isEmpty()) {
            out.append('\n');
            MarkdownTable table = new MarkdownTable(new String[] {"Severity", "Reason", "Node", "Operator", "Runs on",
                "Message"}, false, false, false, false, false, false);
            for (List<Finding> group : alike.values()) {
                Finding f = group.get(0);
                table.row(f.severity().name(), f.reason().name(), f.modelLevel() ? "(model)" : nodeNames(group),
                        f.modelLevel() ? "" : f.operator(), f.provider() == null ? "none" : f.provider().name(),
                        f.message());
            }
            table.appendTo(out);
        }
        MarkdownTable fine = new MarkdownTable(new String[] {"Operator", "Since", "Nodes", "Runs on"}, false, true,
                true, false);
        for (OperatorSummary op : operatorSummaries(true)) {
            fine.row(op.operator(), op.sinceVersion() > 0 ? Long.toString(op.sinceVersion()) : "-",
                    Integer.toString(op.count()), op.placement());
        }
        if (!fine.isEmpty()) {
            out.append('\n').append("Nodes without findings, per operator:\n");
            fine.appendTo(out);
        }
        out.append('\n').append("Preflight: ");
        if (this.preflight.isEmpty()) {
            out.append("not run");
        }
        else {
            out.append(this.preflight.stream()
                    .map(r -> r.provider() + " " + r.status() + (r.message().isEmpty() ? "" : " (" + r.message() + ")"))
                    .collect(Collectors.joining("; ")));
        }
        out.append('\n').append(PLACEMENT_NOTE).append('\n');
        return out.toString();
    }

    /**
     * The report as a JSON object, with fields in a fixed order: {@code verdict}, {@code target}
     * ({@code providers}, {@code minOpset}, {@code maxOpset}), {@code opsetImports}, {@code counts}
     * ({@code nodes}, {@code perProvider}, {@code withoutKernel}, {@code errors}, {@code warnings}),
     * {@code operators} (every operator used: {@code domain}, {@code opType}, {@code sinceVersion},
     * {@code count}, {@code perProvider}), {@code findings} (the warnings and errors: {@code severity},
     * {@code reason}, {@code graph}, {@code node}, {@code domain}, {@code opType}, {@code sinceVersion},
     * {@code provider} or {@code null}, {@code message}), {@code preflight} ({@code provider},
     * {@code status}, {@code message}; empty if not run) and {@code note}. The default domain is written
     * as {@code ""}.
     */
    public String toJson() {
        ObjectNode root = ReportJson.mapper().createObjectNode();
        root.put("verdict", verdict().name());
        ObjectNode target = root.putObject("target");
        ArrayNode providers = target.putArray("providers");
        this.target.providers().forEach(p -> providers.add(p.name()));
        target.put("minOpset", this.target.minOpset());
        target.put("maxOpset", this.target.maxOpset());
        ObjectNode imports = root.putObject("opsetImports");
        this.opsetImports.forEach(imports::put);
        ObjectNode counts = root.putObject("counts");
        List<Finding> nodes = nodes();
        counts.put("nodes", nodes.size());
        ObjectNode perProvider = counts.putObject("perProvider");
        nodesPerProvider().forEach((p, n) -> perProvider.put(p.name(), n));
        counts.put("withoutKernel", nodes.stream().filter(f -> f.provider() == null && f.reason().needsKernel()).count());
        counts.put("errors", findings(Severity.ERROR).size());
        counts.put("warnings", findings(Severity.WARNING).size());
        ArrayNode operators = root.putArray("operators");
        for (OperatorSummary op : operatorSummaries(false)) {
            ObjectNode node = operators.addObject();
            node.put("domain", op.domain());
            node.put("opType", op.opType());
            node.put("sinceVersion", op.sinceVersion());
            node.put("count", op.count());
            ObjectNode placement = node.putObject("perProvider");
            op.perProvider().forEach(placement::put);
        }
        ArrayNode findings = root.putArray("findings");
        for (Finding f : issues()) {
            ObjectNode node = findings.addObject();
            node.put("severity", f.severity().name());
            node.put("reason", f.reason().name());
            node.put("graph", f.graph());
            node.put("node", f.node());
            node.put("domain", f.domain());
            node.put("opType", f.opType());
            node.put("sinceVersion", f.sinceVersion());
            if (f.provider() == null) {
                node.putNull("provider");
            }
            else {
                node.put("provider", f.provider().name());
            }
            node.put("message", f.message());
        }
        ArrayNode preflight = root.putArray("preflight");
        for (Preflight.Result result : this.preflight) {
            ObjectNode node = preflight.addObject();
            node.put("provider", result.provider().name());
            node.put("status", result.status().name());
            node.put("message", result.message());
        }
        root.put("note", PLACEMENT_NOTE);
        return ReportJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    /**
     * The nodes per operator, sorted by domain and operator type.
     *
     * @param withoutFindingsOnly count only the nodes whose findings are {@link Severity#INFO}
     */
    private List<OperatorSummary> operatorSummaries(boolean withoutFindingsOnly) {
        Map<String, Map<String, List<Finding>>> byOperator = new TreeMap<>();
        for (Finding f : nodes()) {
            if (!withoutFindingsOnly || f.severity() == Severity.INFO) {
                byOperator.computeIfAbsent(f.domain(), d -> new TreeMap<>())
                        .computeIfAbsent(f.opType(), t -> new ArrayList<>())
                        .add(f);
            }
        }
        List<OperatorSummary> summaries = new ArrayList<>();
        byOperator.forEach((domain, byType) -> byType.forEach((opType, list) -> {
            Map<String, Integer> perProvider = new TreeMap<>();
            for (Finding f : list) {
                perProvider.merge(f.provider() == null ? "none" : f.provider().name(), 1, Integer::sum);
            }
            long since = list.stream().mapToLong(Finding::sinceVersion).max().orElse(0);
            String placement = list.stream().map(f -> f.provider() == null ? f.reason().placement() : f.provider().name())
                    .distinct()
                    .collect(Collectors.joining(", "));
            summaries.add(new OperatorSummary(domain, opType, since, list.size(), perProvider, placement));
        }));
        return summaries;
    }

    /** {@code a}, {@code a, b} or {@code a and 35 more (36 nodes)}. */
    private static String nodeNames(List<Finding> group) {
        if (group.size() <= 2) {
            return group.stream().map(Finding::qualifiedNode).collect(Collectors.joining(", "));
        }
        return group.get(0).qualifiedNode() + " and " + (group.size() - 1) + " more (" + group.size() + " nodes)";
    }

    private static String displayDomain(String domain) {
        return domain.isEmpty() ? "ai.onnx" : domain;
    }

    private record OperatorSummary(String domain, String opType, long sinceVersion, int count,
            Map<String, Integer> perProvider, String placement) {

        String operator() {
            return displayDomain(this.domain) + " " + this.opType;
        }
    }

    /** How much a finding matters. */
    public enum Severity {
        /** Nothing to do. */
        INFO,
        /** The model runs, but not as well as it could: a fallback or a known trap. */
        WARNING,
        /** The model cannot run on the target. */
        ERROR
    }

    /** Why a finding was made; stable codes for tools. */
    public enum Reason {
        /** INFO: the preferred provider has a kernel for the node's operator, opset and input types. */
        SUPPORTED("", true),
        /** INFO: a {@code Constant} node, which ONNX Runtime turns into an initializer; it needs no kernel. */
        CONSTANT_FOLDED("initializer", false),
        /** INFO: a call of a model-local function, which ONNX Runtime inlines; its nodes are checked instead. */
        LOCAL_FUNCTION("inlined", false),
        /** WARNING: the preferred provider has no kernel for the operator at this opset; a later one has. */
        FALLBACK_NO_KERNEL("", true),
        /** WARNING: the preferred provider's kernel does not take the node's input types; a later one does. */
        FALLBACK_UNSUPPORTED_TYPE("", true),
        /**
         * WARNING: an integer-quantized operator on a target with CUDA: ONNX Runtime has no CUDA kernels for
         * dynamic quantization, so INT8 there runs on CPU and is slower than fp32.
         */
        QUANTIZED_ON_CUDA("", true),
        /** ERROR: no provider of the target has a kernel for the operator at this opset. */
        NO_KERNEL("", true),
        /** ERROR: kernels exist, but none takes the node's input types. */
        UNSUPPORTED_TYPE("", true),
        /** ERROR: an operator of a non-standard domain, which needs a custom-op library. */
        CUSTOM_DOMAIN("", true),
        /** ERROR: the node's domain has no operator set import. */
        DOMAIN_NOT_IMPORTED("", true),
        /** ERROR: a quantization operator in a model that imports {@code ai.onnx} below opset 10. */
        QUANTIZED_BELOW_OPSET_10("", true),
        /** ERROR (model): the model's {@code ai.onnx} opset is outside the target's range. */
        OPSET_OUT_OF_RANGE("", false),
        /**
         * ERROR (model) when ONNX Runtime could not create a session with the last-resort provider, CPU;
         * WARNING when it could not with a preferred one.
         */
        PREFLIGHT_FAILED("", false);

        private final String placement;

        private final boolean needsKernel;

        Reason(String placement, boolean needsKernel) {
            this.placement = placement;
            this.needsKernel = needsKernel;
        }

        /** How tables name where a node with this reason and no provider runs. */
        String placement() {
            return this.placement.isEmpty() ? "none" : this.placement;
        }

        /** Whether a node with this reason needs a kernel to run (false for folded constants and inlined calls). */
        boolean needsKernel() {
            return this.needsKernel;
        }
    }

    /**
     * One finding about a node, or about the model as a whole (then {@link #node()} and
     * {@link #opType()} are empty).
     *
     * @param graph where the node is: empty for the main graph (and for the model); for a subgraph, the
     *     path of the nodes and attributes holding it, such as {@code loop/body/if/then_branch}; for the
     *     body of a model-local function, {@code function domain.name}
     * @param node the node's name, may be empty for an unnamed node
     * @param domain the operator's domain, {@code ""} for the default
     * @param opType the operator type
     * @param sinceVersion the operator's since-version as resolved from the CPU kernel table: the since
     *     of the CPU kernel serving the model's opset; 0 if there is none
     * @param provider where the node would run, {@code null} if nowhere (or, for the model, the provider
     *     a preflight finding is about)
     * @param severity how much it matters
     * @param reason why, as a stable code
     * @param message why, in words
     */
    public record Finding(String graph, String node, String domain, String opType, long sinceVersion,
            ExecutionProvider provider, Severity severity, Reason reason, String message) {

        public Finding {
            Objects.requireNonNull(graph, "graph");
            Objects.requireNonNull(node, "node");
            domain = ModelInventory.normalizeDomain(Objects.requireNonNull(domain, "domain"));
            Objects.requireNonNull(opType, "opType");
            Objects.requireNonNull(severity, "severity");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }

        static Finding ofModel(Severity severity, Reason reason, ExecutionProvider provider, String message) {
            return new Finding("", "", "", "", 0, provider, severity, reason, message);
        }

        /** Whether the finding is about the model as a whole rather than a node. */
        public boolean modelLevel() {
            return this.opType.isEmpty();
        }

        /** {@code ai.onnx MatMul}: the operator with its domain. */
        public String operator() {
            return displayDomain(this.domain) + " " + this.opType;
        }

        /** The node's name, prefixed with its graph when that is a subgraph or a function. */
        String qualifiedNode() {
            String name = this.node.isEmpty() ? "(unnamed)" : this.node;
            return this.graph.isEmpty() ? name : this.graph + "/" + name;
        }
    }
}
