package io.distill4j.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * {@link ColdStartBenchmark}'s command-line flags, parsed from {@code --name value} pairs. Only {@code --student}
 * is required; the defaults (5 repetitions of everything) take about five minutes on an idle 2-core machine.
 *
 * @param student a student's version folder in a model repository ({@code .../<name>/<version>/} holding
 *     {@code model.json}); it is copied into a repository of its own
 * @param jar the {@code distill4j} command line's executable jar, whose {@code serve} command is started
 * @param repetitions fresh JVMs per measured thing
 * @param scenarios which of {@code student}, {@code teachers}, {@code server} to run
 * @param variants which server starts to measure: {@code jar} ({@code java -jar distill4j.jar}), {@code extracted}
 *     (the jar extracted by Spring Boot's tools), {@code cds} (extracted, with a class-data-sharing archive)
 * @param text the text every model answers
 * @param probeJvmArgs JVM options of each model probe's JVM
 * @param serverJvmArgs JVM options of each server JVM, before the ones a variant adds
 * @param readyTimeout how long a server may take to answer ready, and a training run to exit
 * @param workDirectory where the repositories, the extracted jar, the archive and the server logs go
 * @param out the markdown report; {@value #CSV} is written beside it
 */
record ColdStartOptions(Path student, Path jar, int repetitions, List<String> scenarios, List<String> variants,
        String text, List<String> probeJvmArgs, List<String> serverJvmArgs, Duration readyTimeout, Path workDirectory,
        Path out) {

    /** The report's file name when {@code --out} is not given. */
    static final String DEFAULT_OUT = "cold-start-results.md";

    /** The CSV of every repetition, beside the report. */
    static final String CSV = "cold-start-runs.csv";

    static final String STUDENT = "student";

    static final String TEACHERS = "teachers";

    static final String SERVER = "server";

    static final List<String> SCENARIOS = List.of(STUDENT, TEACHERS, SERVER);

    static final String DEFAULT_TEXT = "I still have not received my new card, when will it arrive?";

    static final String USAGE = """
            Usage: ColdStartBenchmark --student DIR [options]
              --student DIR            a student's version folder in a model repository, .../<name>/<version>/ with
                                       model.json (required)
              --jar FILE               the distill4j command line's jar (default samples/cli/target/distill4j.jar)
              --repetitions N          fresh JVMs per measured thing (default 5)
              --scenarios LIST         of student,teachers,server (default all)
              --variants LIST          server starts, of jar,extracted,cds (default all)
              --text TEXT              the text every model answers (default a Banking77-like question)
              --probe-jvm-args ARGS    JVM options of each model probe (default -Xmx1g)
              --server-jvm-args ARGS   JVM options of each server, before a variant's own (default none)
              --ready-timeout S        seconds a server may take to answer ready (default 180)
              --work-dir DIR           repositories, extracted jar, CDS archive, server logs
                                       (default: a folder in java.io.tmpdir)
              --out FILE               markdown report; cold-start-runs.csv is written beside it
                                       (default cold-start-results.md in --out-dir)
              --out-dir DIR            folder of the report when --out is not given (default: working directory)
            """;

    /** Parses the arguments; throws {@link BenchmarkException} with the usage text on a bad flag. */
    static ColdStartOptions parse(String... args) {
        Flags flags = Flags.parse(USAGE, args);
        Path student = Path.of(flags.required("student"));
        ColdStartOptions options = new ColdStartOptions(student,
                Path.of(flags.string("jar", "samples/cli/target/distill4j.jar")),
                flags.positiveInt("repetitions", 5),
                flags.names("scenarios", SCENARIOS),
                flags.names("variants", ServerStart.Variant.names()),
                flags.string("text", DEFAULT_TEXT),
                words(flags.string("probe-jvm-args", "-Xmx1g")),
                words(flags.string("server-jvm-args", "")),
                flags.seconds("ready-timeout", 180, 1),
                flags.workDirectory(),
                flags.out(DEFAULT_OUT));
        flags.requireNoneLeft();
        if (options.text.isBlank()) {
            throw new BenchmarkException("--text must not be blank" + System.lineSeparator() + USAGE);
        }
        return options;
    }

    /**
     * The student's model name and version, from its folder's path ({@code .../<name>/<version>}).
     * @throws BenchmarkException if the folder holds no {@code model.json} or its name is not a version number
     */
    StudentFolder studentFolder() {
        Path folder = this.student.toAbsolutePath().normalize();
        if (!Files.isRegularFile(folder.resolve("model.json"))) {
            throw new BenchmarkException("--student must name a model version folder holding model.json, was "
                    + this.student);
        }
        String version = folder.getFileName().toString();
        if (!version.matches("[0-9]+") || folder.getParent() == null) {
            throw new BenchmarkException("--student must end in <name>/<version> with a numeric version, was "
                    + this.student);
        }
        return new StudentFolder(folder, folder.getParent().getFileName().toString(), Long.parseLong(version));
    }

    boolean runs(String scenario) {
        return this.scenarios.contains(scenario);
    }

    /** The flags as they were understood, for the report (without the paths Maven adds). */
    String describe() {
        return "--student " + this.student + " --jar " + this.jar + " --repetitions " + this.repetitions
                + " --scenarios " + String.join(",", this.scenarios) + " --variants " + String.join(",", this.variants)
                + " --probe-jvm-args \"" + String.join(" ", this.probeJvmArgs) + "\" --server-jvm-args \""
                + String.join(" ", this.serverJvmArgs) + "\" --ready-timeout " + Flags.format(this.readyTimeout);
    }

    /**
     * A student's version folder.
     * @param folder the absolute folder
     * @param name the model's name (the folder above)
     * @param version the version (the folder's name)
     */
    record StudentFolder(Path folder, String name, long version) {
    }

    private static List<String> words(String value) {
        return Arrays.stream(value.trim().split("\\s+")).filter(word -> !word.isEmpty()).toList();
    }
}
