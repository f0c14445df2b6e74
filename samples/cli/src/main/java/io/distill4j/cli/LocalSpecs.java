package io.distill4j.cli;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.spring.grpc.DistillationMessages;
import io.distill4j.spring.spec.DistillationSpecFileException;
import io.distill4j.spring.spec.DistillationSpecFiles;

/**
 * A spec file read for a distillation in this process: its relative paths resolve against the working
 * directory, and, unlike a spec that arrives over gRPC, it may name any file the process can read.
 */
final class LocalSpecs {

    private LocalSpecs() {
    }

    /**
     * The API spec of a spec file, with the checks a gRPC Submit gets (teacher and train file required, the
     * API's limits).
     * @throws DistillationSpecFileException naming the file and the field
     */
    static DistillationSpec read(Path file) {
        List<Path> roots = new ArrayList<>();
        roots.add(Path.of("").toAbsolutePath());
        FileSystems.getDefault().getRootDirectories().forEach(roots::add);
        io.distill4j.api.grpc.distill.v1.DistillationSpec message = DistillationSpecFiles.read(file);
        try {
            return new DistillationMessages(roots).toSpec(message);
        }
        catch (InvalidInputException ex) {
            String prefix = ex.field() + ": ";
            throw new DistillationSpecFileException(file, ex.field(), ex.getMessage().startsWith(prefix)
                    ? ex.getMessage().substring(prefix.length()) : ex.getMessage());
        }
    }
}
