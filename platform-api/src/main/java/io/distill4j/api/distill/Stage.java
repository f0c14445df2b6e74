package io.distill4j.api.distill;

/**
 * The stages of a distillation job, in the order they run. A stage with nothing to do is skipped:
 * {@link #TUNING} when the spec fixes the student, {@link #TEACHER} on a soft-target cache hit (it then
 * only reads the cache), {@link #REGISTER} when nothing is registered.
 */
public enum Stage {
    /** Read, validate and split the data; tokenize it; apply augmentation. */
    PREPARE_DATA,
    /** Run the teacher over the data and write its soft targets to the on-disk cache; close the teacher. */
    TEACHER,
    /**
     * Auto-tuning: trials over student shape and training hyper-parameters within the {@link Budget},
     * each a short training run on the cached soft targets, scored on the validation split.
     */
    TUNING,
    /** Build the chosen (or fixed) student and train it to completion on the cached soft targets. */
    STUDENT,
    /** Export the student to ONNX and check parity with the trained model. */
    EXPORT,
    /** Quantize the exported student to INT8 and evaluate it. */
    QUANTIZE,
    /** Check the student's operators against the execution providers and open a session on it. */
    COMPATIBILITY,
    /** Write the JSON and HTML reports and evaluate the quality gates. */
    REPORT,
    /** Register the student as a new version in the model repository. */
    REGISTER
}
