package io.distill4j.api.distill;

import io.distill4j.api.TaskType;

/** What the student learns to do, which decides the loss, the metric and the exported model's task. */
public enum DistillationTask {

    /**
     * Text in, one label out. The student learns the teacher's class distribution (soft targets) and,
     * where the data has labels, the labels. Metric: {@code accuracy} (also reported: {@code macro_f1}).
     */
    TEXT_CLASSIFICATION(TaskType.TEXT_CLASSIFICATION, "accuracy"),

    /**
     * Text in, one vector out. The student learns to reproduce the teacher's pooled embeddings. Metric:
     * {@code spearman}, the Spearman correlation of cosine similarity with the score of labelled text
     * pairs (STS-B style data: a text column, a {@link DataSpec#textPairColumn() pair column} and a score
     * in the label column).
     */
    TEXT_EMBEDDING(TaskType.TEXT_EMBEDDING, "spearman");

    private final TaskType taskType;

    private final String primaryMetric;

    DistillationTask(TaskType taskType, String primaryMetric) {
        this.taskType = taskType;
        this.primaryMetric = primaryMetric;
    }

    /** The task of the served student model ({@code model.json}). */
    public TaskType taskType() {
        return this.taskType;
    }

    /** The metric that auto-tuning optimizes and that {@link QualityGate}s use unless they name another. */
    public String primaryMetric() {
        return this.primaryMetric;
    }
}
