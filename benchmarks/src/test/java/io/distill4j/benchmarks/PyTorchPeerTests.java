package io.distill4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class PyTorchPeerTests {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    @Test
    void referenceBlasGetsAWarningThatSaysWhatToInstall() {
        assertThat(PyTorchPeer.blasWarning(MAPPER.readTree("{\"blas\": \"/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0\"}")))
                .hasValueSatisfying(warning -> assertThat(warning).contains("reference BLAS")
                        .contains("/blas/libblas.so.3.11.0").contains("apt-get install libopenblas0-pthread"));
    }

    @Test
    void openBlasOrNoBlasReportGetsNoWarning() {
        assertThat(PyTorchPeer.blasWarning(MAPPER.readTree(
                "{\"blas\": \"/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3\"}"))).isEmpty();
        assertThat(PyTorchPeer.blasWarning(MAPPER.readTree("{}"))).isEmpty();
    }
}
