package io.distill4j.engine.session;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import ai.onnxruntime.OrtEnvironment;
import io.distill4j.engine.files.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps ONNX Runtime's native libraries in a per-user cache folder, so that a new JVM loads them from there
 * instead of copying them (28 MB on Linux x86_64) out of the jar into a temporary folder, as ONNX Runtime's
 * loader does on every start when it is not told where they are.
 *
 * <p>{@link #prepare()} runs once, before the first ONNX Runtime class initializes: it copies every library the
 * jar holds for this platform into {@code <cache>/onnxruntime-<version>-<platform>/} (each file written beside
 * its final name and renamed into place, so that two JVMs starting together, or a crash half-way, never leave a
 * partial library to load; a file whose size differs from the jar's is written again), then points ONNX
 * Runtime's own {@code onnxruntime.native.path} at that folder. The cache is {@value #CACHE_PROPERTY} when set
 * ({@code none} switches this off), else {@code $XDG_CACHE_HOME/distill4j}, else {@code ~/.cache/distill4j}.
 *
 * <p>Nothing changes where the user already chose: an {@code onnxruntime.native.path} (or a per-library
 * {@code onnxruntime.native.onnxruntime.path}) set before is kept. When the folder cannot be written (a
 * read-only home in a container), ONNX Runtime extracts as before and a debug line says why.
 */
final class OrtNativeCache {

    /** System property naming the cache folder, or {@code none}. */
    static final String CACHE_PROPERTY = "distill4j.native-cache";

    /** ONNX Runtime's own property: the folder it loads its libraries from. */
    static final String ORT_NATIVE_PATH = "onnxruntime.native.path";

    private static final String ORT_LIBRARY_PATH = "onnxruntime.native.onnxruntime.path";

    /** Every library ONNX Runtime's jars ship; those this jar lacks (the GPU providers in the CPU jar) are skipped. */
    private static final List<String> LIBRARIES = List.of("onnxruntime", "onnxruntime4j_jni",
            "onnxruntime_providers_shared", "onnxruntime_providers_cuda", "onnxruntime_providers_tensorrt");

    private static final Logger logger = LoggerFactory.getLogger(OrtNativeCache.class);

    private static boolean prepared;

    private OrtNativeCache() {
    }

    /** Points ONNX Runtime at the cached libraries, copying them there first if needed; runs once per JVM. */
    static synchronized void prepare() {
        if (prepared) {
            return;
        }
        prepared = true;
        if (System.getProperty(ORT_NATIVE_PATH) != null || System.getProperty(ORT_LIBRARY_PATH) != null) {
            return;
        }
        Path root = cacheRoot();
        String platform = platform();
        String version = OrtEnvironment.class.getPackage().getImplementationVersion();
        if (root == null || platform == null || version == null) {
            return;
        }
        Path folder = root.resolve("onnxruntime-" + version + "-" + platform);
        try {
            if (fill(folder, "/ai/onnxruntime/native/" + platform + "/")) {
                System.setProperty(ORT_NATIVE_PATH, folder.toString());
            }
        }
        catch (IOException | RuntimeException ex) {
            logger.debug("ONNX Runtime's libraries are not cached in {} ({}); it copies them out of its jar itself",
                    folder, ex.toString());
        }
    }

    /**
     * Copies the libraries of {@code resourceFolder} that are missing or of another size into {@code folder}.
     * @return whether the main library was found in the jar (so that ONNX Runtime can load from the folder)
     */
    static boolean fill(Path folder, String resourceFolder) throws IOException {
        boolean found = false;
        for (String library : LIBRARIES) {
            String fileName = System.mapLibraryName(library).replace(".jnilib", ".dylib");
            URL resource = OrtEnvironment.class.getResource(resourceFolder + fileName);
            if (resource == null) {
                continue;
            }
            found |= library.equals("onnxruntime");
            URLConnection connection = resource.openConnection();
            long size = connection.getContentLengthLong();
            Path target = folder.resolve(fileName);
            if (size >= 0 && Files.isRegularFile(target) && Files.size(target) == size) {
                continue;
            }
            Files.createDirectories(folder);
            try (InputStream in = connection.getInputStream()) {
                AtomicFiles.write(target, in::transferTo);
            }
        }
        return found;
    }

    private static Path cacheRoot() {
        String configured = System.getProperty(CACHE_PROPERTY);
        if (configured != null) {
            return configured.isBlank() || configured.equalsIgnoreCase("none") ? null : Path.of(configured);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "distill4j");
        }
        String home = System.getProperty("user.home");
        return home == null || home.isBlank() || home.equals("?") ? null : Path.of(home, ".cache", "distill4j");
    }

    /** The folder name ONNX Runtime's jar uses for this JVM's platform, or {@code null}; see the overload. */
    static String platform() {
        return platform(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    }

    /** The folder name ONNX Runtime's jar uses for a platform, or {@code null} for one it does not ship. */
    static String platform(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String arch = osArch.toLowerCase(Locale.ROOT);
        String osPart = os.contains("mac") || os.contains("darwin") ? "osx"
                : os.contains("win") ? "win" : os.contains("nux") ? "linux" : null;
        String archPart = arch.equals("amd64") || arch.equals("x86_64") ? "x64"
                : arch.equals("aarch64") || arch.equals("arm64") ? "aarch64" : null;
        return osPart == null || archPart == null ? null : osPart + "-" + archPart;
    }
}
