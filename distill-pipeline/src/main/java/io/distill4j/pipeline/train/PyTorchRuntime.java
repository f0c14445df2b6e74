package io.distill4j.pipeline.train;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.util.Platform;
import ai.djl.util.Utils;
import io.distill4j.api.exception.DistillationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads DJL's PyTorch engine from the jars on the class path, never from the network, and sets its
 * thread pools. Training code calls {@link #engine()} (or {@link #engine(int, int)}) instead of
 * {@code Engine.getEngine("PyTorch")} so that a missing or mismatched jar fails at once with a message
 * that names the Maven coordinates to add, rather than with DJL trying to download a library.
 *
 * <pre>{@code
 * Engine engine = PyTorchRuntime.engine(4, 1);   // 4 intra-op threads, 1 inter-op thread
 * try (Model model = Model.newInstance("student", Device.cpu(), engine.getEngineName())) { ... }
 * }</pre>
 *
 * <p>Three jars make the engine: {@code ai.djl.pytorch:pytorch-engine} (Java), {@code
 * ai.djl.pytorch:pytorch-jni} (DJL's JNI glue, {@code libdjl_torch}) and {@code
 * ai.djl.pytorch:pytorch-native-cpu} with the platform's classifier, e.g. {@code linux-x86_64}
 * ({@code libtorch}). On first load DJL copies the native libraries out of the last two jars into its
 * engine cache directory, {@code ENGINE_CACHE_DIR} (environment variable or system property), else
 * {@code DJL_CACHE_DIR}, else {@code ~/.djl.ai}; {@link #nativeLibraryDirectory()} says which one
 * was used. The copy happens once per cache directory (about 450 MB); later loads reuse it.
 *
 * <p>The engine is process-wide and is never closed; nothing here owns native memory.
 */
public final class PyTorchRuntime {

    /** DJL's name for the engine. */
    public static final String ENGINE_NAME = "PyTorch";

    private static final Logger logger = LoggerFactory.getLogger(PyTorchRuntime.class);

    private static final String ENGINE_PROPERTIES = "pytorch-engine.properties";

    private static final String JNI_PROPERTIES = "jnilib/pytorch.properties";

    private static final String NATIVE_PROPERTIES = "native/lib/pytorch.properties";

    private static final int MAX_THREADS = 1024;

    private static final NDIndex EVERYTHING = new NDIndex("...");

    private PyTorchRuntime() {
    }

    /**
     * Returns the PyTorch engine with PyTorch's default thread pools (one intra-op thread per core).
     * @throws DistillationException if a jar is missing or the native library cannot be loaded
     */
    public static Engine engine() {
        return engine(0, 0);
    }

    /**
     * Returns the PyTorch engine and sets its thread pools. Both settings are process-wide. The
     * intra-op count (threads inside one operator, {@code torch.set_num_threads}) may be changed at any
     * time. The inter-op count ({@code torch.set_num_interop_threads}) can be set only once, before
     * PyTorch first runs work in parallel; asking for a different value later throws.
     * @param intraOpThreads 0 keeps the current setting, else 1 to 1024
     * @param interOpThreads 0 keeps the current setting, else 1 to 1024
     * @throws IllegalArgumentException if a count is outside 0..1024
     * @throws IllegalStateException if the inter-op count is already fixed to another value
     * @throws DistillationException if a jar is missing or the native library cannot be loaded
     */
    public static synchronized Engine engine(int intraOpThreads, int interOpThreads) {
        requireThreads("intraOpThreads", intraOpThreads);
        requireThreads("interOpThreads", interOpThreads);
        Engine engine = load();
        if (intraOpThreads > 0 && JniUtils.getNumThreads() != intraOpThreads) {
            JniUtils.setNumThreads(intraOpThreads);
        }
        if (interOpThreads > 0) {
            int current = JniUtils.getNumInteropThreads();
            if (current != interOpThreads) {
                try {
                    JniUtils.setNumInteropThreads(interOpThreads);
                }
                catch (EngineException ex) {
                    throw new IllegalStateException("interOpThreads can be set only once per process, before PyTorch runs"
                            + " parallel work; it is already " + current + ", cannot change it to " + interOpThreads, ex);
                }
            }
        }
        return engine;
    }

    /** Threads PyTorch uses inside one operator (loads the engine if needed). */
    public static int intraOpThreads() {
        load();
        return JniUtils.getNumThreads();
    }

    /** Threads PyTorch uses to run independent operators in parallel (loads the engine if needed). */
    public static int interOpThreads() {
        load();
        return JniUtils.getNumInteropThreads();
    }

    /** The directory DJL loaded {@code libtorch} from: the engine cache directory (loads the engine if needed). */
    public static Path nativeLibraryDirectory() {
        load();
        return Paths.get(LibUtils.getLibtorchPath());
    }

    /** The directory DJL extracts native engines into when nothing is loaded yet, see the class comment. */
    public static Path engineCacheDirectory() {
        return Utils.getEngineCacheDir(ENGINE_NAME.toLowerCase(Locale.ROOT));
    }

    private static synchronized Engine load() {
        checkClassPath(Thread.currentThread().getContextClassLoader() != null
                ? Thread.currentThread().getContextClassLoader() : PyTorchRuntime.class.getClassLoader());
        long start = System.nanoTime();
        try {
            Engine engine = Engine.getEngine(ENGINE_NAME);
            if (logger.isDebugEnabled()) {
                logger.debug("PyTorch {} ready in {} ms from {}", engine.getVersion(), (System.nanoTime() - start) / 1_000_000,
                        LibUtils.getLibtorchPath());
            }
            return engine;
        }
        catch (EngineException | IllegalArgumentException ex) {
            throw new DistillationException(null, "Cannot load the PyTorch engine (engine cache directory "
                    + engineCacheDirectory() + "): " + ex.getMessage(), ex);
        }
    }

    /**
     * Fails unless the three PyTorch jars are on the class path, the native jar matches this platform,
     * and their versions agree, so that DJL finds everything locally and never downloads.
     */
    static void checkClassPath(ClassLoader loader) {
        Properties engine = properties(loader, ENGINE_PROPERTIES);
        if (engine == null) {
            throw missing("ai.djl.pytorch:pytorch-engine", "it holds DJL's PyTorch engine");
        }
        String djlVersion = engine.getProperty("djl_version");
        String torchVersion = engine.getProperty("pytorch_version");
        Properties jni = properties(loader, JNI_PROPERTIES);
        if (jni == null) {
            throw missing("ai.djl.pytorch:pytorch-jni:" + torchVersion + "-" + djlVersion,
                    "it holds libdjl_torch; without it DJL would download the library at run time");
        }
        String classifier = Platform.fromSystem(ENGINE_NAME.toLowerCase(Locale.ROOT)).getClassifier();
        List<String> seen = new ArrayList<>();
        Properties nativeLib = null;
        try {
            Enumeration<URL> urls = loader.getResources(NATIVE_PROPERTIES);
            while (urls.hasMoreElements()) {
                URL url = urls.nextElement();
                Properties p = properties(url);
                seen.add(p.getProperty("flavor", "?") + "-" + p.getProperty("classifier", "?")
                        + (p.getProperty("placeholder") != null ? " (placeholder)" : ""));
                if (p.getProperty("placeholder") == null && classifier.equals(p.getProperty("classifier"))) {
                    nativeLib = p;
                }
            }
        }
        catch (IOException ex) {
            throw new DistillationException(null, "Cannot list " + NATIVE_PROPERTIES + " on the class path: " + ex.getMessage(), ex);
        }
        if (nativeLib == null) {
            throw missing("ai.djl.pytorch:pytorch-native-cpu:" + torchVersion + " with classifier " + classifier,
                    "it holds libtorch for this platform; without it DJL would download the library at run time"
                            + (seen.isEmpty() ? "" : " (found only " + String.join(", ", seen) + ")"));
        }
        String nativeVersion = nativeLib.getProperty("version", "");
        String torch = nativeVersion.contains("-") ? nativeVersion.substring(0, nativeVersion.indexOf('-')) : nativeVersion;
        String jniVersion = jni.getProperty("jni_version", "");
        if (!jniVersion.startsWith(torch + "-" + djlVersion)) {
            throw new DistillationException(null, "PyTorch jars disagree: pytorch-native-cpu is " + torch + ", pytorch-jni is "
                    + jniVersion + ", pytorch-engine is " + djlVersion + "; DJL would download a matching JNI library."
                    + " Use pytorch-jni " + torch + "-" + djlVersion, null);
        }
        String override = Utils.getEnvOrSystemProperty("PYTORCH_VERSION");
        if (override != null && !override.isEmpty() && !nativeVersion.startsWith(override)) {
            throw new DistillationException(null, "PYTORCH_VERSION=" + override + " asks DJL for a PyTorch other than the"
                    + " bundled " + nativeVersion + ", which it would download; unset it", null);
        }
    }

    private static DistillationException missing(String coordinates, String why) {
        return new DistillationException(null, "The PyTorch engine is not usable: " + coordinates
                + " is not on the class path (" + why + "). Add it as a dependency.", null);
    }

    private static Properties properties(ClassLoader loader, String resource) {
        URL url = loader.getResource(resource);
        return (url != null) ? properties(url) : null;
    }

    private static Properties properties(URL url) {
        Properties properties = new Properties();
        try (InputStream in = url.openStream()) {
            properties.load(in);
        }
        catch (IOException ex) {
            throw new DistillationException(null, "Cannot read " + url + ": " + ex.getMessage(), ex);
        }
        return properties;
    }

    private static void requireThreads(String field, int threads) {
        if (threads < 0 || threads > MAX_THREADS) {
            throw new IllegalArgumentException(field + " must be between 0 (keep the current setting) and " + MAX_THREADS
                    + ", was " + threads);
        }
    }

    /**
     * Copies {@code values} into {@code target}'s own memory, whatever the calling thread's grad mode.
     * ({@code NDArray.set(Buffer)} would instead make the tensor use a Java buffer as its storage, with
     * another alignment than PyTorch's allocator gives; a resumed run keeps its arrays where an
     * uninterrupted one has them.) Used to put saved weights and optimizer moments back, and to load
     * imported weights into a student.
     *
     * @param target a PyTorch array of {@code values.length} elements
     */
    public static void copyInto(NDArray target, float[] values) {
        // PyTorch's grad mode is per thread and on by default in a new one (a distiller's worker): an
        // in-place write into a parameter that requires grad is refused there unless grad mode is off.
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDArray source = target.getManager().create(values, target.getShape())) {
            target.set(EVERYTHING, source);
        }
        finally {
            JniUtils.setGradMode(gradMode);
        }
    }
}
