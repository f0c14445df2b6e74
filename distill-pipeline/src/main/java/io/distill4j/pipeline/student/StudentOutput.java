package io.distill4j.pipeline.student;

/** What a student's single output array means; it decides the output's name in the exported graph. */
public enum StudentOutput {

    /** Unnormalised class scores {@code [B, classes]}, trained against a teacher's logits. */
    LOGITS("logits"),

    /** A sentence embedding {@code [B, width]}, trained against a teacher's embeddings. */
    EMBEDDING("embedding");

    private final String tensorName;

    StudentOutput(String tensorName) {
        this.tensorName = tensorName;
    }

    /** The output's name in an exported graph: {@code logits} or {@code embedding}. */
    public String tensorName() {
        return this.tensorName;
    }
}
