package io.distill4j.pipeline.student;

import java.nio.file.Path;
import java.util.Objects;

import io.distill4j.api.distill.Pooling;

/**
 * The teacher's ONNX encoder as a student that starts from its weights sees it: the file, and how the
 * teacher pools its token vectors, which such a student pools the same way.
 *
 * @param file the encoder's ONNX file
 * @param pooling the teacher's pooling
 */
public record TeacherEncoder(Path file, Pooling pooling) {

    public TeacherEncoder {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(pooling, "pooling");
    }
}
