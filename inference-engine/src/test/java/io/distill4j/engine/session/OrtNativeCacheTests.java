package io.distill4j.engine.session;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class OrtNativeCacheTests {

    private static final String FOLDER = "/ai/onnxruntime/native/" + OrtNativeCache.platform() + "/";

    private static final String LIBRARY = System.mapLibraryName("onnxruntime").replace(".jnilib", ".dylib");

    @TempDir
    Path cache;

    @Test
    void copiesTheJarsLibrariesOnceAndLeavesCompleteCopiesAlone() throws Exception {
        assertThat(OrtNativeCache.fill(this.cache, FOLDER)).isTrue();
        Path library = this.cache.resolve(LIBRARY);
        long size = Files.size(library);
        assertThat(size).isGreaterThan(1_000_000);
        assertThat(this.cache.resolve(System.mapLibraryName("onnxruntime4j_jni").replace(".jnilib", ".dylib")))
            .isRegularFile();
        FileTime stamp = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
        Files.setLastModifiedTime(library, stamp);

        assertThat(OrtNativeCache.fill(this.cache, FOLDER)).isTrue();
        assertThat(Files.getLastModifiedTime(library)).isEqualTo(stamp);
        try (var files = Files.list(this.cache)) {
            assertThat(files.map(path -> path.getFileName().toString())).noneMatch(name -> name.startsWith("."));
        }
    }

    @Test
    void writesAgainALibraryLeftTruncated() throws Exception {
        OrtNativeCache.fill(this.cache, FOLDER);
        Path library = this.cache.resolve(LIBRARY);
        long size = Files.size(library);
        Files.write(library, new byte[] {1, 2, 3});

        OrtNativeCache.fill(this.cache, FOLDER);

        assertThat(Files.size(library)).isEqualTo(size);
    }

    @Test
    void findsNothingForAPlatformTheJarDoesNotShip() throws Exception {
        assertThat(OrtNativeCache.fill(this.cache, "/ai/onnxruntime/native/plan9-mips/")).isFalse();
        try (var files = Files.list(this.cache)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void namesPlatformsAsOnnxRuntimesJarDoes() {
        assertThat(OrtNativeCache.platform("Linux", "amd64")).isEqualTo("linux-x64");
        assertThat(OrtNativeCache.platform("Linux", "aarch64")).isEqualTo("linux-aarch64");
        assertThat(OrtNativeCache.platform("Mac OS X", "aarch64")).isEqualTo("osx-aarch64");
        assertThat(OrtNativeCache.platform("Windows 11", "x86_64")).isEqualTo("win-x64");
        assertThat(OrtNativeCache.platform("Linux", "s390x")).isNull();
        assertThat(OrtNativeCache.platform("FreeBSD", "amd64")).isNull();
    }
}
