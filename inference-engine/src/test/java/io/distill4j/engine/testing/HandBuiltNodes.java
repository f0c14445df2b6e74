package io.distill4j.engine.testing;

import java.util.List;

import io.distill4j.engine.onnx.proto.AttributeProto;
import io.distill4j.engine.onnx.proto.GraphProto;
import io.distill4j.engine.onnx.proto.NodeProto;

/**
 * Nodes built directly with the generated protobuf builders, for test graphs that
 * {@code OnnxModelBuilder} rightly refuses (cycles, dangling inputs) or that need subgraphs.
 */
public final class HandBuiltNodes {

    private HandBuiltNodes() {
    }

    /** A node of the default domain. */
    public static NodeProto node(String name, String opType, List<String> inputs, List<String> outputs) {
        return NodeProto.newBuilder().setName(name).setOpType(opType).addAllInput(inputs).addAllOutput(outputs).build();
    }

    /** An {@code If} node named {@code if} reading {@code cond} and writing {@code y}, with both branches. */
    public static NodeProto ifNode(GraphProto thenBranch, GraphProto elseBranch) {
        return node("if", "If", List.of("cond"), List.of("y")).toBuilder()
            .addAttribute(AttributeProto.newBuilder().setName("then_branch")
                .setType(AttributeProto.AttributeType.GRAPH).setG(thenBranch))
            .addAttribute(AttributeProto.newBuilder().setName("else_branch")
                .setType(AttributeProto.AttributeType.GRAPH).setG(elseBranch))
            .build();
    }
}
