package io.distill4j.pipeline.teacher;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.distill4j.api.distill.MemoryMode;
import io.distill4j.api.distill.Pooling;
import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.pipeline.DistillerConfig;

/**
 * The teacher of a distillation: produces the soft targets of the job's splits into the soft-target
 * cache, then releases everything it opened — sessions, their options, tokenizers — except, in
 * {@link MemoryMode#ONLINE}, an engine that the returned {@link TeacherOutcome} owns until it is closed.
 * There is one implementation per kind of {@link TeacherSpec}, and {@link #forSpec} is the one place
 * that chooses it.
 *
 * <pre>{@code
 * Teacher teacher = Teacher.forSpec(spec.teacher());
 * try (TeacherOutcome outcome = teacher.run(context)) {
 *     try (SoftTargets train = outcome.open("train")) { ... }
 * }
 * }</pre>
 *
 * <p>An instance holds no native resource; {@link #run} may be called more than once (a second run finds
 * its splits in the cache).
 */
public interface Teacher {

    /** The teacher for {@code spec}. */
    static Teacher forSpec(TeacherSpec spec) {
        if (spec instanceof TeacherSpec.OnnxClassifier classifier) {
            return new OnnxClassifierTeacher(classifier);
        }
        if (spec instanceof TeacherSpec.OnnxEncoder encoder) {
            return new AutoFineTuning(encoder, new OnnxEncoderTeacher(encoder), encoder.pooling());
        }
        if (spec instanceof TeacherSpec.RepositoryModel model) {
            return new RepositoryModelTeacher(model);
        }
        if (spec instanceof TeacherSpec.PrecomputedLogits logits) {
            return new PrecomputedLogitsTeacher(logits);
        }
        if (spec instanceof TeacherSpec.FineTuned fineTuned) {
            return new FineTunedTeacher(fineTuned);
        }
        if (spec instanceof TeacherSpec.Llm llm) {
            return new LlmTeacher(llm);
        }
        throw new IllegalArgumentException("teacher: unknown kind " + spec);
    }

    /**
     * Writes the soft targets of every split of {@code context} into its cache (splits already cached are
     * not computed again) and releases the teacher.
     *
     * @throws io.distill4j.api.exception.DistillationException if the teacher cannot teach this data
     * @throws io.distill4j.api.exception.DistillationCancelledException if the context's cancel flag turned
     *     true
     */
    TeacherOutcome run(TeacherContext context);

    /**
     * The labels the teacher itself defines, in logit order (a labelling model's label set), which the job
     * uses instead of the labels found in the data; empty when the data's labels decide.
     */
    default Optional<List<String>> labels() {
        return Optional.empty();
    }

    /**
     * The teacher's ONNX encoder, which a student may start from ({@code StudentSpec.teacherLayers}): an
     * ONNX encoder's file, or a repository model's newest version (for a fine-tuned teacher, its base
     * encoder's); empty for the other teachers.
     */
    default Optional<Path> encoderFile(DistillerConfig config) {
        return Optional.empty();
    }

    /**
     * How the teacher pools its {@link #encoderFile encoder}'s token vectors, which a
     * {@code teacherLayers} student pools the same way: the spec's pooling, or the repository manifest's.
     */
    default Pooling encoderPooling(DistillerConfig config) {
        return Pooling.MEAN;
    }
}
