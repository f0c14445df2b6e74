package io.distill4j.pipeline.student;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import io.distill4j.api.distill.StudentSpec;
import io.distill4j.pipeline.student.bag.BagOfEmbeddingsConfig;
import io.distill4j.pipeline.student.textcnn.TextCnnConfig;
import io.distill4j.pipeline.student.transformer.TransformerConfig;

/**
 * The registry of student architectures: the one list of them, one line each, and the one lookup from a
 * {@link StudentSpec} kind or an architecture id to an architecture. The order of the list is the order in
 * which {@link StudentSpec#auto()} tries them.
 */
final class Architectures {

    static final List<Architecture> ALL = List.of(
            BagOfEmbeddingsConfig.definition(),
            TextCnnConfig.definition(),
            TransformerConfig.definition());

    private Architectures() {
    }

    static Optional<Architecture> byId(String id) {
        return ALL.stream().filter(architecture -> architecture.id().equals(id)).findFirst();
    }

    static List<StudentShape> shapes(StudentSpec spec, int maxSequenceLength, Optional<TeacherEncoder> teacherEncoder) {
        if (spec instanceof StudentSpec.Auto) {
            return ALL.stream().flatMap(architecture -> architecture.autoShapes(maxSequenceLength).stream()).toList();
        }
        for (Architecture architecture : ALL) {
            for (SpecKind<?> kind : architecture.specKinds()) {
                if (kind.matches(spec)) {
                    return List.of(kind.shape(spec, maxSequenceLength, teacherEncoder));
                }
            }
        }
        throw new IllegalArgumentException("No student architecture answers to " + spec.getClass().getSimpleName()
                + "; registered: " + ALL.stream().map(Architecture::id).collect(Collectors.joining(", ")));
    }
}
