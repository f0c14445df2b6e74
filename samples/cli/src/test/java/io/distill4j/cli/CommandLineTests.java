package io.distill4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line without a server: help everywhere, usage errors, completion, progress lines. */
class CommandLineTests {

    @Test
    void everyCommandHasHelpThatNamesItsOptionsAndTheExitStatuses() {
        for (List<String> command : List.of(List.<String>of(), List.of("serve"), List.of("distill"), List.of("jobs"),
                List.of("jobs", "list"), List.of("jobs", "watch"), List.of("jobs", "cancel"), List.of("models"),
                List.of("models", "list"), List.of("models", "load"), List.of("models", "unload"),
                List.of("models", "swap"), List.of("infer"), List.of("onnx"), List.of("onnx", "inventory"),
                List.of("onnx", "check"), List.of("onnx", "quantize"), List.of("analyze"))) {
            Run run = Run.of(concat(command, "--help"));
            assertThat(run.status).as(command.toString()).isZero();
            assertThat(run.out).as(command.toString()).startsWith("Usage: distill4j" + (command.isEmpty() ? ""
                    : " " + String.join(" ", command))).contains("--help");
        }
        assertThat(Run.of("--help").out).contains("serve", "distill", "jobs", "models", "infer", "onnx",
                "generate-completion", "Exit status: 0 success");
        assertThat(Run.of("infer", "--help").out).contains("--target", "--token", "--deadline", "--rest", "--model");
        assertThat(Run.of("distill", "--help").out).contains("--progress", "--repository", "--target");
        assertThat(Run.of("analyze", "--help").out).contains("--concurrency", "--seconds", "--texts", "--verify");
    }

    @Test
    void analyzingAModelTheRepositoryDoesNotHoldNamesIt(@TempDir Path dir) {
        Run run = Run.of("analyze", "--repository", dir.toString(), "absent", "--seconds", "0.1");
        assertThat(run.status).isEqualTo(ExitCodes.FAILED);
        assertThat(run.err).contains("absent").contains("not in the repository");
        Run zero = Run.of("analyze", "--repository", dir.toString(), "absent", "--concurrency", "0");
        assertThat(zero.status).isNotZero();
        assertThat(zero.err).contains("concurrency");
    }

    @Test
    void usageErrorsExitWithTwoAndSayWhatIsWrong() {
        Run none = Run.of();
        assertThat(none.status).isEqualTo(ExitCodes.USAGE);
        assertThat(none.err).contains("Give a command: serve, distill");
        Run unknown = Run.of("infer", "--tagret", "x:1", "hello");
        assertThat(unknown.status).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err).contains("Unknown option: '--tagret'");
        assertThat(Run.of("infer").err).contains("Missing required parameter: 'text'");
        Run deadline = Run.of("infer", "--deadline", "soon", "hello");
        assertThat(deadline.status).isEqualTo(ExitCodes.USAGE);
        assertThat(deadline.err).contains("'soon' is not a duration");
        assertThat(Run.of("infer", "--deadline", "0s", "hello").err).contains("must be positive");
        Run target = Run.of("infer", "--target", "no-port", "hello");
        assertThat(target.status).isEqualTo(ExitCodes.USAGE);
        assertThat(target.err).contains("--target: must be host:port, got 'no-port'");
        assertThat(Run.of("models", "swap", "minilm", "two").err).contains("Invalid value for positional parameter");
        assertThat(Run.of("distill", "--progress", "fancy", "spec.yaml").err)
            .contains("expected one of [AUTO, BAR, LINES, NONE]");
        assertThat(Run.of("serve", "stray").err).contains("Unknown argument 'stray': settings are --name=value");
    }

    @Test
    void anInvalidSpecFileIsAUsageErrorNamingTheFieldBeforeAnythingRuns(@TempDir Path dir) throws Exception {
        Path spec = Files.writeString(dir.resolve("typo.yaml"), "teacher: { repository_model: { name: minilm } }\n"
                + "data: { train_paht: intents.csv }\n");
        Run run = Run.of("distill", spec.toString());
        assertThat(run.status).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err).startsWith("error: " + spec + ": data.train_paht: is not a field of Data");
        Run missing = Run.of("distill", dir.resolve("absent.yaml").toString());
        assertThat(missing.status).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err).contains("absent.yaml");
    }

    @Test
    void aServerThatIsNotThereIsAFailedCallWithItsStatus() {
        Run run = Run.of("models", "list", "--target", "localhost:1", "--deadline", "5s");
        assertThat(run.status).isEqualTo(ExitCodes.FAILED);
        assertThat(run.err).startsWith("error UNAVAILABLE");
    }

    @Test
    void theCompletionScriptCompletesTheCommands() {
        Run run = Run.of("generate-completion");
        assertThat(run.status).isZero();
        assertThat(run.out).contains("complete -F").contains("distill4j").contains("serve distill jobs models infer");
    }

    @Test
    void plainProgressPrintsAtStageChangesAndAtMostOncePerIntervalOtherwise() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong();
        try (PlainProgress progress = new PlainProgress("intents", new PrintStream(bytes, true,
                StandardCharsets.UTF_8), Duration.ofSeconds(10), now::get)) {
            progress.update("RUNNING", "TEACHER", 0, 100, 0.1, Map.of(), null);
            for (int step = 1; step <= 50; step++) {
                now.addAndGet(Duration.ofMillis(100).toNanos());
                progress.update("RUNNING", "TEACHER", step, 100, 0.1 + step / 1000.0, Map.of(), Duration.ofSeconds(75));
            }
            now.addAndGet(Duration.ofSeconds(10).toNanos());
            progress.update("RUNNING", "TEACHER", 99, 100, 0.2, Map.of(), Duration.ofSeconds(70));
            progress.update("RUNNING", "TEACHER", 100, 100, 0.21, Map.of(), Duration.ofSeconds(69));
            progress.update("RUNNING", "TUNING", 1, 6, 0.3, Map.of("accuracy", 0.91), Duration.ofHours(1).plusMinutes(2));
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "[ 10%] intents TEACHER 0/100",
                "[ 20%] intents TEACHER 99/100 (about 1m10s left)",
                "[ 30%] intents TUNING 1/6 accuracy=0.9100 (about 1h02m left)");
    }

    @Test
    void plainProgressPrintsTheLastHeldBackEventWhenClosed() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PlainProgress progress = new PlainProgress("job", new PrintStream(bytes, true, StandardCharsets.UTF_8),
                Duration.ofSeconds(10), () -> 0)) {
            progress.update("RUNNING", "STUDENT", 1, 10, 0.5, Map.of(), null);
            progress.update("RUNNING", "STUDENT", 2, 10, 0.6, Map.of(), null);
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).containsExactly("[ 50%] job STUDENT 1/10",
                "[ 60%] job STUDENT 2/10");
    }

    private static String[] concat(List<String> command, String last) {
        String[] args = command.toArray(new String[command.size() + 1]);
        args[command.size()] = last;
        return args;
    }

    /** One run of the command line: its exit status and what it printed (picocli's and the commands' own). */
    record Run(int status, String out, String err) {

        static Run of(String... args) {
            PrintStream stdout = System.out;
            PrintStream stderr = System.err;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            StringWriter picocliOut = new StringWriter();
            StringWriter picocliErr = new StringWriter();
            try {
                System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
                System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
                CommandLine line = Distill4jCli.commandLine();
                line.setOut(new PrintWriter(picocliOut, true));
                line.setErr(new PrintWriter(picocliErr, true));
                int status = line.execute(args);
                return new Run(status, picocliOut + out.toString(StandardCharsets.UTF_8),
                        picocliErr + err.toString(StandardCharsets.UTF_8));
            }
            finally {
                System.setOut(stdout);
                System.setErr(stderr);
            }
        }
    }
}
