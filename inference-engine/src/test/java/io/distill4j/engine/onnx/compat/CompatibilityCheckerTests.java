package io.distill4j.engine.onnx.compat;

import static io.distill4j.engine.testing.HandBuiltNodes.ifNode;
import static io.distill4j.engine.testing.HandBuiltNodes.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;

import io.distill4j.api.CompatibilityVerdict;
import io.distill4j.api.ElementType;
import io.distill4j.engine.onnx.OnnxModelReader;
import io.distill4j.engine.onnx.compat.CompatibilityReport.Finding;
import io.distill4j.engine.onnx.compat.CompatibilityReport.Reason;
import io.distill4j.engine.onnx.compat.CompatibilityReport.Severity;
import io.distill4j.engine.onnx.graph.OnnxModelBuilder;
import io.distill4j.engine.onnx.graph.OnnxTensors;
import io.distill4j.engine.onnx.proto.FunctionProto;
import io.distill4j.engine.onnx.proto.GraphProto;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.proto.OperatorSetIdProto;
import io.distill4j.engine.onnx.proto.TensorProto;
import io.distill4j.engine.onnx.proto.TypeProto;
import io.distill4j.engine.onnx.proto.ValueInfoProto;
import io.distill4j.engine.session.ExecutionProvider;
import io.distill4j.engine.testing.ModelGenerators;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Verdicts on crafted graphs, against the real kernel tables of ONNX Runtime's CPU and CUDA providers. */
class CompatibilityCheckerTests {

    private static ModelProto read(byte[] model) {
        return OnnxModelReader.ofDefaults().read(model, "test");
    }

    private static CompatibilityReport cpu(ModelProto model) {
        return CompatibilityChecker.check(model, CompatibilityTarget.cpu());
    }

    private static CompatibilityReport cuda(ModelProto model) {
        return CompatibilityChecker.check(model, CompatibilityTarget.cuda());
    }

    /** {@code y = relu(x)} with one node of {@code opType} in {@code domain} between, all float. */
    private static ModelProto withNode(String domain, String opType) {
        OnnxModelBuilder builder = OnnxModelBuilder.create("g").input("x", ElementType.FLOAT32, "batch", 4);
        if (!domain.isEmpty()) {
            builder.opset(domain, 1);
        }
        return builder
                .node(opType, List.of("x"), List.of("h"), n -> n.name("suspect").domain(domain))
                .node("Relu", List.of("h"), List.of("y"))
                .output("y", ElementType.FLOAT32, "batch", 4)
                .build();
    }

    @Test
    void aPlainFloatGraphIsCompatibleOnCpuAndCuda() {
        ModelProto model = read(ModelGenerators.toyTextClassifier(10, 4, 3, 7));

        for (CompatibilityReport report : List.of(cpu(model), cuda(model))) {
            assertThat(report.verdict()).isEqualTo(CompatibilityVerdict.COMPATIBLE);
            assertThat(report.issues()).isEmpty();
            assertThat(report.fallbacks()).isEmpty();
            assertThat(report.nodes()).hasSize(4).allMatch(f -> f.reason() == Reason.SUPPORTED);
        }
        assertThat(cuda(model).nodesPerProvider()).containsEntry(ExecutionProvider.CUDA, 4)
                .containsEntry(ExecutionProvider.CPU, 0);
        assertThat(cuda(model).node("MatMul_2").orElseThrow().provider()).isEqualTo(ExecutionProvider.CUDA);
    }

    @Test
    void theSinceVersionIsTheOneOfTheCpuKernelServingTheImportedOpset() {
        ModelProto model = OnnxModelBuilder.create("g")
                .opset("", 15)
                .input("x", ElementType.FLOAT32, 4)
                .node("Add", List.of("x", "x"), List.of("y"), n -> n.name("add"))
                .output("y", ElementType.FLOAT32, 4)
                .build();

        Finding add = cpu(model).node("add").orElseThrow();

        // Add changed in opsets 7, 13 and 14: at opset 15 the schema is Add-14.
        assertThat(add.sinceVersion()).isEqualTo(14);
        assertThat(add.message()).contains("CPU has a kernel for ai.onnx Add (opset 15)");
    }

    @Test
    void anUnknownOperatorInTheDefaultDomainIsIncompatible() {
        CompatibilityReport report = cpu(withNode("", "FancyActivation"));

        assertThat(report.verdict()).isEqualTo(CompatibilityVerdict.INCOMPATIBLE);
        Finding finding = report.node("suspect").orElseThrow();
        assertThat(finding.reason()).isEqualTo(Reason.NO_KERNEL);
        assertThat(finding.severity()).isEqualTo(Severity.ERROR);
        assertThat(finding.provider()).isNull();
        assertThat(finding.message()).contains("No provider of the target (CPU) has a kernel for ai.onnx "
                + "FancyActivation (opset 13)").contains("ONNX Runtime has no kernel for this operator at any opset");
        // The Relu after it is still judged, on its own.
        assertThat(report.node("Relu_1").orElseThrow().reason()).isEqualTo(Reason.SUPPORTED);
    }

    @Test
    void anOperatorFromABygoneOpsetSaysWhichOpsetsHaveKernels() {
        ModelProto model = OnnxModelBuilder.create("g")
                .opset("", 13)
                .input("x", ElementType.FLOAT32, 4)
                // Scatter was deprecated in opset 11 in favour of ScatterElements.
                .initializer("i", new long[] {0}, 1)
                .initializer("u", new float[] {1f}, 1)
                .node("Scatter", List.of("x", "i", "u"), List.of("y"), n -> n.name("scatter"))
                .output("y", ElementType.FLOAT32, 4)
                .build();

        Finding finding = cpu(model).node("scatter").orElseThrow();

        assertThat(finding.reason()).isEqualTo(Reason.NO_KERNEL);
        assertThat(finding.message()).contains("CPU has kernels for opsets [9, 10]");
    }

    @Test
    void anOperatorFromACustomDomainIsIncompatibleAndNeedsACustomOpLibrary() {
        CompatibilityReport report = cuda(withNode("com.example.ops", "FancyActivation"));

        assertThat(report.verdict()).isEqualTo(CompatibilityVerdict.INCOMPATIBLE);
        Finding finding = report.node("suspect").orElseThrow();
        assertThat(finding.reason()).isEqualTo(Reason.CUSTOM_DOMAIN);
        assertThat(finding.domain()).isEqualTo("com.example.ops");
        assertThat(finding.message()).contains("non-standard domain 'com.example.ops'")
                .contains("a custom-op library that implements it would be needed");
    }

    @Test
    void aDomainWithoutAnOperatorSetImportIsIncompatible() {
        ModelProto model = withNode("com.microsoft", "Gelu");
        // The builder and the reader refuse such a model; a hand-made one reaches the checker.
        List<OperatorSetIdProto> onlyDefault = model.getOpsetImportList().stream()
                .filter(o -> o.getDomain().isEmpty())
                .toList();
        ModelProto unimported = model.toBuilder().clearOpsetImport().addAllOpsetImport(onlyDefault).build();

        assertThat(cpu(model).verdict()).isEqualTo(CompatibilityVerdict.COMPATIBLE);
        Finding finding = cpu(unimported).node("suspect").orElseThrow();
        assertThat(finding.reason()).isEqualTo(Reason.DOMAIN_NOT_IMPORTED);
        assertThat(finding.message()).contains("com.microsoft has no operator set import");
    }

    @Test
    void integerQuantizedOperatorsOnCudaFallBackWithTheInt8Warning() {
        ModelProto model = read(ModelGenerators.dynamicallyQuantizedMatMul());

        CompatibilityReport report = cuda(model);

        assertThat(report.verdict()).isEqualTo(CompatibilityVerdict.COMPATIBLE_WITH_FALLBACKS);
        assertThat(report.findings(Reason.QUANTIZED_ON_CUDA))
                .extracting(Finding::node, Finding::provider, Finding::severity)
                .containsExactly(
                        tuple("quantize", ExecutionProvider.CPU, Severity.WARNING),
                        tuple("matmul", ExecutionProvider.CPU, Severity.WARNING));
        Finding quantize = report.node("quantize").orElseThrow();
        assertThat(quantize.message()).contains("ONNX Runtime has no CUDA kernels for dynamic quantization")
                .contains("an INT8 model on CUDA is slower than fp32")
                .contains("CUDA has no kernel for ai.onnx DynamicQuantizeLinear at opset 13");
        // CUDA's MatMulInteger takes int8 only; DynamicQuantizeLinear makes uint8.
        assertThat(report.node("matmul").orElseThrow().message())
                .contains("CUDA's kernel ai.onnx MatMulInteger 10+ takes A as int8, not uint8");
        assertThat(report.node("to_float").orElseThrow().provider()).isEqualTo(ExecutionProvider.CUDA);
        assertThat(report.node("rescale").orElseThrow().provider()).isEqualTo(ExecutionProvider.CUDA);
        assertThat(report.fallbacks()).extracting(Finding::node).containsExactly("quantize", "matmul");
    }

    @Test
    void integerQuantizedOperatorsAreCompatibleOnCpu() {
        CompatibilityReport report = cpu(read(ModelGenerators.dynamicallyQuantizedMatMul()));

        assertThat(report.verdict()).isEqualTo(CompatibilityVerdict.COMPATIBLE);
        assertThat(report.nodes()).allMatch(f -> f.provider() == ExecutionProvider.CPU);
    }

    @Test
    void anInt8MatMulIntegerStaysOnCudaButStillCarriesTheWarning() {
        ModelProto model = OnnxModelBuilder.create("g")
                .input("a", ElementType.INT8, 2, 4)
                .input("b", ElementType.INT8, 4, 2)
                .node("MatMulInteger", List.of("a", "b"), List.of("y"), n -> n.name("matmul"))
                .output("y", ElementType.INT32, 2, 2)
                .build();

        Finding matmul = cuda(model).node("matmul").orElseThrow();

        assertThat(matmul.reason()).isEqualTo(Reason.QUANTIZED_ON_CUDA);
        assertThat(matmul.provider()).isEqualTo(ExecutionProvider.CUDA);
        assertThat(matmul.message()).endsWith("This node runs on CUDA.");
    }

    @Test
    void aQuantizationOperatorBelowOpset10IsIncompatible() {
        ModelProto model = OnnxModelBuilder.create("g")
                .opset("", 9)
                .input("x", ElementType.FLOAT32, 4)
                .initializer("scale", new float[] {0.1f})
                .node("QuantizeLinear", List.of("x", "scale"), List.of("q"), n -> n.name("quantize"))
                .output("q", ElementType.UINT8, 4)
                .build();

        CompatibilityReport report = cpu(model);

        assertThat(report.verdict()).isEqualTo(CompatibilityVerdict.INCOMPATIBLE);
        Finding finding = report.node("quantize").orElseThrow();
        assertThat(finding.reason()).isEqualTo(Reason.QUANTIZED_BELOW_OPSET_10);
        assertThat(finding.message()).contains("imports ai.onnx opset 9").contains("ONNX added quantization in opset 10");
    }

    @Test
    void anOpsetOutsideTheTargetRangeIsIncompatible() {
        ModelProto old = OnnxModelBuilder.create("g")
                .opset("", 6)
                .input("x", ElementType.FLOAT32, 4)
                .node("Relu", List.of("x"), List.of("y"))
                .output("y", ElementType.FLOAT32, 4)
                .build();
        ModelProto current = read(ModelGenerators.addAndScale());

        CompatibilityReport tooOld = cpu(old);
        CompatibilityReport tooNew = CompatibilityChecker.check(current, CompatibilityTarget.cpu().withOpsetRange(7, 12));

        assertThat(tooOld.verdict()).isEqualTo(CompatibilityVerdict.INCOMPATIBLE);
        assertThat(tooOld.findings(Reason.OPSET_OUT_OF_RANGE)).singleElement()
                .satisfies(f -> assertThat(f.modelLevel()).isTrue())
                .extracting(Finding::message).asString().contains("ai.onnx opset 6, below the target's lowest, 7");
        // Relu-6 itself has a CPU kernel: only the range makes the model incompatible.
        assertThat(tooOld.node("Relu_0").orElseThrow().reason()).isEqualTo(Reason.SUPPORTED);
        assertThat(tooNew.verdict()).isEqualTo(CompatibilityVerdict.INCOMPATIBLE);
        assertThat(tooNew.findings(Reason.OPSET_OUT_OF_RANGE)).singleElement().extracting(Finding::message).asString()
                .contains("ai.onnx opset 13, above the target's highest, 12");
    }

    @Test
    void theDefaultRangeEndsAtTheNewestOpsetOfTheCpuTable() {
        CompatibilityTarget target = CompatibilityTarget.cuda();

        assertThat(target.providers()).containsExactly(ExecutionProvider.CUDA, ExecutionProvider.CPU);
        assertThat(target.minOpset()).isEqualTo(CompatibilityTarget.DEFAULT_MIN_OPSET);
        assertThat(target.maxOpset()).isEqualTo(KernelTable.of(ExecutionProvider.CPU).highestSinceVersion(""));
        // CPU is always the last resort, as in ONNX Runtime.
        assertThat(CompatibilityTarget.of(List.of(ExecutionProvider.CPU, ExecutionProvider.CUDA)).providers())
                .containsExactly(ExecutionProvider.CUDA, ExecutionProvider.CPU);
    }

    @Test
    void anInputTypeTheCudaKernelLacksFallsBackToCpu() {
        ModelProto model = OnnxModelBuilder.create("g")
                .input("a", ElementType.INT32, 2, 2)
                .input("b", ElementType.INT32, 2, 2)
                .node("MatMul", List.of("a", "b"), List.of("y"), n -> n.name("matmul"))
                .output("y", ElementType.INT32, 2, 2)
                .build();

        CompatibilityReport onCuda = cuda(model);

        assertThat(onCuda.verdict()).isEqualTo(CompatibilityVerdict.COMPATIBLE_WITH_FALLBACKS);
        Finding matmul = onCuda.node("matmul").orElseThrow();
        assertThat(matmul.reason()).isEqualTo(Reason.FALLBACK_UNSUPPORTED_TYPE);
        assertThat(matmul.provider()).isEqualTo(ExecutionProvider.CPU);
        assertThat(matmul.message()).isEqualTo("CUDA's kernel ai.onnx MatMul 13+ takes A as bfloat16, double, float, "
                + "float16, not int32; this node runs on CPU");
        assertThat(cpu(model).verdict()).isEqualTo(CompatibilityVerdict.COMPATIBLE);
    }

    @Test
    void typesArePropagatedThroughCastToTheNodesThatUseThem() {
        ModelProto model = OnnxModelBuilder.create("g")
                .input("x", ElementType.FLOAT32, 2, 2)
                .node("Cast", List.of("x"), List.of("xi"),
                        n -> n.intAttribute("to", TensorProto.DataType.INT32.getNumber()))
                .node("MatMul", List.of("xi", "xi"), List.of("y"), n -> n.name("matmul"))
                .output("y", ElementType.INT32, 2, 2)
                .build();

        assertThat(cuda(model).node("matmul").orElseThrow().reason()).isEqualTo(Reason.FALLBACK_UNSUPPORTED_TYPE);
    }

    @Test
    void aTypeNoProviderTakesIsIncompatible() {
        ModelProto model = OnnxModelBuilder.create("g")
                .input("x", ElementType.BOOL, 4)
                .node("Relu", List.of("x"), List.of("y"), n -> n.name("relu"))
                .output("y", ElementType.BOOL, 4)
                .build();

        CompatibilityReport report = cuda(model);

        assertThat(report.verdict()).isEqualTo(CompatibilityVerdict.INCOMPATIBLE);
        Finding relu = report.node("relu").orElseThrow();
        assertThat(relu.reason()).isEqualTo(Reason.UNSUPPORTED_TYPE);
        assertThat(relu.message()).contains("none takes this node's input types").contains("CUDA's kernel")
                .contains("CPU's kernel ai.onnx Relu 13 takes X as double, float, not bool");
    }

    @Test
    void anOnnxMlOperatorFallsBackFromCudaWhichHasNoKernelsForThatDomain() {
        ModelProto model = OnnxModelBuilder.create("g")
                .opset("ai.onnx.ml", 3)
                .input("x", ElementType.FLOAT32, 4)
                .node("Normalizer", List.of("x"), List.of("y"), n -> n.name("normalize").domain("ai.onnx.ml")
                        .stringAttribute("norm", "L2"))
                .output("y", ElementType.FLOAT32, 4)
                .build();

        Finding finding = cuda(model).node("normalize").orElseThrow();

        assertThat(finding.reason()).isEqualTo(Reason.FALLBACK_NO_KERNEL);
        assertThat(finding.provider()).isEqualTo(ExecutionProvider.CPU);
        assertThat(finding.message()).isEqualTo("CUDA has no kernel for ai.onnx.ml Normalizer at opset 3; "
                + "this node runs on CPU");
    }

    @Test
    void subgraphNodesAreCheckedWithTheTypesOfTheEnclosingGraph() {
        GraphProto thenBranch = GraphProto.newBuilder().setName("then")
                .addNode(node("inner_matmul", "MatMul", List.of("m", "m"), List.of("t")))
                .addOutput(ValueInfoProto.newBuilder().setName("t"))
                .build();
        GraphProto elseBranch = GraphProto.newBuilder().setName("else")
                .addNode(node("inner_unknown", "NoSuchOp", List.of("m"), List.of("e")))
                .addOutput(ValueInfoProto.newBuilder().setName("e"))
                .build();
        ModelProto model = OnnxModelBuilder.create("g")
                .input("cond", ElementType.BOOL)
                .input("m", ElementType.INT64, 2, 2)
                .output("m", ElementType.INT64, 2, 2)
                .build();
        model = model.toBuilder().setGraph(model.getGraph().toBuilder()
                .addNode(ifNode(thenBranch, elseBranch))
                .addOutput(ValueInfoProto.newBuilder().setName("y"))).build();

        CompatibilityReport report = cuda(model);

        assertThat(report.verdict()).isEqualTo(CompatibilityVerdict.INCOMPATIBLE);
        assertThat(report.nodes()).extracting(Finding::graph, Finding::node, Finding::reason).containsExactly(
                tuple("", "if", Reason.SUPPORTED),
                tuple("if/then_branch", "inner_matmul", Reason.FALLBACK_UNSUPPORTED_TYPE),
                tuple("if/else_branch", "inner_unknown", Reason.NO_KERNEL));
        assertThat(report.toTable()).contains("if/else_branch/inner_unknown");
    }

    @Test
    void aConstantNodeNeedsNoKernelAndTypesItsOutput() {
        ModelProto model = OnnxModelBuilder.create("g")
                .input("x", ElementType.INT32, 2, 2)
                .node("Constant", List.of(), List.of("c"), n -> n.name("constant")
                        .tensorAttribute("value", OnnxTensors.ofInts("c", new int[4], 2, 2)))
                .node("MatMul", List.of("c", "c"), List.of("y"), n -> n.name("matmul"))
                .output("y", ElementType.INT32, 2, 2)
                .build();

        CompatibilityReport report = cuda(model);

        assertThat(report.node("constant").orElseThrow())
                .extracting(Finding::reason, Finding::severity, Finding::provider)
                .containsExactly(Reason.CONSTANT_FOLDED, Severity.INFO, null);
        assertThat(report.node("matmul").orElseThrow().reason()).isEqualTo(Reason.FALLBACK_UNSUPPORTED_TYPE);
    }

    @Test
    void aModelLocalFunctionIsInlinedAndItsNodesAreChecked() {
        FunctionProto function = FunctionProto.newBuilder()
                .setName("Swish")
                .setDomain("local.functions")
                .addInput("X")
                .addOutput("Y")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .addNode(node("sigmoid", "Sigmoid", List.of("X"), List.of("s")))
                .addNode(node("inner_unknown", "NoSuchOp", List.of("s"), List.of("Y")))
                .build();
        ModelProto model = withNode("local.functions", "Swish").toBuilder().addFunctions(function).build();

        CompatibilityReport report = cpu(model);

        assertThat(report.nodes()).extracting(Finding::graph, Finding::node, Finding::reason).containsExactly(
                tuple("", "suspect", Reason.LOCAL_FUNCTION),
                tuple("function local.functions.Swish", "sigmoid", Reason.SUPPORTED),
                tuple("function local.functions.Swish", "inner_unknown", Reason.NO_KERNEL),
                tuple("", "Relu_1", Reason.SUPPORTED));
        assertThat(report.findings(Reason.CUSTOM_DOMAIN)).isEmpty();
    }

    @Test
    void theTableSummarizesFineNodesPerOperatorAndListsEachIssue() {
        CompatibilityReport report = cuda(read(ModelGenerators.dynamicallyQuantizedMatMul()));

        String table = report.toTable();

        assertThat(table).startsWith("Verdict: compatible with fallbacks\n"
                + "Target: ONNX Runtime CUDA, then CPU; ai.onnx opsets 7 to " + report.target().maxOpset() + "\n"
                + "Model opsets: ai.onnx 13\n"
                + "Summary: COMPATIBLE_WITH_FALLBACKS: 4 nodes (2 on CUDA, 2 on CPU, 0 without a kernel); "
                + "0 errors, 2 warnings\n");
        assertThat(table).contains("| WARNING  | QUANTIZED_ON_CUDA | quantize | ai.onnx DynamicQuantizeLinear | CPU ");
        assertThat(table).contains("Nodes without findings, per operator:\n")
                .containsPattern("\\| ai\\.onnx Cast +\\| +13 \\| +1 \\| CUDA +\\|")
                .containsPattern("\\| ai\\.onnx Mul +\\| +13 \\| +1 \\| CUDA +\\|");
        assertThat(table).contains("Preflight: not run").contains(CompatibilityReport.PLACEMENT_NOTE);
        // A node that is simply fine appears only in the per-operator summary.
        assertThat(table).doesNotContain("rescale").doesNotContain("to_float");
    }

    @Test
    void theJsonHasItsFieldsInAFixedOrder() {
        CompatibilityReport report = cuda(withNode("com.example.ops", "FancyActivation"));

        JsonNode root = JsonMapper.builder().build().readTree(report.toJson());

        assertThat(root.propertyNames()).containsExactly("verdict", "target", "opsetImports", "counts", "operators", "findings",
                "preflight", "note");
        assertThat(root.get("verdict").asString()).isEqualTo("INCOMPATIBLE");
        assertThat(root.get("target").get("providers").toString()).isEqualTo("[\"CUDA\",\"CPU\"]");
        assertThat(root.get("opsetImports").get("com.example.ops").asLong()).isEqualTo(1);
        assertThat(root.get("counts").get("nodes").asInt()).isEqualTo(2);
        assertThat(root.get("counts").get("withoutKernel").asInt()).isEqualTo(1);
        assertThat(root.get("counts").get("perProvider").get("CUDA").asInt()).isEqualTo(1);
        JsonNode finding = root.get("findings").get(0);
        assertThat(finding.propertyNames()).containsExactly("severity", "reason", "graph", "node",
                "domain", "opType", "sinceVersion", "provider", "message");
        assertThat(finding.get("reason").asString()).isEqualTo("CUSTOM_DOMAIN");
        assertThat(finding.get("node").asString()).isEqualTo("suspect");
        assertThat(finding.get("provider").isNull()).isTrue();
        assertThat(root.get("operators")).hasSize(2);
    }
}
