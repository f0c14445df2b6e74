package io.distill4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ColdStartOptionsTests {

    @TempDir
    Path temp;

    @Test
    void defaultsRunEverythingFiveTimesOnTheBuiltJar() {
        ColdStartOptions options = ColdStartOptions.parse("--student", "models/intents/3");

        assertThat(options.repetitions()).isEqualTo(5);
        assertThat(options.scenarios()).containsExactly("student", "teachers", "server");
        assertThat(options.variants()).containsExactly("jar", "extracted", "cds");
        assertThat(options.jar()).isEqualTo(Path.of("samples/cli/target/distill4j.jar"));
        assertThat(options.probeJvmArgs()).containsExactly("-Xmx1g");
        assertThat(options.serverJvmArgs()).isEmpty();
        assertThat(options.readyTimeout()).isEqualTo(Duration.ofSeconds(180));
        assertThat(options.text()).isEqualTo(ColdStartOptions.DEFAULT_TEXT);
        assertThat(options.out()).isEqualTo(Path.of(ColdStartOptions.DEFAULT_OUT));
    }

    @Test
    void listsKeepTheirCanonicalOrderAndJvmArgsSplitOnSpaces() {
        ColdStartOptions options = ColdStartOptions.parse("--student", "s/1", "--scenarios", "server,student",
                "--variants", "cds,jar", "--server-jvm-args", " -Xmx1g  -XX:TieredStopAtLevel=1 ");

        assertThat(options.scenarios()).containsExactly("student", "server");
        assertThat(options.variants()).containsExactly("jar", "cds");
        assertThat(options.serverJvmArgs()).containsExactly("-Xmx1g", "-XX:TieredStopAtLevel=1");
        assertThat(options.runs("teachers")).isFalse();
    }

    @Test
    void studentIsRequiredAndUnknownVariantsAreRejectedWithTheUsage() {
        assertThatThrownBy(() -> ColdStartOptions.parse("--repetitions", "3"))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining("--student is required")
                .hasMessageContaining("Usage: ColdStartBenchmark");
        assertThatThrownBy(() -> ColdStartOptions.parse("--student", "s/1", "--variants", "aot"))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining("unknown name 'aot'");
    }

    @Test
    void studentFolderNamesTheModelAndVersion() throws IOException {
        Path version = Files.createDirectories(this.temp.resolve("banking77-student").resolve("4"));
        Files.writeString(version.resolve("model.json"), "{}");

        ColdStartOptions.StudentFolder folder = ColdStartOptions.parse("--student", version.toString()).studentFolder();

        assertThat(folder.name()).isEqualTo("banking77-student");
        assertThat(folder.version()).isEqualTo(4);
        assertThat(folder.folder()).isEqualTo(version.toAbsolutePath().normalize());
    }

    @Test
    void studentFolderWithoutManifestOrVersionIsRejected() throws IOException {
        Path model = Files.createDirectories(this.temp.resolve("banking77-student"));
        Files.writeString(model.resolve("model.json"), "{}");
        Path empty = Files.createDirectories(this.temp.resolve("other").resolve("2"));

        assertThatThrownBy(() -> ColdStartOptions.parse("--student", model.toString()).studentFolder())
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining("numeric version");
        assertThatThrownBy(() -> ColdStartOptions.parse("--student", empty.toString()).studentFolder())
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining("holding model.json");
    }

    @Test
    void describeListsTheFlagsAsUnderstood() {
        assertThat(ColdStartOptions.parse("--student", "s/1", "--repetitions", "2").describe())
                .contains("--repetitions 2", "--variants jar,extracted,cds", "--probe-jvm-args \"-Xmx1g\"");
        assertThat(List.of(ColdStartOptions.USAGE.split("\n"))).anyMatch(line -> line.contains("--student DIR"));
    }
}
