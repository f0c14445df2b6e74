package io.distill4j.pipeline.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Model files that registry jars on the test class path carry at their root, extracted once into
 * {@code target/models} so that tests can hand them over as paths.
 */
final class ClassPathModels {

    private static final Path DIR = Path.of("target", "models");

    private ClassPathModels() {
    }

    /** The class-path resource {@code /<resource>} as a file. */
    static synchronized Path extract(String resource) {
        Path target = DIR.resolve(resource);
        if (Files.isRegularFile(target)) {
            return target;
        }
        try (InputStream in = ClassPathModels.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test class path");
            }
            Files.createDirectories(DIR);
            Path temp = Files.createTempFile(DIR, resource, ".part");
            Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
