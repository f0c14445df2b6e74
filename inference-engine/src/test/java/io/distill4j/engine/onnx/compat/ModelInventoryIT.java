package io.distill4j.engine.onnx.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.ArrayList;
import java.util.List;

import io.distill4j.api.ElementType;
import io.distill4j.engine.onnx.OnnxModelReader;
import io.distill4j.engine.onnx.compat.ModelInventory.TensorRole;
import io.distill4j.engine.onnx.compat.ModelInventory.TensorType;
import io.distill4j.engine.testing.MiniLm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ModelInventoryIT {

    private static ModelInventory inventory;

    @BeforeAll
    static void takeInventory() {
        inventory = ModelInventory.of(OnnxModelReader.ofDefaults().read(MiniLm.modelFile()));
    }

    @Test
    void miniLmImportsOpset11OfTheDefaultDomainOnly() {
        assertThat(inventory.irVersion()).isEqualTo(IR_VERSION);
        assertThat(inventory.opsetImports()).containsExactly(entry("", 11L));
        assertThat(inventory.operators()).allMatch(op -> op.domain().isEmpty() && op.importedOpsetVersion() == 11);
        assertThat(inventory.nonStandardOperators()).isEmpty();
        assertThat(inventory.producerName()).isEqualTo("pytorch");
        assertThat(inventory.producerVersion()).isEqualTo("2.0.1");
    }

    @Test
    void miniLmOperatorCountsMatchSixTransformerLayers() {
        assertThat(inventory.count("", "MatMul")).isEqualTo(MATMUL);
        assertThat(inventory.count("", "Add")).isEqualTo(ADD);
        // Per layer: Q, K, V, Q·Kᵀ, attention·V, output projection, two feed-forward matrices.
        assertThat(inventory.count("ai.onnx", "MatMul")).isEqualTo(6 * 8);
        assertThat(inventory.count("", "Softmax")).isEqualTo(6);
        assertThat(inventory.count("", "Erf")).isEqualTo(6);
        assertThat(inventory.count("", "Gather")).isEqualTo(52);
        assertThat(inventory.count("", "Constant")).isEqualTo(146);
        assertThat(inventory.operators()).hasSize(19);
        assertThat(inventory.operator("", "MatMul").orElseThrow().nodeNames()).hasSize(MATMUL)
                .doesNotHaveDuplicates();
        assertThat(inventory.nodeCount()).isEqualTo(NODES);
    }

    @Test
    void miniLmInputsAreInt64WithDynamicBatchAndSequence() {
        assertThat(inventory.tensorTypes(TensorRole.INPUT)).extracting(TensorType::name)
                .containsExactlyInAnyOrder("input_ids", "attention_mask", "token_type_ids");
        for (TensorType input : inventory.tensorTypes(TensorRole.INPUT)) {
            assertThat(input.elementType()).contains(ElementType.INT64);
            assertThat(input.dims()).containsExactly("batch_size", "sequence_length");
        }
        assertThat(inventory.tensorType("last_hidden_state", TensorRole.OUTPUT).orElseThrow())
                .extracting(TensorType::dataType, TensorType::dims)
                .containsExactly("FLOAT", List.of("batch_size", "sequence_length", "384"));
        assertThat(inventory.dynamicDimensions()).filteredOn(d -> d.role() == TensorRole.INPUT).hasSize(6);
    }

    @Test
    void miniLmKeepsItsWeightsInline() {
        assertThat(inventory.usesExternalData()).isFalse();
        assertThat(inventory.externalDataFiles()).isEmpty();
        // 22,566,400 float parameters.
        assertThat(inventory.initializerBytes()).isEqualTo(90_265_600L);
        assertThat(inventory.initializerCount()).isEqualTo(INITIALIZERS);
    }

    @Test
    void miniLmJsonCarriesTheOperators() {
        JsonNode root = JsonMapper.builder().build().readTree(inventory.toJson());
        List<String> ops = new ArrayList<>();
        root.get("operators").forEach(op -> ops.add(op.get("opType").asString()));
        assertThat(ops).contains("MatMul", "Add", "Softmax", "Gather");
        assertThat(root.get("nodeCount").asInt()).isEqualTo(NODES);
    }

    // Found by taking the inventory of the model file in the registry jar.
    private static final long IR_VERSION = 6;

    private static final int MATMUL = 48;

    private static final int ADD = 88;

    private static final int NODES = 637;

    private static final int INITIALIZERS = 102;
}
