package io.distill4j.api.labelling;

/** Where a {@link LabelledText}'s distribution over the labels comes from. */
public enum TargetSource {

    /** The provider's log-probabilities of the label tokens, normalized over the label set. */
    LOG_PROBABILITIES,

    /** The share of each label among {@link LabellingOptions#samples()} sampled answers. */
    SAMPLES,

    /** One answer: probability 1 for its label (the distiller smooths it, see {@code TeacherSpec.Llm}). */
    SINGLE_ANSWER,

    /** No answer in the label set within {@link LabellingOptions#attempts()} attempts: no distribution. */
    NONE
}
