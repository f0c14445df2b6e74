package io.distill4j.engine.onnx.graph;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import com.google.protobuf.ByteString;
import io.distill4j.engine.onnx.proto.AttributeProto;
import io.distill4j.engine.onnx.proto.TensorProto;

/**
 * Sets the name, domain and attributes of one node while it is added with
 * {@link OnnxModelBuilder#node(String, List, List, java.util.function.Consumer)}:
 *
 * <pre>{@code
 * builder.node("ReduceMean", List.of("embeddings"), List.of("pooled"),
 *         n -> n.intsAttribute("axes", 1).intAttribute("keepdims", 0));
 * }</pre>
 *
 * Attribute names must be unique within the node. Instances are only valid inside that callback.
 */
public final class NodeBuilder {

    private final String opType;

    private final List<AttributeProto> attributes = new ArrayList<>();

    private final Set<String> attributeNames = new HashSet<>();

    private String name = "";

    private String domain = "";

    NodeBuilder(String opType) {
        this.opType = opType;
    }

    /** Names the node; by default it is named after its operator type and position ({@code Mul_2}). */
    public NodeBuilder name(String name) {
        this.name = requireNonEmpty(name, "node name");
        return this;
    }

    /**
     * Sets the operator set domain of the operator, for example {@code com.microsoft}; by default the
     * standard {@code ai.onnx} domain. The model must import an operator set for it.
     */
    public NodeBuilder domain(String domain) {
        this.domain = OnnxModelBuilder.normalizeDomain(domain);
        return this;
    }

    /** Adds an {@code INT} attribute. */
    public NodeBuilder intAttribute(String name, long value) {
        return add(attribute(name, AttributeProto.AttributeType.INT).setI(value));
    }

    /** Adds a {@code FLOAT} attribute. */
    public NodeBuilder floatAttribute(String name, float value) {
        return add(attribute(name, AttributeProto.AttributeType.FLOAT).setF(value));
    }

    /** Adds a {@code STRING} attribute, stored as UTF-8. */
    public NodeBuilder stringAttribute(String name, String value) {
        Objects.requireNonNull(value, "value");
        return add(attribute(name, AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFrom(value, StandardCharsets.UTF_8)));
    }

    /** Adds an {@code INTS} attribute. */
    public NodeBuilder intsAttribute(String name, long... values) {
        AttributeProto.Builder attribute = attribute(name, AttributeProto.AttributeType.INTS);
        for (long v : values) {
            attribute.addInts(v);
        }
        return add(attribute);
    }

    /** Adds a {@code FLOATS} attribute. */
    public NodeBuilder floatsAttribute(String name, float... values) {
        AttributeProto.Builder attribute = attribute(name, AttributeProto.AttributeType.FLOATS);
        for (float v : values) {
            attribute.addFloats(v);
        }
        return add(attribute);
    }

    /** Adds a {@code TENSOR} attribute, for example the {@code value} of a {@code Constant} node. */
    public NodeBuilder tensorAttribute(String name, TensorProto value) {
        Objects.requireNonNull(value, "value");
        return add(attribute(name, AttributeProto.AttributeType.TENSOR).setT(value));
    }

    String opType() {
        return this.opType;
    }

    String name() {
        return this.name;
    }

    String domain() {
        return this.domain;
    }

    List<AttributeProto> attributes() {
        return this.attributes;
    }

    private AttributeProto.Builder attribute(String name, AttributeProto.AttributeType type) {
        requireNonEmpty(name, "attribute name");
        if (!this.attributeNames.add(name)) {
            throw new IllegalArgumentException(
                    "Node of type " + this.opType + " already has an attribute '" + name + "'");
        }
        return AttributeProto.newBuilder().setName(name).setType(type);
    }

    private NodeBuilder add(AttributeProto.Builder attribute) {
        this.attributes.add(attribute.build());
        return this;
    }

    static String requireNonEmpty(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isEmpty()) {
            throw new IllegalArgumentException("The " + what + " must not be empty");
        }
        return value;
    }
}
