package io.distill4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import io.distill4j.engine.analysis.PerformanceAnalyzer;
import io.distill4j.engine.analysis.PerformanceAnalyzer.Candidate;
import io.distill4j.engine.session.SessionConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code distill4j analyze <model>}: the performance analyzer on a model of a local repository. Measures every
 * candidate serving setting at every concurrency on this machine, prints the table and the recommended {@code serving}
 * object for the model's {@code model.json}; {@code --verify} applies the recommendation and measures it again.
 */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = { "Measure a text model of a local repository under load for several instance and batching "
                + "settings, and recommend the model.json \"serving\" object that suits this machine.",
                "Run it on the machine that will serve the model, with the texts it will see (--texts)." },
        footer = { "", ExitCodes.HELP })
final class AnalyzeCommand implements Callable<Integer> {

    @Parameters(paramLabel = "model", description = "The model's name in the repository (its newest version).")
    String model;

    @Option(names = "--repository", paramLabel = "dir", defaultValue = "models",
            description = "The model repository (default: ${DEFAULT-VALUE}).")
    Path repository;

    @Option(names = "--concurrency", paramLabel = "n,n,...", split = ",", defaultValue = "1,4,16",
            description = "Concurrent callers at each point (default: ${DEFAULT-VALUE}).")
    List<Integer> concurrency;

    @Option(names = "--seconds", paramLabel = "s", defaultValue = "3",
            description = "How long each point is measured (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--threads", paramLabel = "n", defaultValue = "0",
            description = "Intra-op threads of the model's sessions, shared out among instances with a session each "
                    + "(default: 0, ONNX Runtime's choice: the machine's cores).")
    int threads;

    @Option(names = "--texts", paramLabel = "file",
            description = "Requests to send, one per line (default: ten built-in English support questions).")
    Path texts;

    @Option(names = "--verify", description = "Apply the recommendation and measure it again; prints measured over "
            + "predicted throughput per concurrency.")
    boolean verify;

    @Override
    public Integer call() throws IOException {
        List<String> requests = this.texts == null ? PerformanceAnalyzer.SAMPLE_TEXTS
                : Files.readAllLines(this.texts).stream().filter(line -> !line.isBlank()).toList();
        Duration each = Duration.ofMillis(Math.round(this.seconds * 1000));
        SessionConfig session = SessionConfig.builder().intraOpThreads(this.threads).intraOpSpinning(false).build();
        List<Candidate> candidates = PerformanceAnalyzer.defaultCandidates();
        System.err.printf(Locale.ROOT, "Analyzing %s: %d settings x %d concurrencies, %.1f s each%n", this.model,
                candidates.size(), this.concurrency.size(), this.seconds);
        PerformanceAnalyzer.Report report = PerformanceAnalyzer.analyze(new PerformanceAnalyzer.Options(this.repository,
                this.model, candidates, this.concurrency, each, Duration.ofSeconds(1), requests, session),
                line -> System.err.println("  " + line));
        System.out.println(report.table());
        System.out.println(report.recommendation());
        if (this.verify) {
            PerformanceAnalyzer.Report again = PerformanceAnalyzer.analyze(new PerformanceAnalyzer.Options(
                    this.repository, this.model, List.of(report.recommended()), this.concurrency, each,
                    Duration.ofSeconds(1), requests, session), line -> System.err.println("  " + line));
            System.out.println();
            System.out.println("| callers | predicted texts/s | measured texts/s | measured / predicted |");
            System.out.println("|---|---|---|---|");
            Map<Integer, Double> predicted = report.predictedThroughput();
            again.predictedThroughput().forEach((callers, measured) -> System.out.printf(Locale.ROOT,
                    "| %d | %.1f | %.1f | %.2f |%n", callers, predicted.get(callers), measured,
                    measured / predicted.get(callers)));
        }
        return ExitCodes.OK;
    }
}
