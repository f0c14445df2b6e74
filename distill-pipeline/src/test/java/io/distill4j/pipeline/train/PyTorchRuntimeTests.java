package io.distill4j.pipeline.train;

import java.io.IOException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Set;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.util.Platform;
import io.distill4j.api.exception.DistillationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PyTorchRuntimeTests {

    private static final String NATIVE_PROPERTIES = "native/lib/pytorch.properties";

    @Test
    void loadsTheCpuEngineAndComputes() {
        Engine engine = PyTorchRuntime.engine();
        assertThat(engine.getEngineName()).isEqualTo("PyTorch");
        assertThat(engine.getVersion()).isEqualTo("2.7.1");
        try (NDManager manager = engine.newBaseManager()) {
            NDArray sum = manager.create(new float[] { 1, 2, 3 }).sum();
            assertThat(sum.getFloat()).isEqualTo(6f);
        }
    }

    @Test
    void nativeLibraryIsTheOneBundledInTheClassPathJar() throws IOException {
        PyTorchRuntime.engine();
        Platform platform = Platform.detectPlatform("pytorch");
        assertThat(platform.isPlaceholder()).as("a placeholder platform means DJL would download").isFalse();
        assertThat(platform.getFlavor()).isEqualTo("cpu");

        Path dir = PyTorchRuntime.nativeLibraryDirectory();
        assertThat(dir).startsWith(PyTorchRuntime.engineCacheDirectory());
        if (System.getenv("ENGINE_CACHE_DIR") == null && System.getProperty("ENGINE_CACHE_DIR") != null) {
            // the build points the cache at target/ (distill-pipeline/pom.xml)
            assertThat(dir.toString()).contains("target").contains("djl-engine-cache");
        }
        // Byte-for-byte the size of the jar entry: extracted from the jar, not fetched from elsewhere.
        for (String library : platform.getLibraries()) {
            URL entry = getClass().getClassLoader().getResource("pytorch/cpu/" + platform.getClassifier() + "/" + library);
            assertThat(entry).as(library).isNotNull();
            URLConnection connection = entry.openConnection();
            assertThat(Files.size(dir.resolve(library))).as(library).isEqualTo(connection.getContentLengthLong());
        }
    }

    @Test
    void intraOpThreadsCanBeChangedAtAnyTime() {
        int original = PyTorchRuntime.intraOpThreads();
        try {
            PyTorchRuntime.engine(1, 0);
            assertThat(PyTorchRuntime.intraOpThreads()).isEqualTo(1);
            PyTorchRuntime.engine(2, 0);
            assertThat(PyTorchRuntime.intraOpThreads()).isEqualTo(2);
        }
        finally {
            PyTorchRuntime.engine(original, 0);
        }
    }

    @Test
    void interOpThreadsCanBeFixedOnlyOnce() {
        // PyTorch accepts set_num_interop_threads once per process. The first of these calls that is not
        // a no-op fixes the value; the next one asking for another value must fail.
        int before = PyTorchRuntime.interOpThreads();
        assertThatThrownBy(() -> {
            PyTorchRuntime.engine(0, 1);
            PyTorchRuntime.engine(0, 2);
            PyTorchRuntime.engine(0, 1);
        }).isInstanceOf(IllegalStateException.class).hasMessageContaining("interOpThreads can be set only once");
        int fixed = PyTorchRuntime.interOpThreads();
        assertThat(fixed).isIn(before, 1, 2);
        PyTorchRuntime.engine(0, fixed); // asking for the current value is fine
    }

    @Test
    void threadCountsOutsideTheRangeAreRejectedByName() {
        assertThatIllegalArgumentException().isThrownBy(() -> PyTorchRuntime.engine(-1, 0))
            .withMessageContaining("intraOpThreads").withMessageContaining("1024");
        assertThatIllegalArgumentException().isThrownBy(() -> PyTorchRuntime.engine(0, 1025))
            .withMessageContaining("interOpThreads").withMessageContaining("1024");
    }

    @Test
    void theBuildClassPathPassesTheJarCheck() {
        PyTorchRuntime.checkClassPath(getClass().getClassLoader());
    }

    @Test
    void missingNativeJarIsNamedWithItsClassifier() {
        ClassLoader loader = hiding(Set.of(NATIVE_PROPERTIES));
        assertThatThrownBy(() -> PyTorchRuntime.checkClassPath(loader)).isInstanceOf(DistillationException.class)
            .hasMessageContaining("ai.djl.pytorch:pytorch-native-cpu:2.7.1 with classifier " + platformClassifier())
            .hasMessageContaining("download");
    }

    @Test
    void missingJniJarIsNamedWithItsVersion() {
        ClassLoader loader = hiding(Set.of("jnilib/pytorch.properties"));
        assertThatThrownBy(() -> PyTorchRuntime.checkClassPath(loader)).isInstanceOf(DistillationException.class)
            .hasMessageContaining("ai.djl.pytorch:pytorch-jni:2.7.1-0.35.1");
    }

    @Test
    void missingEngineJarIsNamed() {
        ClassLoader loader = hiding(Set.of("pytorch-engine.properties"));
        assertThatThrownBy(() -> PyTorchRuntime.checkClassPath(loader)).isInstanceOf(DistillationException.class)
            .hasMessageContaining("ai.djl.pytorch:pytorch-engine");
    }

    @Test
    void jniBuiltForAnotherPyTorchIsRejected(@TempDir Path dir) throws IOException {
        Path fake = Files.writeString(dir.resolve("pytorch.properties"), "jni_version=2.5.1-0.33.0\n");
        ClassLoader loader = new ClassLoader(getClass().getClassLoader()) {
            @Override
            public URL getResource(String name) {
                if ("jnilib/pytorch.properties".equals(name)) {
                    try {
                        return fake.toUri().toURL();
                    }
                    catch (IOException ex) {
                        throw new IllegalStateException(ex);
                    }
                }
                return super.getResource(name);
            }
        };
        assertThatThrownBy(() -> PyTorchRuntime.checkClassPath(loader)).isInstanceOf(DistillationException.class)
            .hasMessageContaining("2.5.1-0.33.0")
            .hasMessageContaining("Use pytorch-jni 2.7.1-0.35.1");
    }

    private static String platformClassifier() {
        return Platform.fromSystem("pytorch").getClassifier();
    }

    /** A class loader that sees everything the test's does except the given resources. */
    private ClassLoader hiding(Set<String> hidden) {
        return new ClassLoader(getClass().getClassLoader()) {
            @Override
            public URL getResource(String name) {
                return hidden.contains(name) ? null : super.getResource(name);
            }

            @Override
            public Enumeration<URL> getResources(String name) throws IOException {
                return hidden.contains(name) ? Collections.emptyEnumeration() : super.getResources(name);
            }
        };
    }
}
