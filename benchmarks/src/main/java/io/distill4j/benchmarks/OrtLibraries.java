package io.distill4j.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import ai.onnxruntime.OrtEnvironment;
import io.distill4j.engine.files.AtomicFiles;

/**
 * ONNX Runtime's native libraries taken out of its jar once, for a JVM started with
 * {@code -D}{@value #PROPERTY}: by default every JVM copies them (about 28 MB on Linux x64) out of the jar into a
 * temporary folder before it loads them; with the property it loads them from that folder.
 */
final class OrtLibraries {

    /** ONNX Runtime's system property naming a folder that holds its native libraries. */
    static final String PROPERTY = "onnxruntime.native.path";

    private OrtLibraries() {
    }

    /**
     * Copies this platform's {@code onnxruntime} and {@code onnxruntime4j_jni} libraries from the class path into
     * {@code folder}.
     * @return the folder, or empty if this platform's libraries are not on the class path
     */
    static Optional<Path> extract(Path folder) {
        Optional<String> platform = platform(System.getProperty("os.name"), System.getProperty("os.arch"));
        if (platform.isEmpty()) {
            return Optional.empty();
        }
        try {
            Files.createDirectories(folder);
            for (String library : List.of("onnxruntime", "onnxruntime4j_jni")) {
                String file = System.mapLibraryName(library);
                String resource = "ai/onnxruntime/native/" + platform.get() + "/" + file;
                try (InputStream in = OrtEnvironment.class.getClassLoader().getResourceAsStream(resource)) {
                    if (in == null) {
                        return Optional.empty();
                    }
                    AtomicFiles.write(folder.resolve(file), in::transferTo);
                }
            }
            return Optional.of(folder.toAbsolutePath());
        }
        catch (IOException ex) {
            throw new BenchmarkException("Cannot copy ONNX Runtime's native libraries to " + folder, ex);
        }
    }

    /**
     * The folder name ONNX Runtime's jar uses for a platform ({@code linux-x64}, {@code osx-aarch64}, ...), or empty
     * for a platform it does not ship.
     */
    static Optional<String> platform(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String system = os.contains("linux") ? "linux" : os.contains("mac") ? "osx" : os.contains("win") ? "win" : null;
        String arch = switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> "x64";
            case "aarch64", "arm64" -> "aarch64";
            default -> null;
        };
        return system == null || arch == null ? Optional.empty() : Optional.of(system + "-" + arch);
    }
}
