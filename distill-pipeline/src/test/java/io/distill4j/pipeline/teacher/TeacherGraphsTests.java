package io.distill4j.pipeline.teacher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.distill4j.api.ElementType;
import io.distill4j.engine.onnx.OnnxModelWriter;
import io.distill4j.engine.onnx.graph.OnnxModelBuilder;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.text.Pooling;
import io.distill4j.engine.text.TextHeads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The encoder + head graph on a toy encoder, against the engine's own pooling and the head in Java. */
class TeacherGraphsTests {

    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private static final int VOCAB = 20;

    private static final int HIDDEN = 6;

    /** Token embeddings straight from a table: enough to give every position its own vector. */
    private static ModelProto toyEncoder(long opset) {
        return OnnxModelBuilder.create("toy")
                .opset("", opset)
                .input("input_ids", ElementType.INT64, "batch", "sequence")
                .input("attention_mask", ElementType.INT64, "batch", "sequence")
                .initializer("table", random(VOCAB * HIDDEN, 1), VOCAB, HIDDEN)
                .node("Gather", List.of("table", "input_ids"), List.of("last_hidden_state"))
                .output("last_hidden_state", ElementType.FLOAT32, "batch", "sequence", HIDDEN)
                .build();
    }

    private static ClassificationHead head(int classes) {
        float[][] weights = new float[classes][];
        for (int c = 0; c < classes; c++) {
            weights[c] = random(HIDDEN, 10 + c);
        }
        return new ClassificationHead(weights, random(classes, 99), List.of("a", "b", "c").subList(0, classes));
    }

    @ParameterizedTest
    @CsvSource({"11, MEAN, true", "11, MEAN, false", "11, CLS, true", "13, MEAN, true", "17, CLS, false"})
    void theGraphComputesPoolingAndTheHeadLikeTheEngine(long opset, Pooling pooling, boolean normalize)
            throws OrtException {
        ClassificationHead head = head(3);
        ModelProto teacher = TeacherGraphs.encoderWithHead(toyEncoder(opset), pooling, normalize, head);
        long[][] ids = {{1, 5, 7, 0}, {3, 2, 0, 0}};
        long[][] mask = {{1, 1, 1, 0}, {1, 1, 0, 0}};

        float[][] logits = run(teacher, ids, mask);

        float[] hidden = new float[2 * 4 * HIDDEN];
        float[] table = random(VOCAB * HIDDEN, 1);
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 4; t++) {
                System.arraycopy(table, (int) ids[b][t] * HIDDEN, hidden, (b * 4 + t) * HIDDEN, HIDDEN);
            }
        }
        float[][] pooled = TextHeads.pool(FloatBuffer.wrap(hidden), 2, 4, HIDDEN,
                new long[] {1, 1, 1, 0, 1, 1, 0, 0}, pooling, normalize);
        for (int b = 0; b < 2; b++) {
            float[] expected = head.logits(pooled[b]);
            for (int c = 0; c < 3; c++) {
                assertThat(logits[b][c]).isCloseTo(expected[c], within(1e-5f));
            }
        }
        assertThat(teacher.getGraph().getOutputList()).singleElement()
                .satisfies(o -> assertThat(o.getName()).isEqualTo(TeacherGraphs.LOGITS));
        assertThat(teacher.getMetadataPropsList()).anySatisfy(p -> {
            assertThat(p.getKey()).isEqualTo(TeacherGraphs.LABELS_METADATA);
            assertThat(p.getValue()).isEqualTo("[\"a\",\"b\",\"c\"]");
        });
    }

    @Test
    void anAllMaskedRowPoolsToZeroInsteadOfDividingByZero() throws OrtException {
        ClassificationHead head = head(2);
        ModelProto teacher = TeacherGraphs.encoderWithHead(toyEncoder(11), Pooling.MEAN, true, head);
        float[][] logits = run(teacher, new long[][] {{4, 4}}, new long[][] {{0, 0}});
        // A zero embedding leaves only the bias.
        assertThat(logits[0][0]).isCloseTo(head.bias()[0], within(1e-6f));
        assertThat(logits[0][1]).isCloseTo(head.bias()[1], within(1e-6f));
    }

    @Test
    void mismatchesAreRefusedWithWhatIsWrong() {
        ClassificationHead wide = new ClassificationHead(new float[][] {new float[HIDDEN + 1]}, new float[1],
                List.of("x"));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TeacherGraphs.encoderWithHead(toyEncoder(11), Pooling.MEAN, true, wide))
                .withMessageContaining("width is 6 but the head reads 7");
        ModelProto noMask = OnnxModelBuilder.create("nomask")
                .input("input_ids", ElementType.INT64, "batch", "sequence")
                .initializer("table", random(VOCAB * HIDDEN, 1), VOCAB, HIDDEN)
                .node("Gather", List.of("table", "input_ids"), List.of("last_hidden_state"))
                .output("last_hidden_state", ElementType.FLOAT32, "batch", "sequence", HIDDEN)
                .build();
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TeacherGraphs.encoderWithHead(noMask, Pooling.MEAN, true, head(2)))
                .withMessageContaining("'attention_mask'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new ClassificationHead(new float[][] {new float[2]}, new float[2], List.of("x")))
                .withMessageContaining("one entry per class");
    }

    @Test
    void theHeadIsReadBackFromTheGraphItWasAppendedTo() {
        ClassificationHead head = head(3);
        ClassificationHead read = TeacherGraphs.head(TeacherGraphs.encoderWithHead(toyEncoder(13), Pooling.CLS, true,
                head));

        assertThat(read.labels()).containsExactly("a", "b", "c");
        assertThat(read.weights()).isDeepEqualTo(head.weights());
        assertThat(read.bias()).containsExactly(head.bias());
        assertThatIllegalArgumentException().isThrownBy(() -> TeacherGraphs.head(toyEncoder(13)))
                .withMessageContaining("distill4j_head_weight");
    }

    private static float[][] run(ModelProto model, long[][] ids, long[][] mask) throws OrtException {
        try (OrtSession session = ENV.createSession(OnnxModelWriter.toByteArray(model));
                OnnxTensor idTensor = OnnxTensor.createTensor(ENV, ids);
                OnnxTensor maskTensor = OnnxTensor.createTensor(ENV, mask);
                OrtSession.Result result = session.run(Map.of("input_ids", idTensor, "attention_mask", maskTensor))) {
            return (float[][]) result.get(TeacherGraphs.LOGITS).orElseThrow().getValue();
        }
    }

    private static float[] random(int count, long seed) {
        Random random = new Random(seed);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }
}
