package io.distill4j.spring.spec;

import java.nio.file.Path;

import io.distill4j.api.exception.InvalidInputException;

/**
 * A distillation spec file that cannot be read: it does not parse as YAML, names a field the spec message
 * does not have, or gives a value of the wrong type. The message names the file and the field.
 */
public class DistillationSpecFileException extends InvalidInputException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /**
     * @param file the spec file
     * @param field the offending field as a path ({@code data.train_path}, {@code gates[0].threshold}), or,
     * for YAML that does not parse, where it stops ({@code line 3, column 7})
     * @param message what is wrong
     */
    public DistillationSpecFileException(Path file, String field, String message) {
        super(null, field, message);
        this.file = file;
    }

    /** The spec file. */
    public Path file() {
        return this.file;
    }

    @Override
    public String getMessage() {
        return this.file + ": " + super.getMessage();
    }
}
