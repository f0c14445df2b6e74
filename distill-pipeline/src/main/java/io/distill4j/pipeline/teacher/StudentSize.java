package io.distill4j.pipeline.teacher;

/**
 * The parameters of the largest student a job may build, which a teacher weighs against its own size
 * to choose a {@link io.distill4j.api.distill.MemoryMode} when the spec says {@code AUTO}.
 */
@FunctionalInterface
public interface StudentSize {

    /**
     * @param vocabSize the tokenizer's vocabulary size
     * @param outputWidth values per soft-target row (classes, or the embedding width)
     */
    long largestParameterCount(int vocabSize, int outputWidth);
}
