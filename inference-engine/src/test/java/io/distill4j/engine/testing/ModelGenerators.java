package io.distill4j.engine.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import com.google.protobuf.ByteString;
import io.distill4j.api.ElementType;
import io.distill4j.engine.onnx.graph.OnnxModelBuilder;
import io.distill4j.engine.onnx.proto.TensorProto;

/**
 * Small ONNX models generated in code for tests that need a graph of a given shape rather than real
 * weights. Every model imports operator set 13 of the default domain; dynamic dimensions are named
 * {@code batch} and {@code seq}.
 *
 * <p>Random weights come from {@link #randomFloats(long, int)}, so a test can recompute them: each
 * generator documents which seed each of its tables uses.
 */
public final class ModelGenerators {

    /** The operator set version of every generated model. */
    public static final long OPSET = 13;

    private ModelGenerators() {
    }

    /**
     * {@code y = x * 2 + 1}: input {@code x} FLOAT32 {@code [batch, 4]}, output {@code y} FLOAT32
     * {@code [batch, 4]}.
     */
    public static byte[] addAndScale() {
        return OnnxModelBuilder.create("add_and_scale")
                .opset("", OPSET)
                .producer("distill4j-tests", "0")
                .input("x", ElementType.FLOAT32, "batch", 4)
                .initializer("two", new float[] {2f})
                .initializer("one", new float[] {1f})
                .node("Mul", List.of("x", "two"), List.of("scaled"))
                .node("Add", List.of("scaled", "one"), List.of("y"))
                .output("y", ElementType.FLOAT32, "batch", 4)
                .toByteArray();
    }

    /**
     * A token encoder without layers: {@code last_hidden_state[b, s, :] = embeddings[input_ids[b, s], :]
     * * attention_mask[b, s]}.
     *
     * <p>Inputs {@code input_ids} and {@code attention_mask}, INT64 {@code [batch, seq]}; output
     * {@code last_hidden_state}, FLOAT32 {@code [batch, seq, hiddenSize]}. The embedding table is
     * {@code randomFloats(seed, vocabSize * hiddenSize)}, row-major {@code [vocabSize, hiddenSize]}.
     */
    public static byte[] toyTextEncoder(int vocabSize, int hiddenSize, long seed) {
        OnnxModelBuilder model = textModel("toy_text_encoder", vocabSize, hiddenSize, seed);
        maskedOutput(model, "token_embeddings", hiddenSize);
        return model.toByteArray();
    }

    /**
     * {@link #toyTextEncoder} with token types: {@code last_hidden_state[b, s, :] =
     * (embeddings[input_ids[b, s], :] + token_type_embeddings[token_type_ids[b, s], :]) *
     * attention_mask[b, s]}.
     *
     * <p>Inputs {@code input_ids}, {@code attention_mask} and {@code token_type_ids}, INT64
     * {@code [batch, seq]}; output {@code last_hidden_state}, FLOAT32 {@code [batch, seq, hiddenSize]}.
     * The embedding table is {@code randomFloats(seed, vocabSize * hiddenSize)}, the token type table
     * {@code randomFloats(seed + 1, 2 * hiddenSize)}, row-major {@code [2, hiddenSize]}.
     */
    public static byte[] toyTextEncoderWithTokenTypes(int vocabSize, int hiddenSize, long seed) {
        OnnxModelBuilder model = textModel("toy_text_encoder_with_token_types", vocabSize, hiddenSize, seed)
                .input("token_type_ids", ElementType.INT64, "batch", "seq")
                .initializer("token_type_embeddings", randomFloats(seed + 1, 2 * hiddenSize), 2, hiddenSize)
                .node("Gather", List.of("token_type_embeddings", "token_type_ids"), List.of("type_embeddings"),
                        n -> n.intAttribute("axis", 0))
                .node("Add", List.of("token_embeddings", "type_embeddings"), List.of("summed_embeddings"));
        maskedOutput(model, "summed_embeddings", hiddenSize);
        return model.toByteArray();
    }

    /**
     * A bag-of-embeddings classifier: {@code logits = mean_s(embeddings[input_ids[b, s], :]) · weight +
     * bias}. The mean runs over all positions; {@code attention_mask} is accepted but not used.
     *
     * <p>Inputs {@code input_ids} and {@code attention_mask}, INT64 {@code [batch, seq]}; output
     * {@code logits}, FLOAT32 {@code [batch, numClasses]}. The embedding table is
     * {@code randomFloats(seed, vocabSize * hiddenSize)}, the weight {@code randomFloats(seed + 1,
     * hiddenSize * numClasses)}, row-major {@code [hiddenSize, numClasses]}, the bias
     * {@code randomFloats(seed + 2, numClasses)}.
     */
    public static byte[] toyTextClassifier(int vocabSize, int hiddenSize, int numClasses, long seed) {
        return textModel("toy_text_classifier", vocabSize, hiddenSize, seed)
                .initializer("classifier_weight", randomFloats(seed + 1, hiddenSize * numClasses), hiddenSize,
                        numClasses)
                .initializer("classifier_bias", randomFloats(seed + 2, numClasses), numClasses)
                .node("ReduceMean", List.of("token_embeddings"), List.of("pooled"),
                        n -> n.intsAttribute("axes", 1).intAttribute("keepdims", 0))
                .node("MatMul", List.of("pooled", "classifier_weight"), List.of("projected"))
                .node("Add", List.of("projected", "classifier_bias"), List.of("logits"))
                .output("logits", ElementType.FLOAT32, "batch", numClasses)
                .toByteArray();
    }

    /**
     * A matrix product quantized the way ONNX Runtime's dynamic quantizer writes it:
     * {@code DynamicQuantizeLinear} (node {@code quantize}) turns input {@code x}, FLOAT32 {@code [batch, 4]},
     * into uint8 {@code x_quantized} with {@code x_scale} and {@code x_zero_point}; {@code MatMulInteger}
     * (node {@code matmul}) multiplies it by the int8 weight {@code w} {@code [4, 2]} (all ones) into int32;
     * {@code Cast} (node {@code to_float}) and {@code Mul} by {@code x_scale} (node {@code rescale}) give
     * output {@code y}, FLOAT32 {@code [batch, 2]}.
     */
    public static byte[] dynamicallyQuantizedMatMul() {
        byte[] ones = new byte[8];
        Arrays.fill(ones, (byte) 1);
        TensorProto weight = TensorProto.newBuilder()
                .setName("w")
                .setDataType(TensorProto.DataType.INT8.getNumber())
                .addDims(4)
                .addDims(2)
                .setRawData(ByteString.copyFrom(ones))
                .build();
        return OnnxModelBuilder.create("dynamically_quantized_matmul")
                .opset("", OPSET)
                .producer("distill4j-tests", "0")
                .input("x", ElementType.FLOAT32, "batch", 4)
                .initializer(weight)
                .node("DynamicQuantizeLinear", List.of("x"), List.of("x_quantized", "x_scale", "x_zero_point"),
                        n -> n.name("quantize"))
                .node("MatMulInteger", List.of("x_quantized", "w", "x_zero_point"), List.of("y_int32"),
                        n -> n.name("matmul"))
                .node("Cast", List.of("y_int32"), List.of("y_float"),
                        n -> n.name("to_float").intAttribute("to", TensorProto.DataType.FLOAT.getNumber()))
                .node("Mul", List.of("y_float", "x_scale"), List.of("y"), n -> n.name("rescale"))
                .output("y", ElementType.FLOAT32, "batch", 2)
                .toByteArray();
    }

    /**
     * {@code count} floats drawn uniformly from {@code [-1, 1)} by {@code new Random(seed)}; the tables
     * of the generated models.
     */
    public static float[] randomFloats(long seed, int count) {
        Random random = new Random(seed);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = random.nextFloat() * 2f - 1f;
        }
        return values;
    }

    /** Writes {@code model} to {@code file} and returns the file. */
    public static Path write(byte[] model, Path file) throws IOException {
        return Files.write(file, model);
    }

    /** Inputs {@code input_ids} and {@code attention_mask}, and their lookup into {@code token_embeddings}. */
    private static OnnxModelBuilder textModel(String name, int vocabSize, int hiddenSize, long seed) {
        return OnnxModelBuilder.create(name)
                .opset("", OPSET)
                .producer("distill4j-tests", "0")
                .input("input_ids", ElementType.INT64, "batch", "seq")
                .input("attention_mask", ElementType.INT64, "batch", "seq")
                .initializer("embeddings", randomFloats(seed, vocabSize * hiddenSize), vocabSize, hiddenSize)
                .node("Gather", List.of("embeddings", "input_ids"), List.of("token_embeddings"),
                        n -> n.intAttribute("axis", 0));
    }

    /** {@code last_hidden_state = embeddings * unsqueeze(float(attention_mask), -1)}. */
    private static void maskedOutput(OnnxModelBuilder model, String embeddings, int hiddenSize) {
        model.initializer("unsqueeze_axes", new long[] {-1}, 1)
                .node("Cast", List.of("attention_mask"), List.of("mask_float"),
                        n -> n.intAttribute("to", TensorProto.DataType.FLOAT.getNumber()))
                .node("Unsqueeze", List.of("mask_float", "unsqueeze_axes"), List.of("mask_expanded"))
                .node("Mul", List.of(embeddings, "mask_expanded"), List.of("last_hidden_state"))
                .output("last_hidden_state", ElementType.FLOAT32, "batch", "seq", hiddenSize);
    }
}
