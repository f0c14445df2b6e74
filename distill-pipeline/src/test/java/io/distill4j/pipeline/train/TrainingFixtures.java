package io.distill4j.pipeline.train;

import java.util.Arrays;
import java.util.Random;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.distill4j.pipeline.cache.SoftTargets;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.student.bag.BagOfEmbeddingsConfig;

/** Small synthetic tasks and students for the trainer's tests. */
final class TrainingFixtures {

    static final int CLASSES = 3;

    static final int VOCAB = 40;

    private TrainingFixtures() {
    }

    /**
     * Class c is marked by token 1 + c somewhere in a text of 2 to 12 filler tokens; the teacher is sure
     * of the class; every fourth example has no hard label.
     */
    static EncodedSplit classification(int size, long seed) {
        Random random = new Random(seed);
        long[][] ids = new long[size][];
        long[] hard = new long[size];
        float[][] teacher = new float[size][CLASSES];
        for (int i = 0; i < size; i++) {
            int label = i % CLASSES;
            int length = 2 + random.nextInt(11);
            ids[i] = new long[length];
            for (int t = 0; t < length; t++) {
                ids[i][t] = 5 + random.nextInt(VOCAB - 5);
            }
            ids[i][random.nextInt(length)] = 1 + label;
            hard[i] = i % 4 == 3 ? DistillationLoss.NO_LABEL : label;
            Arrays.fill(teacher[i], -2f);
            teacher[i][label] = 3f;
        }
        return new EncodedSplit(ids, hard, SoftTargets.of(teacher));
    }

    /** A bag-of-embeddings classifier for {@link #classification}. */
    static StudentModel classifier(int seed, float dropout) {
        return StudentModel.create(BagOfEmbeddingsConfig.builder().vocabSize(VOCAB).embeddingDim(16).hiddenSizes(32)
                .outputSize(CLASSES).dropout(dropout).build().newBlock(), seed);
    }

    /** Every parameter's values, in the block's order. */
    static float[][] weights(StudentModel model) {
        float[][] weights = new float[model.block().getParameters().size()][];
        int i = 0;
        for (Pair<String, Parameter> parameter : model.block().getParameters()) {
            weights[i++] = parameter.getValue().getArray().toFloatArray();
        }
        return weights;
    }
}
