package io.distill4j.api.distill;

/**
 * Whether an encoder teacher ({@link TeacherSpec#onnxEncoder}, or a {@link TeacherSpec#repositoryModel}
 * text-embedding model) of a classification job may be fine-tuned instead of getting a head fitted on its
 * frozen vectors. Embedding jobs never fine-tune; {@link TeacherSpec#fineTuned} always does.
 */
public enum FineTuningPolicy {

    /**
     * The default: the head is fitted on the frozen encoder, then, when the labelled validation split has
     * at least 100 examples and the frozen head is below 98 % accuracy, a short fine-tuning on a
     * class-stratified subsample of the training split (a probe, a heuristic) is compared with a frozen
     * head fitted on the same subsample. The encoder is fine-tuned when the probe wins by at least one
     * point and the estimated fine-tuning time fits {@link Budget#maxDuration()}; otherwise the frozen head
     * teaches. The job's report says which was chosen and why.
     */
    AUTO,

    /** The frozen encoder with a fitted head, never a probe nor a fine-tuning. */
    NEVER
}
