package io.distill4j.pipeline.student.transformer;

import java.util.Map;
import java.util.Optional;

import io.distill4j.api.exception.ModelLoadException;
import io.distill4j.engine.onnx.graph.GraphView;
import io.distill4j.engine.onnx.graph.OnnxTensors;
import io.distill4j.engine.onnx.proto.NodeProto;
import io.distill4j.engine.onnx.proto.TensorProto;

/**
 * Reads the parts of a BERT-family encoder's ONNX graph that {@link BertEncoderWeights} cannot take by name:
 * a dense layer's renamed {@code MatMul} weight, the number of attention heads and the LayerNorm epsilon.
 * Every failure is a {@link ModelLoadException} naming the missing piece.
 */
final class BertGraph {

    private BertGraph() {
    }

    /**
     * The {@code [in, out]} weight of a dense module: the initializer of the {@code MatMul} whose output
     * the {@code Add} of the module's named bias consumes (whatever name the exporter gave the weight).
     */
    static TensorProto denseWeight(GraphView view, String module, String id) {
        String bias = module + ".bias";
        for (NodeProto add : view.consumers(bias)) {
            if (!add.getOpType().equals("Add")) {
                continue;
            }
            for (String input : add.getInputList()) {
                Optional<NodeProto> producer = view.producer(input);
                if (producer.isEmpty() || !producer.get().getOpType().equals("MatMul")) {
                    continue;
                }
                TensorProto weight = view.initializers().get(producer.get().getInput(1));
                if (weight != null && weight.getDimsCount() == 2) {
                    return weight;
                }
            }
        }
        throw notBert(id, "no MatMul weight found for " + module + " (the MatMul feeding the Add of " + bias + ")");
    }

    /** Heads from the first attention's score scaling: {@code Div(scores, sqrt(d))} or {@code Mul(scores, 1/sqrt(d))}. */
    static int heads(GraphView view, int hidden, String id) {
        for (NodeProto softmax : view.nodes()) {
            if (!softmax.getOpType().equals("Softmax")) {
                continue;
            }
            Optional<NodeProto> masked = view.producer(softmax.getInput(0));
            if (masked.isEmpty() || !masked.get().getOpType().equals("Add")) {
                continue;
            }
            for (String input : masked.get().getInputList()) {
                Optional<NodeProto> scaled = view.producer(input);
                if (scaled.isEmpty() || scaled.get().getInputCount() != 2) {
                    continue;
                }
                String op = scaled.get().getOpType();
                Optional<Float> constant = scalar(view, scaled.get().getInput(1));
                if (constant.isEmpty() || !(op.equals("Div") || op.equals("Mul"))) {
                    continue;
                }
                double c = constant.get();
                long headSize = Math.round(op.equals("Div") ? c * c : 1 / (c * c));
                if (headSize > 0 && hidden % headSize == 0) {
                    return (int) (hidden / headSize);
                }
            }
            break;
        }
        throw notBert(id, "cannot tell the attention heads: no Div or Mul by a constant before the first Softmax's mask");
    }

    /** The LayerNorm epsilon: the scalar added to the variance in the embeddings' LayerNorm. */
    static Optional<Float> epsilon(GraphView view) {
        for (NodeProto node : view.nodes()) {
            if (node.getOpType().equals("LayerNormalization") && node.getInputCount() > 1
                    && node.getInput(1).equals(BertEncoderWeights.EMBEDDINGS_NORM + ".weight")) {
                return node.getAttributeList().stream().filter(a -> a.getName().equals("epsilon"))
                    .map(a -> a.getF()).findFirst();
            }
            if (node.getOpType().equals("Add") && node.getName().contains("/embeddings/LayerNorm/")) {
                for (String input : node.getInputList()) {
                    Optional<Float> value = scalar(view, input);
                    if (value.isPresent() && value.get() < 1e-3f) {
                        return value;
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Float> scalar(GraphView view, String value) {
        TensorProto tensor = view.initializers().get(value);
        if (tensor == null) {
            Optional<NodeProto> producer = view.producer(value);
            if (producer.isPresent() && producer.get().getOpType().equals("Constant")
                    && producer.get().getAttributeCount() > 0) {
                tensor = producer.get().getAttribute(0).getT();
            }
        }
        if (tensor == null || tensor.getDataType() != TensorProto.DataType.FLOAT.getNumber()) {
            return Optional.empty();
        }
        float[] values = OnnxTensors.toFloats(tensor);
        return values.length == 1 ? Optional.of(values[0]) : Optional.empty();
    }

    static TensorProto require(Map<String, TensorProto> initializers, String name, String id) {
        TensorProto tensor = initializers.get(name);
        if (tensor == null) {
            throw notBert(id, "no " + name + " initializer");
        }
        return tensor;
    }

    static ModelLoadException notBert(String id, String detail) {
        return new ModelLoadException(id, "not a BERT-family encoder this reader understands: " + detail);
    }
}
