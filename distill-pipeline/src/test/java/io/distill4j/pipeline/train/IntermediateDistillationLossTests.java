package io.distill4j.pipeline.train;

import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.distill4j.api.exception.InvalidInputException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class IntermediateDistillationLossTests {

    private static final float TOLERANCE = 1e-5f;

    private NDManager manager;

    @BeforeEach
    void openManager() {
        this.manager = PyTorchRuntime.engine().newBaseManager();
    }

    @AfterEach
    void closeManager() {
        this.manager.close();
    }

    @Test
    void layerMappingIsUniformWithTheEmbeddingsOnTheEmbeddings() {
        assertThat(IntermediateDistillationLoss.layerMapping(2, 6)).containsExactly(0, 3, 6);
        assertThat(IntermediateDistillationLoss.layerMapping(3, 6)).containsExactly(0, 2, 4, 6);
        // 1.5 and 4.5 round up.
        assertThat(IntermediateDistillationLoss.layerMapping(4, 6)).containsExactly(0, 2, 3, 5, 6);
        assertThat(IntermediateDistillationLoss.layerMapping(6, 6)).containsExactly(0, 1, 2, 3, 4, 5, 6);
        // A student deeper than its teacher never maps a layer onto the embeddings.
        assertThat(IntermediateDistillationLoss.layerMapping(3, 1)).containsExactly(0, 1, 1, 1);
        assertThat(IntermediateDistillationLoss.describeMapping(2, 6)).isEqualTo("0->0, 1->3, 2->6");
        assertThatIllegalArgumentException().isThrownBy(() -> IntermediateDistillationLoss.layerMapping(0, 6))
            .withMessageContaining("studentLayers");
    }

    @Test
    void hiddenMseAveragesOverTheRealTokensOnly() {
        // Real tokens 0 and 1: differences [1, 0] and [0, 2], squares 1 + 4 = 5, over 2 tokens x 2 wide = 1.25.
        // The padded token differs by 100 and adds nothing.
        NDArray student = create(new float[] {1, 2, 3, 4, 100, 100}, 1, 3, 2);
        NDArray teacher = create(new float[] {0, 2, 3, 2, 0, 0}, 1, 3, 2);
        NDArray mask = create(new float[] {1, 1, 0}, 1, 3);
        assertThat(IntermediateDistillationLoss.hiddenMse(student, teacher, mask).getFloat())
            .isCloseTo(1.25f, within(TOLERANCE));
    }

    @Test
    void attentionKlIsPerRealQueryAndIgnoresPaddedKeysAndQueries() {
        // Query 0: KL([.5, .5, 0] || [.25, .75, 0]) = .5 ln 2 + .5 ln(2/3) = 0.1438410
        // Query 1: KL([1, 0, 0] || [.5, .5, 0]) = ln 2 = 0.6931472; query 2 is padding. Mean 0.4184941.
        NDArray teacher = create(new float[] {.5f, .5f, 0, 1, 0, 0, .2f, .3f, .5f}, 1, 1, 3, 3);
        NDArray student = create(new float[] {.25f, .75f, 0, .5f, .5f, 0, .9f, .05f, .05f}, 1, 1, 3, 3);
        NDArray mask = create(new float[] {1, 1, 0}, 1, 3);
        float value = IntermediateDistillationLoss.attentionKl(student, teacher, mask).getFloat();
        assertThat(value).isCloseTo(0.4184941f, within(TOLERANCE));
        assertThat(Float.isFinite(value)).isTrue();
    }

    @Test
    void attentionKlAveragesOverHeadsWhenTheHeadCountsDiffer() {
        // Teacher heads [[1,0,0],[0,1,0]] and [[0,1,0],[1,0,0]] average to [.5,.5,0] for both real queries.
        // Student (one head): query 0 [.5,.5,0] -> KL 0; query 1 [.25,.75,0] -> 0.1438410. Mean 0.0719205.
        NDArray teacher = create(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 1}, 1, 2, 3, 3);
        NDArray student = create(new float[] {.5f, .5f, 0, .25f, .75f, 0, 0, 0, 1}, 1, 1, 3, 3);
        NDArray mask = create(new float[] {1, 1, 0}, 1, 3);
        assertThat(IntermediateDistillationLoss.attentionKl(student, teacher, mask).getFloat())
            .isCloseTo(0.0719205f, within(TOLERANCE));
    }

    @Test
    void attentionKlComparesHeadByHeadWhenTheHeadCountsAgree() {
        Random random = new Random(3);
        float[] mask = {1, 1, 1, 1, 1, 0};
        float[] teacher = attention(random, 2, 2, mask);
        float[] student = attention(random, 2, 2, mask);
        double expected = attentionKl(student, teacher, mask, 2, 2, 2, 3);
        assertThat(IntermediateDistillationLoss.attentionKl(create(student, 2, 2, 3, 3), create(teacher, 2, 2, 3, 3),
                create(mask, 2, 3)).getFloat()).isCloseTo((float) expected, within(TOLERANCE));
    }

    @Test
    void totalIsTheOutputLossPlusTheWeightedMeansOverTheMappedLayers() {
        // One student layer against two teacher layers: embeddings 0 -> 0, layer 1 -> teacher layer 2.
        Random random = new Random(11);
        int batch = 2;
        int tokens = 3;
        int width = 2;
        float[] mask = {1, 1, 1, 1, 1, 0};
        float[] studentOut = gaussian(random, batch * 4);
        float[] teacherOut = gaussian(random, batch * 4);
        float[][] studentHidden = {gaussian(random, batch * tokens * width), gaussian(random, batch * tokens * width)};
        float[][] teacherHidden = {gaussian(random, batch * tokens * width), gaussian(random, batch * tokens * width),
            gaussian(random, batch * tokens * width)};
        float[] studentAttention = attention(random, batch, 1, mask);
        float[][] teacherAttention = {attention(random, batch, 1, mask), attention(random, batch, 1, mask)};

        NDList predictions = new NDList(create(studentOut, batch, 4), create(studentHidden[0], batch, tokens, width),
                create(studentHidden[1], batch, tokens, width), create(studentAttention, batch, 1, tokens, tokens));
        NDList labels = new NDList(create(teacherOut, batch, 4), create(mask, batch, tokens));
        for (float[] hidden : teacherHidden) {
            labels.add(create(hidden, batch, tokens, width));
        }
        for (float[] attention : teacherAttention) {
            labels.add(create(attention, batch, 1, tokens, tokens));
        }
        IntermediateDistillationLoss loss = IntermediateDistillationLoss.of(EmbeddingDistillationLoss.mse(), 0.5f, 2f,
                1, 2);
        IntermediateDistillationLoss.Parts parts = loss.parts(labels, predictions);

        double output = 0;
        for (int i = 0; i < studentOut.length; i++) {
            output += (studentOut[i] - teacherOut[i]) * (studentOut[i] - teacherOut[i]);
        }
        output /= studentOut.length;
        double hidden = (hiddenMse(studentHidden[0], teacherHidden[0], mask, width)
                + hiddenMse(studentHidden[1], teacherHidden[2], mask, width)) / 2;
        double attention = attentionKl(studentAttention, teacherAttention[1], mask, batch, 1, 1, tokens);
        assertThat(parts.output().getFloat()).isCloseTo((float) output, within(TOLERANCE));
        assertThat(parts.hidden().getFloat()).isCloseTo((float) hidden, within(TOLERANCE));
        assertThat(parts.attention().getFloat()).isCloseTo((float) attention, within(TOLERANCE));
        assertThat(parts.total().getFloat()).isCloseTo((float) (output + 0.5 * hidden + 2 * attention),
                within(TOLERANCE));
        assertThat(loss.evaluate(labels, predictions).getFloat()).isEqualTo(parts.total().getFloat());
        // Teacher layer 1 is not the one layer 1 learns from.
        assertThat(hiddenMse(studentHidden[1], teacherHidden[1], mask, width))
            .isNotCloseTo(hiddenMse(studentHidden[1], teacherHidden[2], mask, width), within(1e-3));
    }

    @Test
    void refusesArraysThatDoNotMatchTheLayerCounts() {
        IntermediateDistillationLoss loss = IntermediateDistillationLoss.of(EmbeddingDistillationLoss.mse(), 1f, 1f, 2,
                6);
        NDArray any = create(new float[] {1, 2}, 1, 2);
        assertThatThrownBy(() -> loss.evaluate(new NDList(any), new NDList(any, any)))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("predictions");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> IntermediateDistillationLoss.of(EmbeddingDistillationLoss.mse(), -1f, 1f, 2, 6))
            .withMessageContaining("hiddenWeight");
    }

    private NDArray create(float[] values, long... shape) {
        return this.manager.create(values, new Shape(shape));
    }

    private static float[] gaussian(Random random, int size) {
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    /** Random attention rows {@code [batch, heads, 3, 3]}, zero on the padded keys of each row's mask. */
    private static float[] attention(Random random, int batch, int heads, float[] mask) {
        int tokens = 3;
        float[] values = new float[batch * heads * tokens * tokens];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                for (int q = 0; q < tokens; q++) {
                    int row = ((b * heads + h) * tokens + q) * tokens;
                    double sum = 0;
                    for (int k = 0; k < tokens; k++) {
                        values[row + k] = mask[b * tokens + k] == 0 ? 0 : 0.1f + random.nextFloat();
                        sum += values[row + k];
                    }
                    for (int k = 0; k < tokens; k++) {
                        values[row + k] /= sum;
                    }
                }
            }
        }
        return values;
    }

    private static double hiddenMse(float[] student, float[] teacher, float[] mask, int width) {
        double sum = 0;
        double real = 0;
        for (int token = 0; token < mask.length; token++) {
            real += mask[token];
            for (int d = 0; d < width; d++) {
                double diff = student[token * width + d] - teacher[token * width + d];
                sum += mask[token] * diff * diff;
            }
        }
        return sum / (real * width);
    }

    /** KL(teacher || student) per real query, head by head, in plain Java. */
    private static double attentionKl(float[] student, float[] teacher, float[] mask, int batch, int heads,
            int teacherHeads, int tokens) {
        double sum = 0;
        double real = 0;
        for (int b = 0; b < batch; b++) {
            for (int q = 0; q < tokens; q++) {
                if (mask[b * tokens + q] == 0) {
                    continue;
                }
                real++;
                for (int h = 0; h < heads; h++) {
                    int row = ((b * heads + h) * tokens + q) * tokens;
                    for (int k = 0; k < tokens; k++) {
                        if (teacher[row + k] > 0) {
                            sum += teacher[row + k] * Math.log(teacher[row + k] / student[row + k]);
                        }
                    }
                }
            }
        }
        return sum / (real * heads);
    }
}
