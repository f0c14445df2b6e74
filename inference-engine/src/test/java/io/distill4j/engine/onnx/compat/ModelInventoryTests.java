package io.distill4j.engine.onnx.compat;

import static io.distill4j.engine.testing.HandBuiltNodes.ifNode;
import static io.distill4j.engine.testing.HandBuiltNodes.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import java.util.ArrayList;
import java.util.List;

import io.distill4j.api.ElementType;
import io.distill4j.engine.onnx.OnnxModelReader;
import io.distill4j.engine.onnx.compat.ModelInventory.DynamicDimension;
import io.distill4j.engine.onnx.compat.ModelInventory.Operator;
import io.distill4j.engine.onnx.compat.ModelInventory.TensorRole;
import io.distill4j.engine.onnx.compat.ModelInventory.TensorType;
import io.distill4j.engine.onnx.graph.OnnxModelBuilder;
import io.distill4j.engine.onnx.proto.GraphProto;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.proto.NodeProto;
import io.distill4j.engine.onnx.proto.OperatorSetIdProto;
import io.distill4j.engine.onnx.proto.StringStringEntryProto;
import io.distill4j.engine.onnx.proto.TensorProto;
import io.distill4j.engine.onnx.proto.TensorShapeProto;
import io.distill4j.engine.onnx.proto.TypeProto;
import io.distill4j.engine.onnx.proto.ValueInfoProto;
import io.distill4j.engine.testing.ModelGenerators;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ModelInventoryTests {

    private static ModelProto read(byte[] model) {
        return OnnxModelReader.ofDefaults().read(model, "test");
    }

    private static ModelInventory classifier() {
        return ModelInventory.of(read(ModelGenerators.toyTextClassifier(10, 4, 3, 7)));
    }

    @Test
    void countsEveryOperatorOfTheToyClassifierWithTheImportedOpset() {
        ModelInventory inventory = classifier();

        assertThat(inventory.operators())
                .extracting(Operator::domain, Operator::opType, Operator::count, Operator::importedOpsetVersion)
                .containsExactly(
                        tuple("", "Add", 1, 13L),
                        tuple("", "Gather", 1, 13L),
                        tuple("", "MatMul", 1, 13L),
                        tuple("", "ReduceMean", 1, 13L));
        assertThat(inventory.operator("", "Gather").orElseThrow().nodeNames()).containsExactly("Gather_0");
        assertThat(inventory.operator("ai.onnx", "MatMul").orElseThrow().nodeNames()).containsExactly("MatMul_2");
        assertThat(inventory.nodeCount()).isEqualTo(4);
        assertThat(inventory.count("", "Softmax")).isZero();
        assertThat(inventory.nonStandardOperators()).isEmpty();
    }

    @Test
    void recordsModelLevelFacts() {
        ModelInventory inventory = classifier();

        assertThat(inventory.irVersion()).isEqualTo(OnnxModelBuilder.DEFAULT_IR_VERSION);
        assertThat(inventory.opsetImports()).containsExactly(entry("", 13L));
        assertThat(inventory.producerName()).isEqualTo("distill4j-tests");
        assertThat(inventory.producerVersion()).isEqualTo("0");
        // embeddings 10x4, weight 4x3, bias 3: 55 floats.
        assertThat(inventory.initializerCount()).isEqualTo(3);
        assertThat(inventory.initializerBytes()).isEqualTo(55 * 4);
        assertThat(inventory.usesExternalData()).isFalse();
        assertThat(inventory.externalDataFiles()).isEmpty();
    }

    @Test
    void recordsTheDeclaredTypesAndLeavesUntypedNodeOutputsOut() {
        ModelInventory inventory = classifier();

        assertThat(inventory.tensorTypes(TensorRole.INPUT))
                .extracting(TensorType::name, TensorType::dataType, TensorType::dims)
                .containsExactly(
                        tuple("input_ids", "INT64", List.of("batch", "seq")),
                        tuple("attention_mask", "INT64", List.of("batch", "seq")));
        assertThat(inventory.tensorType("input_ids", TensorRole.INPUT).orElseThrow().elementType())
                .contains(ElementType.INT64);
        assertThat(inventory.tensorType("logits", TensorRole.OUTPUT).orElseThrow())
                .extracting(TensorType::dataType, TensorType::dims)
                .containsExactly("FLOAT", List.of("batch", "3"));
        assertThat(inventory.tensorType("classifier_weight", TensorRole.INITIALIZER).orElseThrow().dims())
                .containsExactly("4", "3");
        assertThat(inventory.tensorTypes()).extracting(TensorType::name)
                .doesNotContain("token_embeddings", "pooled", "projected");
        assertThat(inventory.tensorTypes(TensorRole.VALUE_INFO)).isEmpty();
    }

    @Test
    void recordsValueInfoWhenTheModelHasIt() {
        ModelProto model = read(ModelGenerators.toyTextClassifier(10, 4, 3, 7));
        ModelProto withValueInfo = model.toBuilder()
                .setGraph(model.getGraph().toBuilder().addValueInfo(valueInfo("pooled", TensorProto.DataType.FLOAT,
                        "batch", 4)))
                .build();

        ModelInventory inventory = ModelInventory.of(withValueInfo);

        assertThat(inventory.tensorTypes(TensorRole.VALUE_INFO))
                .extracting(TensorType::name, TensorType::dataType, TensorType::dims)
                .containsExactly(tuple("pooled", "FLOAT", List.of("batch", "4")));
    }

    @Test
    void listsTheDynamicDimensionsOfInputsAndOutputs() {
        List<DynamicDimension> dynamic = classifier().dynamicDimensions();

        assertThat(dynamic).containsExactly(
                new DynamicDimension("input_ids", TensorRole.INPUT, 0, "batch"),
                new DynamicDimension("input_ids", TensorRole.INPUT, 1, "seq"),
                new DynamicDimension("attention_mask", TensorRole.INPUT, 0, "batch"),
                new DynamicDimension("attention_mask", TensorRole.INPUT, 1, "seq"),
                new DynamicDimension("logits", TensorRole.OUTPUT, 0, "batch"));
    }

    @Test
    void anUnnamedDynamicDimensionIsRecordedAsUnknown() {
        ModelProto model = OnnxModelBuilder.create("g")
                .input("x", ElementType.FLOAT32, -1, 4)
                .node("Relu", List.of("x"), List.of("y"))
                .output("y", ElementType.FLOAT32, -1, 4)
                .build();

        ModelInventory inventory = ModelInventory.of(model);

        assertThat(inventory.tensorType("x", TensorRole.INPUT).orElseThrow().dims()).containsExactly("?", "4");
        assertThat(inventory.dynamicDimensions()).containsExactly(
                new DynamicDimension("x", TensorRole.INPUT, 0, ""),
                new DynamicDimension("y", TensorRole.OUTPUT, 0, ""));
        assertThat(inventory.dynamicDimensions()).noneMatch(DynamicDimension::named);
    }

    @Test
    void countsOperatorsThatOccurSeveralTimes() {
        ModelInventory inventory = ModelInventory.of(
                read(ModelGenerators.toyTextEncoderWithTokenTypes(10, 4, 1)));

        assertThat(inventory.operators()).extracting(Operator::opType, Operator::count).containsExactly(
                tuple("Add", 1),
                tuple("Cast", 1),
                tuple("Gather", 2),
                tuple("Mul", 1),
                tuple("Unsqueeze", 1));
        assertThat(inventory.operator("", "Gather").orElseThrow().nodeNames()).containsExactly("Gather_0", "Gather_1");
        assertThat(inventory.tensorTypes(TensorRole.INPUT)).extracting(TensorType::name)
                .containsExactly("input_ids", "attention_mask", "token_type_ids");
    }

    @Test
    void flagsOperatorsFromNonStandardDomains() {
        ModelProto model = OnnxModelBuilder.create("custom")
                .opset("ai.onnx", 17)
                .opset("com.example", 2)
                .opset("com.microsoft", 1)
                .input("x", ElementType.FLOAT32, "batch", 4)
                .node("Relu", List.of("x"), List.of("r"), n -> n.domain("ai.onnx").name("relu"))
                .node("FastGelu", List.of("r"), List.of("g"), n -> n.domain("com.microsoft").name("gelu"))
                .node("Swizzle", List.of("g"), List.of("s"), n -> n.domain("com.example").name("swizzle"))
                .node("Relu", List.of("s"), List.of("y"), n -> n.name("relu_2"))
                .output("y", ElementType.FLOAT32, "batch", 4)
                .build();

        ModelInventory inventory = ModelInventory.of(model);

        assertThat(inventory.opsetImports()).containsExactly(entry("", 17L),
                entry("com.example", 2L), entry("com.microsoft", 1L));
        assertThat(inventory.operators())
                .extracting(Operator::domain, Operator::opType, Operator::count, Operator::importedOpsetVersion,
                        Operator::standardDomain)
                .containsExactly(
                        tuple("", "Relu", 2, 17L, true),
                        tuple("com.example", "Swizzle", 1, 2L, false),
                        tuple("com.microsoft", "FastGelu", 1, 1L, true));
        assertThat(inventory.operator("", "Relu").orElseThrow().nodeNames()).containsExactly("relu", "relu_2");
        assertThat(inventory.nonStandardOperators()).extracting(Operator::opType).containsExactly("Swizzle");
        assertThat(inventory.toTable())
                .contains("| com.example (non-standard) | Swizzle  |     1 |")
                .contains("Non-standard domains: com.example\n");
    }

    @Test
    void countsTheNodesInsideSubgraphs() {
        GraphProto thenBranch = GraphProto.newBuilder().setName("then")
                .addNode(node("neg", "Neg", List.of("doubled"), List.of("negated")))
                .addNode(node("then_add", "Add", List.of("negated", "x"), List.of("then_out")))
                .addOutput(ValueInfoProto.newBuilder().setName("then_out"))
                .build();
        GraphProto elseBranch = GraphProto.newBuilder().setName("else")
                .addNode(node("copy", "Identity", List.of("doubled"), List.of("else_out")))
                .addOutput(ValueInfoProto.newBuilder().setName("else_out"))
                .build();
        NodeProto ifNode = ifNode(thenBranch, elseBranch);
        GraphProto graph = GraphProto.newBuilder().setName("g")
                .addInput(valueInfo("cond", TensorProto.DataType.BOOL))
                .addInput(valueInfo("x", TensorProto.DataType.FLOAT, "n"))
                .addNode(node("double", "Add", List.of("x", "x"), List.of("doubled")))
                .addNode(ifNode)
                .addOutput(valueInfo("y", TensorProto.DataType.FLOAT, "n"))
                .build();
        ModelProto model = ModelProto.newBuilder().setIrVersion(8).setGraph(graph)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(16))
                .build();
        // The reader accepts it, so the shape is a valid model.
        ModelInventory inventory = ModelInventory.of(read(model.toByteArray()));

        assertThat(inventory.operators()).extracting(Operator::opType, Operator::count).containsExactly(
                tuple("Add", 2),
                tuple("Identity", 1),
                tuple("If", 1),
                tuple("Neg", 1));
        assertThat(inventory.operator("", "Add").orElseThrow().nodeNames()).containsExactly("double", "then_add");
        assertThat(inventory.operators()).allMatch(op -> op.importedOpsetVersion() == 16);
        assertThat(inventory.nodeCount()).isEqualTo(5);
        assertThat(inventory.tensorType("cond", TensorRole.INPUT).orElseThrow().elementType())
                .contains(ElementType.BOOL);
        assertThat(inventory.dynamicDimensions()).containsExactly(
                new DynamicDimension("x", TensorRole.INPUT, 0, "n"),
                new DynamicDimension("y", TensorRole.OUTPUT, 0, "n"));
    }

    @Test
    void reportsTensorsStoredAsExternalData() {
        ModelProto model = read(ModelGenerators.addAndScale());
        TensorProto external = TensorProto.newBuilder().setName("big").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(1000).addDims(4)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("weights.bin"))
                .build();
        ModelProto withExternal = model.toBuilder()
                .setGraph(model.getGraph().toBuilder().addInitializer(external))
                .build();

        ModelInventory inventory = ModelInventory.of(withExternal);

        assertThat(inventory.usesExternalData()).isTrue();
        assertThat(inventory.externalDataFiles()).containsExactly("weights.bin");
        // two 1-element floats in-line plus 4000 floats outside.
        assertThat(inventory.initializerCount()).isEqualTo(3);
        assertThat(inventory.initializerBytes()).isEqualTo(8 + 16_000);
        assertThat(inventory.toTable()).contains("External data: weights.bin\n");
    }

    @Test
    void theTableListsOperatorsThenTheSummary() {
        String table = ModelInventory.of(read(ModelGenerators.addAndScale())).toTable();

        assertThat(table).isEqualTo("""
                | Domain  | Operator | Count | Opset imported |
                |---------|----------|------:|---------------:|
                | ai.onnx | Add      |     1 |             13 |
                | ai.onnx | Mul      |     1 |             13 |

                IR version: 8
                Opset imports: ai.onnx 13
                Producer: distill4j-tests 0
                Nodes: 2 (2 operator types)
                Inputs: x FLOAT [batch, 4]
                Outputs: y FLOAT [batch, 4]
                Dynamic dimensions: x[0]=batch, y[0]=batch
                Initializers: 2 (8 bytes)
                External data: none
                Non-standard domains: none
                """);
    }

    @Test
    void theJsonParsesBackWithFieldsInAFixedOrder() {
        ModelInventory inventory = classifier();
        JsonNode root = JsonMapper.builder().build().readTree(inventory.toJson());

        assertThat(root.propertyNames()).containsExactly("irVersion", "opsetImports", "producer", "nodeCount",
                "operators", "tensors", "dynamicDimensions", "initializers", "externalData", "nonStandardDomains");
        assertThat(root.get("irVersion").asLong()).isEqualTo(8);
        assertThat(root.get("opsetImports").get("").asLong()).isEqualTo(13);
        assertThat(root.get("producer").get("name").asString()).isEqualTo("distill4j-tests");
        List<String> ops = new ArrayList<>();
        for (JsonNode op : root.get("operators")) {
            ops.add(op.get("opType").asString() + "=" + op.get("count").asInt());
            assertThat(op.get("importedOpsetVersion").asLong()).isEqualTo(13);
            assertThat(op.get("standardDomain").asBoolean()).isTrue();
        }
        assertThat(ops).containsExactly("Add=1", "Gather=1", "MatMul=1", "ReduceMean=1");
        assertThat(root.get("operators").get(0).propertyNames()).containsExactly("domain", "opType", "count",
                "importedOpsetVersion", "standardDomain", "nodeNames");
        assertThat(root.get("tensors").get(0).get("name").asString()).isEqualTo("input_ids");
        assertThat(root.get("tensors").get(0).get("dataType").asString()).isEqualTo("INT64");
        assertThat(root.get("dynamicDimensions").size()).isEqualTo(5);
        assertThat(root.get("initializers").get("bytes").asLong()).isEqualTo(220);
        assertThat(root.get("externalData").get("used").asBoolean()).isFalse();
        assertThat(root.get("nonStandardDomains").size()).isZero();
    }

    private static ValueInfoProto valueInfo(String name, TensorProto.DataType type, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object dim : dims) {
            shape.addDim(dim instanceof String param ? TensorShapeProto.Dimension.newBuilder().setDimParam(param)
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(((Number) dim).longValue()));
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(
                        TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)))
                .build();
    }
}
