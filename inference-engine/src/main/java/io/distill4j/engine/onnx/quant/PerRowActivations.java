package io.distill4j.engine.onnx.quant;

import java.util.List;
import java.util.function.UnaryOperator;

import io.distill4j.engine.onnx.graph.OnnxTensors;
import io.distill4j.engine.onnx.proto.AttributeProto;
import io.distill4j.engine.onnx.proto.NodeProto;
import io.distill4j.engine.onnx.proto.TensorProto;

/**
 * The nodes of {@link QuantizationConfig#perRowActivations() per-row activation quantization}, for
 * {@link QuantizationRewriter}: the quantization of an input, and the integer product that undoes its zero
 * points. Names come from the rewriter's {@code fresh}, new initializers go to {@code into}.
 */
final class PerRowActivations {

    private PerRowActivations() {
    }

    /**
     * Quantizes {@code input} row by row, each row of its last axis with its own scale and zero point (the
     * affine uint8 mapping of the row's range, 0 included), as {@code DynamicQuantizeLinear} does for a whole
     * tensor; the zero point is written as int32 {@code [..., 1]}, for the correction after the product:
     *
     * <pre>
     * lo, hi = Min(ReduceMin(A, -1), 0), Max(ReduceMax(A, -1), 0)                    [..., 1]
     * scale  = Max(hi - lo, tiny) / 255;   z = Round(-lo / scale)
     * A_q    = Cast(Clip(Round(A / scale) + z, 0, 255), uint8)                        [..., K]
     * </pre>
     *
     * A row's integers, and so its result, depend on that row alone.
     */
    static void quantize(String input, String values, String scale, String zeroPoint, long opset,
            UnaryOperator<String> fresh, List<NodeProto> out, List<TensorProto> into) {
        String zero = constant(input + "_zero", 0f, fresh, into);
        String tiny = constant(input + "_tiny", 1e-30f, fresh, into);
        String levels = constant(input + "_levels", 255f, fresh, into);
        String low = fresh.apply(input + "_row_min");
        out.add(reduce("ReduceMin", input, low, opset, fresh, into));
        String high = fresh.apply(input + "_row_max");
        out.add(reduce("ReduceMax", input, high, opset, fresh, into));
        String lowWithZero = fresh.apply(input + "_row_min_0");
        out.add(node("Min", fresh, low, zero, lowWithZero));
        String highWithZero = fresh.apply(input + "_row_max_0");
        out.add(node("Max", fresh, high, zero, highWithZero));
        String range = fresh.apply(input + "_row_range");
        out.add(node("Sub", fresh, highWithZero, lowWithZero, range));
        String positive = fresh.apply(input + "_row_range_positive");
        out.add(node("Max", fresh, range, tiny, positive));
        out.add(node("Div", fresh, positive, levels, scale));
        String negativeLow = fresh.apply(input + "_row_min_negated");
        out.add(node("Neg", fresh, lowWithZero, negativeLow));
        String zeroPointRatio = fresh.apply(input + "_zero_point_ratio");
        out.add(node("Div", fresh, negativeLow, scale, zeroPointRatio));
        String zeroPointFloat = fresh.apply(input + "_zero_point_float");
        out.add(node("Round", fresh, zeroPointRatio, zeroPointFloat));
        out.add(cast(zeroPointFloat, zeroPoint, TensorProto.DataType.INT32, fresh));
        String ratio = fresh.apply(input + "_ratio");
        out.add(node("Div", fresh, input, scale, ratio));
        String rounded = fresh.apply(input + "_rounded");
        out.add(node("Round", fresh, ratio, rounded));
        String shifted = fresh.apply(input + "_shifted");
        out.add(node("Add", fresh, rounded, zeroPointFloat, shifted));
        String clipped = fresh.apply(input + "_clipped");
        out.add(NodeProto.newBuilder().setOpType("Clip").setName(fresh.apply(input + "_Clip"))
                .addInput(shifted).addInput(zero).addInput(levels).addOutput(clipped).build());
        out.add(cast(clipped, values, TensorProto.DataType.UINT8, fresh));
    }

    /** The int32 sums of the columns of a quantized weight {@code [K, N]}: {@code [N]}. */
    static String columnSums(String quantizedWeight, UnaryOperator<String> fresh, List<TensorProto> into) {
        String name = fresh.apply(quantizedWeight + "_column_sums");
        TensorProto weight = into.stream().filter(t -> t.getName().equals(quantizedWeight)).findFirst().orElseThrow();
        int rows = Math.toIntExact(weight.getDims(0));
        int columns = Math.toIntExact(weight.getDims(1));
        byte[] values = weight.getRawData().toByteArray();
        int[] sums = new int[columns];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                sums[c] += values[r * columns + c];
            }
        }
        into.add(OnnxTensors.ofInts(name, sums, columns));
        return name;
    }

    private static String constant(String base, float value, UnaryOperator<String> fresh, List<TensorProto> into) {
        String name = fresh.apply(base);
        into.add(OnnxTensors.ofFloats(name, new float[] {value}));
        return name;
    }

    /** {@code opType} over the last axis, keeping it: the axes an attribute before opset 18, an input from 18. */
    private static NodeProto reduce(String opType, String input, String output, long opset, UnaryOperator<String> fresh,
            List<TensorProto> into) {
        NodeProto.Builder reduce = NodeProto.newBuilder().setOpType(opType).setName(fresh.apply(output + "_" + opType))
                .addInput(input).addOutput(output)
                .addAttribute(AttributeProto.newBuilder().setName("keepdims").setType(AttributeProto.AttributeType.INT)
                        .setI(1));
        if (opset >= 18) {
            String axes = fresh.apply(output + "_axes");
            into.add(OnnxTensors.ofLongs(axes, new long[] {-1}, 1));
            reduce.addInput(axes);
        }
        else {
            reduce.addAttribute(AttributeProto.newBuilder().setName("axes").setType(AttributeProto.AttributeType.INTS)
                    .addInts(-1));
        }
        return reduce.build();
    }

    private static NodeProto cast(String input, String output, TensorProto.DataType to, UnaryOperator<String> fresh) {
        return NodeProto.newBuilder().setOpType("Cast").setName(fresh.apply(output + "_Cast")).addInput(input)
                .addOutput(output).addAttribute(AttributeProto.newBuilder().setName("to")
                        .setType(AttributeProto.AttributeType.INT).setI(to.getNumber()))
                .build();
    }

    /** A node of {@code opType} reading {@code inputsThenOutput} (all but the last) and writing the last. */
    private static NodeProto node(String opType, UnaryOperator<String> fresh, String... inputsThenOutput) {
        String output = inputsThenOutput[inputsThenOutput.length - 1];
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(opType).setName(fresh.apply(output + "_" + opType));
        for (int i = 0; i < inputsThenOutput.length - 1; i++) {
            node.addInput(inputsThenOutput[i]);
        }
        return node.addOutput(output).build();
    }

    /**
     * The integer product of row-quantized {@code values} with a symmetric weight, into {@code integer}:
     * {@code Σ_k (a_k - z) w_k = Σ_k a_k w_k - z Σ_k w_k}, the row's zero point times the weight's column sums
     * subtracted after a {@code MatMulInteger} without zero points, so that it works for inputs of any rank.
     */
    static void matMul(String values, String zeroPoint, String quantizedWeight, String columnSums, String integer,
            String base, UnaryOperator<String> fresh, List<NodeProto> out) {
        String raw = fresh.apply(base + "_output_int32_raw");
        out.add(NodeProto.newBuilder().setOpType("MatMulInteger").setName(fresh.apply(base + "_quant"))
                .addInput(values).addInput(quantizedWeight).addOutput(raw).build());
        String correction = fresh.apply(base + "_zero_point_correction");
        out.add(node("Mul", fresh, zeroPoint, columnSums, correction));
        out.add(node("Sub", fresh, raw, correction, integer));
    }
}
