package io.distill4j.samples.grpcclients;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import io.distill4j.api.exception.InvalidInputException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The clients' command line: options in both spellings, and usage errors that name the flag (no server). */
class ClientCommandLineTests {

    private static final Set<String> FLAGS = Set.of("--target", "--model", "--deadline-ms");

    @Test
    void optionsTakeTheirValueAfterASpaceOrAnEqualsSignAndTheRestArePositional() {
        ClientOptions options = ClientOptions.parse(new String[] {"--target", "h:1", "--model=m", "a", "--b"}, FLAGS);
        assertThat(options.value("--target")).contains("h:1");
        assertThat(options.value("--model", "x")).isEqualTo("m");
        assertThat(options.value("--deadline-ms")).isEmpty();
        // After the first positional argument, or after "--", nothing is an option.
        assertThat(options.positional()).containsExactly("a", "--b");
        assertThat(ClientOptions.parse(new String[] {"--", "--model"}, FLAGS).positional()).containsExactly("--model");
    }

    @Test
    void anUnknownFlagIsNamedWithTheOptionsThatExist() {
        assertThatExceptionOfType(InvalidInputException.class)
            .isThrownBy(() -> ClientOptions.parse(new String[] {"--modle", "m", "text"}, FLAGS))
            .satisfies(ex -> {
                assertThat(ex.field()).isEqualTo("--modle");
                assertThat(ex.getMessage()).startsWith("--modle: is not an option").contains("--model");
            });
    }

    @Test
    void aFlagWithoutItsValueOrGivenTwiceIsNamed() {
        assertThatExceptionOfType(InvalidInputException.class)
            .isThrownBy(() -> ClientOptions.parse(new String[] {"--model"}, FLAGS))
            .withMessage("--model: needs a value");
        assertThatExceptionOfType(InvalidInputException.class)
            .isThrownBy(() -> ClientOptions.parse(new String[] {"--model", "a", "--model", "b"}, FLAGS))
            .withMessage("--model: is given twice");
    }

    @Test
    void aDeadlineMustBeAPositiveWholeNumberWithinTheLimit() {
        assertThat(ClientOptions.parse(new String[] {"--deadline-ms", "250"}, FLAGS).positive("--deadline-ms", 1000))
            .contains(250L);
        for (String bad : List.of("0", "-5", "1.5", "soon", "1001")) {
            assertThatExceptionOfType(InvalidInputException.class)
                .isThrownBy(() -> ClientOptions.parse(new String[] {"--deadline-ms", bad}, FLAGS)
                    .positive("--deadline-ms", 1000))
                .withMessage("--deadline-ms: must be a whole number from 1 to 1000, got '" + bad + "'");
        }
    }

    @Test
    void inferClientUsageErrorsExitWithTwoNamingTheFlag() {
        assertThat(infer("--deadline-ms", "soon", "hello")).satisfies(run -> {
            assertThat(run.status()).isEqualTo(2);
            assertThat(run.err()).startsWith("error: --deadline-ms: must be a whole number").contains("usage: InferClient");
        });
        assertThat(infer("--model", "minilm").err()).startsWith("error: text: give at least one text to send");
        assertThat(infer("--target", "localhost", "hello")).satisfies(run -> {
            assertThat(run.status()).isEqualTo(2);
            assertThat(run.err()).startsWith("error: --target: must be host:port, got 'localhost'");
        });
    }

    @Test
    void distillClientNeedsTheAdminTokenAndOneSpecFile() {
        Result noToken = distill("spec.yaml");
        assertThat(noToken.status()).isEqualTo(2);
        assertThat(noToken.err()).startsWith("error: --token: is required").contains("usage: DistillClient");
        assertThat(distill("--token", "t", "a.yaml", "b.yaml").err())
            .startsWith("error: spec.yaml: give exactly one spec file, got 2 arguments");
    }

    private static Result infer(String... args) {
        return run(true, args);
    }

    private static Result distill(String... args) {
        return run(false, args);
    }

    private static Result run(boolean infer, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            int status = infer ? InferClient.run(args, out, e) : DistillClient.run(args, out, e);
            return new Result(status, err.toString(StandardCharsets.UTF_8));
        }
    }

    private record Result(int status, String err) {
    }
}
