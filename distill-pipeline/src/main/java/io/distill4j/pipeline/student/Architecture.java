package io.distill4j.pipeline.student;

import java.util.List;
import java.util.Optional;

import io.distill4j.api.distill.StudentSpec;
import io.distill4j.pipeline.export.ArchitectureGraph;

/**
 * One student architecture, everything the pipeline needs to know about it in one place: which
 * {@link StudentSpec} kinds describe it and the shapes they ask for, the sizes auto-tuning tries, and the
 * writer of its ONNX graph. Each architecture lives in its own package ({@code student.bag},
 * {@code student.textcnn}, {@code student.transformer}) with its configuration, its DJL block and its graph
 * writer, and is registered on one line of {@link Architectures}; nothing else chooses by architecture.
 *
 * <pre>{@code
 * List<StudentShape> shapes = Architecture.shapes(spec, maxSequenceLength, teacherEncoder);
 * ArchitectureGraph graph = Architecture.of(config.architecture()).orElseThrow().graph(config);
 * }</pre>
 *
 * Implementations are stateless singletons.
 */
public interface Architecture {

    /** The architecture id, the one its configurations return from {@link StudentConfig#architecture()}. */
    String id();

    /** The spec kinds that ask for this architecture, each with the shape it describes. */
    List<SpecKind<?>> specKinds();

    /**
     * The sizes {@link StudentSpec#auto()} tries of this architecture, smallest first.
     * @param maxSequenceLength the longest input the student must take
     */
    List<StudentShape> autoShapes(int maxSequenceLength);

    /**
     * The writer of the ONNX graph of a configuration of this architecture.
     * @throws ClassCastException if {@code config} is of another architecture
     */
    ArchitectureGraph graph(StudentConfig config);

    /** Every registered architecture, in registration order. */
    static List<Architecture> all() {
        return Architectures.ALL;
    }

    /** The architecture with this id, if one is registered. */
    static Optional<Architecture> of(String id) {
        return Architectures.byId(id);
    }

    /**
     * The student shapes a spec allows: every architecture's {@link #autoShapes} for {@link StudentSpec#auto()},
     * in registration order, else the one shape of the architecture whose {@link #specKinds()} has the spec's kind.
     *
     * @param maxSequenceLength the longest input the student must take (it sizes a position table)
     * @param teacherEncoder the teacher's ONNX encoder, for the shapes that start from the teacher's weights
     * @throws IllegalArgumentException if the spec asks for something the teacher or the registered architectures
     *     cannot give
     */
    static List<StudentShape> shapes(StudentSpec spec, int maxSequenceLength, Optional<TeacherEncoder> teacherEncoder) {
        return Architectures.shapes(spec, maxSequenceLength, teacherEncoder);
    }
}
