package io.distill4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OrtLibrariesTests {

    @Test
    void platformFolderFollowsOnnxRuntimesJarLayout() {
        assertThat(OrtLibraries.platform("Linux", "amd64")).hasValue("linux-x64");
        assertThat(OrtLibraries.platform("Mac OS X", "aarch64")).hasValue("osx-aarch64");
        assertThat(OrtLibraries.platform("Windows 11", "x86_64")).hasValue("win-x64");
    }

    @Test
    void platformsOnnxRuntimeDoesNotShipHaveNoFolder() {
        assertThat(OrtLibraries.platform("Linux", "s390x")).isEmpty();
        assertThat(OrtLibraries.platform("FreeBSD", "amd64")).isEmpty();
    }
}
