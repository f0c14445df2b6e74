package io.distill4j.pipeline.student;

import java.util.Objects;
import java.util.Optional;

import io.distill4j.api.distill.StudentSpec;

/**
 * One kind of {@link StudentSpec} an {@link Architecture} answers to, and how a spec of that kind becomes a
 * {@link StudentShape}.
 *
 * <pre>{@code
 * SpecKind.of(StudentSpec.BagOfEmbeddings.class, (spec, maxSequenceLength, encoder) -> shape(spec.embeddingSize(), ...));
 * }</pre>
 *
 * @param <S> the spec kind
 * @param type the spec kind's class
 * @param factory builds the shape a spec of this kind describes
 */
public record SpecKind<S extends StudentSpec>(Class<S> type, Factory<S> factory) {

    public SpecKind {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(factory, "factory");
    }

    public static <S extends StudentSpec> SpecKind<S> of(Class<S> type, Factory<S> factory) {
        return new SpecKind<>(type, factory);
    }

    /** Whether {@code spec} is of this kind. */
    boolean matches(StudentSpec spec) {
        return this.type.isInstance(spec);
    }

    /** The shape {@code spec}, of this kind, describes. */
    StudentShape shape(StudentSpec spec, int maxSequenceLength, Optional<TeacherEncoder> teacherEncoder) {
        return this.factory.shape(this.type.cast(spec), maxSequenceLength, teacherEncoder);
    }

    /**
     * Builds the shape of a spec.
     * @param <S> the spec kind
     */
    @FunctionalInterface
    public interface Factory<S extends StudentSpec> {

        /**
         * @param maxSequenceLength the longest input the student must take
         * @param teacherEncoder the teacher's ONNX encoder and its pooling, if the teacher is one
         * @throws IllegalArgumentException if the spec asks for what the teacher cannot give
         */
        StudentShape shape(S spec, int maxSequenceLength, Optional<TeacherEncoder> teacherEncoder);
    }
}
