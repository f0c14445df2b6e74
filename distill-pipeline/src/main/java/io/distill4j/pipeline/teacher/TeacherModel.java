package io.distill4j.pipeline.teacher;

import java.nio.file.Path;
import java.util.Objects;

import io.distill4j.pipeline.speed.SpeedProbe;

/**
 * The model behind a teacher that is one, for the report's comparison with the student.
 *
 * @param file its ONNX file
 * @param parameters the elements of its initializers
 * @param fileBytes the file's size
 * @param speed its measured speed on the engine
 */
public record TeacherModel(Path file, long parameters, long fileBytes, SpeedProbe.Figures speed) {

    public TeacherModel {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(speed, "speed");
    }
}
