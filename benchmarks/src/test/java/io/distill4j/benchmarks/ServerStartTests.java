package io.distill4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class ServerStartTests {

    @Test
    void modelLoadTimesAreSummedFromTheEnginesLog() {
        List<String> log = List.of(
                "19:58:04.896 INFO  i.d.cli.Distill4jCli - Starting Distill4jCli using Java 17.0.15",
                "19:58:19.994 INFO  i.d.e.OnnxInferenceEngine - Loaded model minilm/1 (text-embedding, provider CPU) in 2120 ms",
                "19:58:20.101 INFO  i.d.e.OnnxInferenceEngine - Loaded model intents/3 (text-classification, provider CPU) in 85 ms");

        assertThat(ServerStart.loadedModelMillis(log)).hasValue(2205);
    }

    @Test
    void aLogWithoutLoadedModelsHasNoLoadTime() {
        assertThat(ServerStart.loadedModelMillis(List.of("Started", "Loaded nothing in 5 ms"))).isEmpty();
    }

    @Test
    void variantsAreFoundByTheirFlagName() {
        assertThat(ServerStart.Variant.names()).containsExactly("jar", "extracted", "cds");
        assertThat(ServerStart.Variant.of("cds")).isEqualTo(ServerStart.Variant.CDS);
        assertThatThrownBy(() -> ServerStart.Variant.of("aot"))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining("unknown server variant aot");
    }
}
