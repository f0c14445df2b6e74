package io.distill4j.engine.onnx.quant;

/**
 * The arithmetic of weight quantization, kept apart from graph rewriting so that it can be checked by
 * hand. Rounding is half-to-even ({@link Math#rint}), as ONNX Runtime's {@code QuantizeLinear} does.
 */
final class WeightQuantization {

    private WeightQuantization() {
    }

    /**
     * Symmetric signed quantization of a row-major {@code [rows, columns]} matrix: {@code q = round(w / s)}
     * clamped to {@code [-qmax, qmax]}, zero point 0.
     *
     * @param perChannel one scale per column (the output channel of {@code x · W}), else one for all
     * @param qmax 127 for the full int8 range, 64 for the reduced range
     */
    static SymmetricInt8 symmetricInt8(float[] weights, int rows, int columns, boolean perChannel, int qmax) {
        if ((long) rows * columns != weights.length) {
            throw new IllegalArgumentException(
                    "Weights hold " + weights.length + " values, not " + rows + " x " + columns);
        }
        float[] absMax = new float[perChannel ? columns : 1];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                int channel = perChannel ? c : 0;
                absMax[channel] = Math.max(absMax[channel], Math.abs(weights[r * columns + c]));
            }
        }
        float[] scales = new float[absMax.length];
        for (int i = 0; i < scales.length; i++) {
            // An all-zero channel quantizes to zeros with any scale; 1 keeps the scale finite.
            scales[i] = absMax[i] == 0f ? 1f : absMax[i] / qmax;
        }
        byte[] quantized = new byte[weights.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                float scale = scales[perChannel ? c : 0];
                double q = Math.rint(weights[r * columns + c] / scale);
                quantized[r * columns + c] = (byte) Math.max(-qmax, Math.min(qmax, q));
            }
        }
        return new SymmetricInt8(quantized, scales);
    }

    /**
     * Asymmetric unsigned quantization with one scale for the whole tensor, over a range that includes
     * zero: {@code s = (max - min) / 255}, {@code zp = round(-min / s)}, {@code q = round(w / s) + zp}
     * clamped to {@code [0, 255]}. Used for embedding tables, whose values are not centred on zero.
     */
    static AsymmetricUint8 asymmetricUint8(float[] values) {
        float min = 0f;
        float max = 0f;
        for (float v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        float scale = max == min ? 1f : (max - min) / 255f;
        int zeroPoint = (int) Math.max(0, Math.min(255, Math.rint(-min / scale)));
        byte[] quantized = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            double q = Math.rint(values[i] / scale) + zeroPoint;
            quantized[i] = (byte) (int) Math.max(0, Math.min(255, q));
        }
        return new AsymmetricUint8(quantized, scale, zeroPoint);
    }

    /** Transposes a row-major {@code [rows, columns]} matrix. */
    static float[] transpose(float[] matrix, int rows, int columns) {
        float[] transposed = new float[matrix.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                transposed[c * rows + r] = matrix[r * columns + c];
            }
        }
        return transposed;
    }

    /** Signed 8-bit values with their scales (one, or one per column); the zero point is 0. */
    record SymmetricInt8(byte[] values, float[] scales) {
    }

    /** Unsigned 8-bit values (as bytes, read {@code & 0xFF}) with one scale and zero point. */
    record AsymmetricUint8(byte[] values, float scale, int zeroPoint) {
    }
}
