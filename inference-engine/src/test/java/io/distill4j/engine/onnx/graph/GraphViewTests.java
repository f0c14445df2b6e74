package io.distill4j.engine.onnx.graph;

import static io.distill4j.engine.testing.HandBuiltNodes.ifNode;
import static io.distill4j.engine.testing.HandBuiltNodes.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.google.protobuf.InvalidProtocolBufferException;
import io.distill4j.api.ElementType;
import io.distill4j.engine.onnx.proto.GraphProto;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.proto.NodeProto;
import io.distill4j.engine.onnx.proto.ValueInfoProto;
import io.distill4j.engine.testing.ModelGenerators;
import org.junit.jupiter.api.Test;

class GraphViewTests {

    @Test
    void aGraphAlreadyInTopologicalOrderKeepsItsOrder() throws InvalidProtocolBufferException {
        GraphProto graph = encoderWithTokenTypes();
        GraphView view = GraphView.of(graph);
        assertThat(view.nodes()).containsExactlyElementsOf(graph.getNodeList());
        assertThat(view.graph()).isSameAs(graph);
    }

    @Test
    void shuffledNodesComeBackInAnOrderThatRespectsEveryDependency() throws InvalidProtocolBufferException {
        GraphProto sorted = encoderWithTokenTypes();
        List<NodeProto> reversed = new ArrayList<>(sorted.getNodeList());
        Collections.reverse(reversed);
        GraphProto shuffled = sorted.toBuilder().clearNode().addAllNode(reversed).build();

        GraphView view = GraphView.of(shuffled);

        assertThat(view.nodes()).containsExactlyInAnyOrderElementsOf(sorted.getNodeList());
        List<String> defined = new ArrayList<>();
        shuffled.getInputList().forEach(input -> defined.add(input.getName()));
        shuffled.getInitializerList().forEach(tensor -> defined.add(tensor.getName()));
        for (NodeProto node : view.nodes()) {
            assertThat(defined).as("values defined before %s", node.getName()).containsAll(node.getInputList());
            defined.addAll(node.getOutputList());
        }
        assertThat(view.nodes()).isNotEqualTo(shuffled.getNodeList());
    }

    @Test
    void producersAndConsumersFollowTheEdgesOfTheGraph() throws InvalidProtocolBufferException {
        GraphView view = GraphView.of(encoderWithTokenTypes());

        assertThat(view.producer("token_embeddings")).map(NodeProto::getName).contains("Gather_0");
        assertThat(view.producer("last_hidden_state")).map(NodeProto::getOpType).contains("Mul");
        assertThat(view.producer("input_ids")).isEmpty();
        assertThat(view.producer("embeddings")).isEmpty();
        assertThat(view.producer("no_such_value")).isEmpty();

        assertThat(view.consumers("embeddings")).extracting(NodeProto::getName).containsExactly("Gather_0");
        assertThat(view.consumers("attention_mask")).extracting(NodeProto::getOpType).containsExactly("Cast");
        assertThat(view.consumers("token_embeddings")).extracting(NodeProto::getOpType).containsExactly("Add");
        assertThat(view.consumers("last_hidden_state")).isEmpty();

        assertThat(view.initializers()).containsOnlyKeys("embeddings", "token_type_embeddings", "unsqueeze_axes");
        assertThat(view.inputs()).extracting(ValueInfoProto::getName)
                .containsExactly("input_ids", "attention_mask", "token_type_ids");
        assertThat(view.outputs()).extracting(ValueInfoProto::getName).containsExactly("last_hidden_state");
    }

    @Test
    void aNodeReadingAValueTwiceIsOneConsumer() {
        GraphProto graph = OnnxModelBuilder.create("g")
                .input("x", ElementType.FLOAT32, 2)
                .node("Mul", List.of("x", "x"), List.of("y"))
                .output("y", ElementType.FLOAT32, 2)
                .build().getGraph();
        assertThat(GraphView.of(graph).consumers("x")).extracting(NodeProto::getName).containsExactly("Mul_0");
    }

    @Test
    void aNodeWhoseSubgraphReadsAnOuterValueConsumesItAndComesAfterItsProducer() {
        GraphProto thenBranch = GraphProto.newBuilder().setName("then")
                .addNode(node("neg", "Neg", List.of("doubled"), List.of("negated")))
                .addOutput(ValueInfoProto.newBuilder().setName("negated"))
                .build();
        GraphProto elseBranch = GraphProto.newBuilder().setName("else")
                .addOutput(ValueInfoProto.newBuilder().setName("doubled"))
                .build();
        NodeProto ifNode = ifNode(thenBranch, elseBranch);
        GraphProto graph = GraphProto.newBuilder().setName("g")
                .addInput(ValueInfoProto.newBuilder().setName("cond"))
                .addInput(ValueInfoProto.newBuilder().setName("x"))
                .addNode(ifNode)
                .addNode(node("double", "Add", List.of("x", "x"), List.of("doubled")))
                .addOutput(ValueInfoProto.newBuilder().setName("y"))
                .build();

        GraphView view = GraphView.of(graph);

        assertThat(view.nodes()).extracting(NodeProto::getName).containsExactly("double", "if");
        assertThat(view.consumers("doubled")).extracting(NodeProto::getName).containsExactly("if");
    }

    @Test
    void aCycleIsReportedWithTheNodesOnIt() {
        GraphProto graph = GraphProto.newBuilder().setName("g")
                .addInput(ValueInfoProto.newBuilder().setName("x"))
                .addNode(node("entry", "Relu", List.of("x"), List.of("e")))
                .addNode(node("a", "Add", List.of("e", "c"), List.of("a_out")))
                .addNode(node("b", "Relu", List.of("a_out"), List.of("b_out")))
                .addNode(node("c", "Relu", List.of("b_out"), List.of("c")))
                .addOutput(ValueInfoProto.newBuilder().setName("c"))
                .build();
        assertThatIllegalArgumentException().isThrownBy(() -> GraphView.of(graph))
                .withMessage("Graph 'g' has a cycle: node #1 'a' (Add) -> node #2 'b' (Relu) -> node #3 'c' (Relu)"
                        + " -> node #1 'a' (Add)");
    }

    @Test
    void aNodeReadingItsOwnOutputIsACycleOfOne() {
        GraphProto graph = GraphProto.newBuilder().setName("g")
                .addNode(node("", "Relu", List.of("loop"), List.of("loop")))
                .addOutput(ValueInfoProto.newBuilder().setName("loop"))
                .build();
        assertThatIllegalArgumentException().isThrownBy(() -> GraphView.of(graph))
                .withMessage("Graph 'g' has a cycle: node #0 (Relu) -> node #0 (Relu)");
    }

    private static GraphProto encoderWithTokenTypes() throws InvalidProtocolBufferException {
        return ModelProto.parseFrom(ModelGenerators.toyTextEncoderWithTokenTypes(7, 3, 1)).getGraph();
    }
}
