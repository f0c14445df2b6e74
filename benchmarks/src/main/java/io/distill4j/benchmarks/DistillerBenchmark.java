package io.distill4j.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.distill4j.api.distill.Augmentation;
import io.distill4j.api.distill.Budget;
import io.distill4j.api.distill.DataSpec;
import io.distill4j.api.distill.DistillationJob;
import io.distill4j.api.distill.DistillationResult;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.DistillationTask;
import io.distill4j.api.distill.MemoryMode;
import io.distill4j.api.distill.QualityGate;
import io.distill4j.api.distill.Stage;
import io.distill4j.api.distill.StudentSpec;
import io.distill4j.engine.files.FileTrees;
import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.PipelineDistiller;
import io.distill4j.pipeline.report.AugmentationChoice;
import io.distill4j.pipeline.report.DistillationReport;
import io.distill4j.pipeline.report.DistillationReportWriter;
import io.distill4j.pipeline.report.StageRecord;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The distiller end to end on a real data set, one phase per JVM so that each phase's resident memory is
 * its own: {@code cold} (empty cache: the teacher runs — for classification after its head is fitted —,
 * the student is tuned, exported, quantized, reported and registered), {@code warm} (the same spec
 * again: the teacher is skipped, so this JVM's peak is the student stage alone), {@code online} (the
 * teacher kept loaded beside the student) and {@code summary} (reads every phase's JSON and writes the
 * markdown tables). After a cold run, {@code kd} retrains the student it chose on soft targets and on hard
 * labels only, and {@code schedules} retrains it under each distillation schedule (constant, temperature
 * annealing, hard-label warm-up, both) and writes a JSON and a markdown table ({@link ChosenStudent}).
 *
 * <p>Data sets, all from the folder given by {@code --datasets}:
 * <ul>
 *   <li>{@code banking77}: text classification, all-MiniLM-L6-v2 + fitted head as the teacher, the test
 *       split scored.</li>
 *   <li>{@code sst2}: text classification the same way; SST-2 has no labelled test split, so its dev
 *       split is the test, and {@code --max-train} rows of its train split are used.</li>
 *   <li>{@code stsb}: text embedding, all-MiniLM-L6-v2's vectors as the targets. The transfer text is the
 *       STS-B train sentences, the Banking77 train texts and {@code --sst2-sentences} SST-2 train
 *       sentences (never the STS-B test pairs); STS-B dev pairs pick the student, the test pairs are
 *       scored.</li>
 *   <li>{@code chnsenticorp}: Chinese hotel-review sentiment, its own dev split picks the student and the
 *       test split is scored; give it a Chinese teacher, {@code --encoder bge-small-zh}.</li>
 * </ul>
 *
 * <p>The teacher is all-MiniLM-L6-v2 with a fitted head unless {@code --encoder} and {@code --teacher}
 * say otherwise ({@link BenchmarkTeacher}); a fine-tuned teacher's results go to files named after it.
 * {@code --augmentation auto} (or a number of copies per example) turns on transfer-set augmentation; its
 * results go to files named after it too, and record the copies chosen.
 *
 * <pre>
 * for phase in cold warm online summary; do
 *   mvn -Pbench -DskipTests -pl benchmarks -am verify -Dbench.main=io.distill4j.benchmarks.DistillerBenchmark \
 *       -Dbench.args="--datasets ../shared/datasets --dataset banking77 --phase $phase"
 * done
 * </pre>
 */
public final class DistillerBenchmark {

    static final String USAGE = """
            usage: DistillerBenchmark --datasets <folder with banking77/, sst2/, stsb/, chnsenticorp/>
                                      --dataset banking77|sst2|stsb|chnsenticorp
                                      --phase cold|warm|online|kd|schedules|summary [--work-dir DIR] [--out-dir DIR] [--minutes 10]
                                      [--trials 16] [--epochs 15] [--max-train 20000] [--sst2-sentences 20000]
                                      [--prune-vocabulary true|false] [--student auto|teacher-layers:N[:FFN]]
                                      [--intermediate-distillation on|off]
                                      [--encoder minilm|bge-small-en|bge-small-zh] [--teacher frozen|auto|fine-tuned]
                                      [--fine-tune-epochs 3] [--fine-tune-lr 5e-5] [--fine-tune-length N] [--layer-decay 1]
                                      [--augmentation none|auto|N]
            """;

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private DistillerBenchmark() {
    }

    public static void main(String[] args) {
        BenchmarkSupport.main(args, USAGE, a -> Flags.parse(USAGE, a), DistillerBenchmark::run);
    }

    private static void run(Flags flags) {
        Path datasets = Path.of(flags.required("datasets"));
        String dataset = flags.string("dataset", "banking77");
        String phase = flags.string("phase", "cold");
        Path work = BenchmarkSupport.createDirectories(Path.of(flags.string("work-dir", "benchmarks/target/bench-work")));
        Path outDir = BenchmarkSupport.createDirectories(Path.of(flags.string("out-dir", "benchmarks/target")));
        int minutes = flags.positiveInt("minutes", 10);
        int trials = flags.positiveInt("trials", 16);
        int epochs = flags.positiveInt("epochs", 15);
        int maxTrain = flags.positiveInt("max-train", 20_000);
        int sst2Sentences = flags.positiveInt("sst2-sentences", 20_000);
        String studentFlag = flags.string("student", "auto");
        StudentSpec chosenStudent = studentFlag.startsWith("teacher-layers:") ? teacherLayers(studentFlag.split(":"))
                : StudentSpec.auto();
        // Without the flag each student keeps its own default (teacher layers keep the full vocabulary for
        // embeddings and prune it for classification).
        String pruneFlag = flags.string("prune-vocabulary", "");
        StudentSpec pruned = pruneFlag.isEmpty() ? chosenStudent : chosenStudent.pruneVocabulary(!pruneFlag.equals("false"));
        // Without the flag: on for teacher layers (the teacher is MiniLM), off for the auto search; with it, the
        // cost and gain of learning the teacher's hidden states and attention is measured.
        String intermediateFlag = flags.string("intermediate-distillation", "");
        StudentSpec student = intermediateFlag.isEmpty() ? pruned : intermediate(pruned, intermediateFlag.equals("on")
                ? StudentSpec.IntermediateDistillation.on() : StudentSpec.IntermediateDistillation.off());
        boolean prune = student.pruneVocabulary(dataset.equals("stsb") ? DistillationTask.TEXT_EMBEDDING
                : DistillationTask.TEXT_CLASSIFICATION);
        if (!List.of("banking77", "sst2", "stsb", "chnsenticorp").contains(dataset)) {
            throw new IllegalArgumentException("--dataset must be banking77, sst2, stsb or chnsenticorp, was " + dataset);
        }
        BenchmarkTeacher teacher = BenchmarkTeacher.parse(flags);
        String augmentationFlag = flags.string("augmentation", "none");
        Augmentation augmentation = augmentation(augmentationFlag);
        if (phase.equals("summary")) {
            summary(outDir);
            return;
        }
        if (!List.of("cold", "warm", "online", "kd", "schedules").contains(phase)) {
            throw new IllegalArgumentException("--phase must be cold, warm, online, kd, schedules or summary, was "
                    + phase);
        }
        if (phase.equals("kd")) {
            kdGain(dataset, teacher, datasets, work, outDir, minutes, trials, epochs, maxTrain);
            return;
        }
        if (phase.equals("schedules")) {
            schedules(dataset, teacher, datasets, work, outDir, minutes, trials, epochs, maxTrain);
            return;
        }
        Path distillerWork = work.resolve("distiller-" + dataset);
        if (phase.equals("cold")) {
            FileTrees.delete(distillerWork);
        }
        DistillerConfig config = DistillerConfig.builder(distillerWork).modelRepository(distillerWork.resolve("models"))
                .threads(Runtime.getRuntime().availableProcessors()).maxEpochs(epochs).build();
        DistillationSpec.Builder builder = DistillationSpec.builder()
                .name(dataset)
                .teacher(teacher.spec(work))
                .budget(Budget.of(Duration.ofMinutes(minutes), trials))
                .gate(QualityGate.relativeToTeacher(0.97))
                .memoryMode(phase.equals("online") ? MemoryMode.ONLINE : MemoryMode.STAGED)
                .student(student)
                .augmentation(augmentation)
                .register(dataset + "-student");
        data(builder, dataset, datasets, distillerWork, maxTrain, sst2Sentences);
        DistillationSpec spec = builder.build();
        Instant started = Instant.now();
        long start = System.nanoTime();
        DistillationResult result;
        try (PipelineDistiller distiller = new PipelineDistiller(config)) {
            DistillationJob job = distiller.submit(spec);
            long[] lastPrint = {0};
            job.subscribe(event -> {
                // One line every 10 s and at every stage change, so a long run shows where it is.
                long now = System.nanoTime();
                if (now - lastPrint[0] > 10_000_000_000L || event.step() == 0) {
                    lastPrint[0] = now;
                    System.out.printf(Locale.ROOT, "[bench] %5.1f %% %-13s %s%s%n", 100 * event.fraction(),
                            event.stage(), event.message(), event.eta().map(eta -> " (ETA " + eta.toSeconds() + " s)")
                                    .orElse(""));
                }
            });
            result = job.await();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        DistillationReport report;
        try {
            report = DistillationReportWriter.readJson(result.files().reportJson());
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        ObjectNode json = MAPPER.createObjectNode();
        json.put("dataset", dataset).put("phase", phase).put("teacher", teacher.encoder().flag + " " + teacher.mode()).put("pruneVocabulary", prune).put("intermediateDistillation", intermediateFlag.isEmpty() ? "default" : intermediateFlag).put("started", started.toString()).put("seconds", seconds)
                .put("cores", Runtime.getRuntime().availableProcessors()).put("jdk", System.getProperty("java.version"))
                .put("teacherCacheHit", result.teacherCacheHit()).put("metric", result.metric())
                .put("teacherMetric", result.teacher().metric()).put("fp32Metric", result.studentFp32().metric())
                .put("int8Metric", result.studentInt8().metric())
                .put("teacherParameters", result.teacher().parameters())
                .put("studentParameters", result.studentInt8().parameters())
                .put("teacherBytes", result.teacher().fileBytes()).put("fp32Bytes", result.studentFp32().fileBytes())
                .put("int8Bytes", result.studentInt8().fileBytes())
                .put("teacherThroughput", result.teacher().throughput())
                .put("int8Throughput", result.studentInt8().throughput())
                .put("fp32Throughput", result.studentFp32().throughput())
                .put("teacherP50", result.teacher().p50LatencyMillis())
                .put("int8P50", result.studentInt8().p50LatencyMillis())
                .put("trials", result.trials()).put("gatesPassed", result.gatesPassed())
                .put("report", result.files().reportHtml().toString());
        json.put("augmentation", augmentationFlag).put("augmentationChoice", report.data().augmentation()
                .map(AugmentationChoice::reason).orElse("none"));
        ObjectNode hyper = json.putObject("hyperParameters");
        result.hyperParameters().forEach(hyper::put);
        ObjectNode stages = json.putObject("stages");
        long peak = -1;
        for (StageRecord stage : report.stages()) {
            stages.putObject(stage.stage().name()).put("seconds", stage.duration().toMillis() / 1000.0)
                    .put("rssBeforeMiB", stage.rssBeforeBytes() >> 20).put("rssAfterMiB", stage.rssAfterBytes() >> 20)
                    .put("peakMiB", stage.peakRssBytes() >> 20);
            peak = Math.max(peak, stage.peakRssBytes());
        }
        json.put("peakMiB", peak >> 20);
        Path out = outDir.resolve("distiller-" + dataset + teacher.label()
                + (augmentationFlag.equals("none") ? "" : "-augmentation-" + augmentationFlag) + "-" + phase + (studentFlag.equals("auto") ? ""
                : "-" + studentFlag.replace(':', '-')) + (prune || !studentFlag.equals("auto") ? "" : "-full-vocabulary")
                + ".json");
        try {
            Files.writeString(out, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        System.out.println(result.summary());
        System.out.printf(Locale.ROOT, "[bench] %s %s: %.1f s, peak %d MiB, wrote %s%n", dataset, phase, seconds,
                peak >> 20, out);
    }

    /**
     * The KD gain of the student the cold run chose: that student with the chosen learning rate,
     * temperature, alpha and epochs, pinned, trained once with the chosen alpha and once on hard labels
     * only (alpha 0), on the warm cache; both graded on the test split after INT8, as the cold run.
     */
    private static void kdGain(String dataset, BenchmarkTeacher teacher, Path datasets, Path work, Path outDir,
            int minutes, int trials, int maxEpochs, int maxTrain) {
        ChosenStudent chosen = chosenStudent("kd", "compares soft and hard labels", dataset, teacher, outDir);
        Map<String, StudentSpec.Training> variants = new LinkedHashMap<>();
        variants.put("distilled", chosen.training(chosen.alpha()));
        variants.put("hardLabels", chosen.training(0f));
        ObjectNode json = chosen.describe(MAPPER.createObjectNode().put("dataset", dataset).put("phase", "kd"));
        retrainChosen(chosen, "kd", variants, dataset, teacher, datasets, work, minutes, trials, maxEpochs, maxTrain)
            .forEach((key, retrained) -> json.putObject(key).put("alpha", variants.get(key).alpha())
                .put("fp32Metric", retrained.result().studentFp32().metric())
                .put("int8Metric", retrained.result().studentInt8().metric())
                .put("teacherMetric", retrained.result().teacher().metric())
                .put("teacherCacheHit", retrained.result().teacherCacheHit()));
        double gain = 100 * (json.get("distilled").get("int8Metric").asDouble()
                - json.get("hardLabels").get("int8Metric").asDouble());
        json.put("kdGainPointsInt8", gain);
        Path out = outDir.resolve("distiller-" + dataset + teacher.label() + "-kd.json");
        write(out, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        System.out.printf(Locale.ROOT, "[bench] KD gain after INT8: %+.2f points (target >= +1.5), wrote %s%n",
                gain, out);
    }

    /**
     * The distillation schedules on the student the cold run chose: that student with the chosen learning
     * rate, temperature, alpha and epochs, pinned, trained with a constant temperature and no warm-up
     * ({@code none}), the temperature annealed to 1 ({@code anneal}), two hard-label warm-up epochs
     * ({@code warmup:2}) and both ({@code anneal+warmup:2}), on the warm cache; each graded on the test split.
     * Writes one JSON and a markdown table.
     */
    private static void schedules(String dataset, BenchmarkTeacher teacher, Path datasets, Path work, Path outDir,
            int minutes, int trials, int maxEpochs, int maxTrain) {
        ChosenStudent chosen = chosenStudent("schedules", "varies the temperature and alpha of classification",
                dataset, teacher, outDir);
        if (chosen.epochs() <= 2) {
            throw new IllegalArgumentException("--phase schedules warms up for 2 epochs: the chosen student trained "
                    + chosen.epochs() + "; run the cold phase with more --epochs");
        }
        StudentSpec.Training none = chosen.training(chosen.alpha());
        Map<String, StudentSpec.Training> variants = new LinkedHashMap<>();
        variants.put("none", none);
        variants.put("anneal", none.temperatureAnnealing(true));
        variants.put("warmup:2", none.hardLabelWarmupEpochs(2));
        variants.put("anneal+warmup:2", none.temperatureAnnealing(true).hardLabelWarmupEpochs(2));
        ObjectNode json = chosen.describe(MAPPER.createObjectNode().put("dataset", dataset).put("phase", "schedules")
                .put("teacher", teacher.encoder().flag + " " + teacher.mode()));
        ObjectNode results = json.putObject("schedules");
        StringBuilder md = new StringBuilder();
        Map<String, ChosenStudent.Retrained> retrained = retrainChosen(chosen, "schedules", variants, dataset, teacher,
                datasets, work, minutes, trials, maxEpochs, maxTrain);
        String metric = retrained.values().iterator().next().result().metric();
        json.put("metric", metric);
        md.append(String.format(Locale.ROOT, "Distillation schedules, %s%s: %s, T=%s, alpha=%s, %d epochs pinned "
                + "(same data, seed and epochs; warm cache)%n%n| schedule | test %s fp32 | test %s INT8 | epochs run "
                + "| seconds |%n|---|---:|---:|---:|---:|%n", dataset, teacher.label(),
                json.get("student").asString(), json.get("temperature").asString(), json.get("alpha").asString(),
                chosen.epochs(), metric, metric));
        retrained.forEach((name, run) -> {
            results.putObject(name).put("temperatureAnnealing", variants.get(name).temperatureAnnealing())
                .put("hardLabelWarmupEpochs", variants.get(name).hardLabelWarmupEpochs())
                .put("fp32Metric", run.result().studentFp32().metric())
                .put("int8Metric", run.result().studentInt8().metric()).put("epochsRun", run.epochsRun())
                .put("seconds", run.seconds()).put("teacherCacheHit", run.result().teacherCacheHit());
            md.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %d | %.1f |%n", name,
                    run.result().studentFp32().metric(), run.result().studentInt8().metric(), run.epochsRun(),
                    run.seconds()));
        });
        Path out = outDir.resolve("distiller-" + dataset + teacher.label() + "-schedules.json");
        write(out, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        Path table = outDir.resolve("distiller-" + dataset + teacher.label() + "-schedules.md");
        write(table, md.toString());
        System.out.print(md);
        System.out.printf(Locale.ROOT, "[bench] wrote %s and %s%n", out, table);
    }

    /** The cold run's choice for a phase that retrains it; classification data sets only. */
    private static ChosenStudent chosenStudent(String phase, String what, String dataset, BenchmarkTeacher teacher,
            Path outDir) {
        if (dataset.equals("stsb")) {
            throw new IllegalArgumentException("--phase " + phase + " " + what + ": banking77 or sst2 only");
        }
        return ChosenStudent.read(outDir.resolve("distiller-" + dataset + teacher.label() + "-cold.json"), phase);
    }

    /** Retrains the chosen student under each of {@code variants}, with one distiller on the cold run's cache. */
    private static Map<String, ChosenStudent.Retrained> retrainChosen(ChosenStudent chosen, String phase,
            Map<String, StudentSpec.Training> variants, String dataset, BenchmarkTeacher teacher, Path datasets,
            Path work, int minutes, int trials, int maxEpochs, int maxTrain) {
        Path distillerWork = work.resolve("distiller-" + dataset);
        DistillerConfig config = DistillerConfig.builder(distillerWork).threads(Runtime.getRuntime().availableProcessors())
                .maxEpochs(maxEpochs).build();
        DistillationSpec.Builder spec = DistillationSpec.builder().name(dataset + "-" + phase)
                .teacher(teacher.spec(work)).budget(Budget.of(Duration.ofMinutes(minutes), trials));
        data(spec, dataset, datasets, distillerWork, maxTrain, 0);
        try (PipelineDistiller distiller = new PipelineDistiller(config)) {
            return chosen.retrain(distiller, spec, variants);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static void data(DistillationSpec.Builder builder, String dataset, Path datasets, Path distillerWork,
            int maxTrain, int sst2Sentences) {
        switch (dataset) {
            case "banking77" -> builder.data(DataSpec.tsv(datasets.resolve("banking77/train.tsv"))
                    .test(datasets.resolve("banking77/test.tsv")));
            case "sst2" -> builder.data(DataSpec.tsv(BenchmarkData.sst2Train(datasets, distillerWork.getParent(),
                    maxTrain)).test(datasets.resolve("sst2/dev.tsv")));
            case "chnsenticorp" -> builder.data(DataSpec.csv(datasets.resolve("chnsenticorp/train.csv"))
                    .validation(datasets.resolve("chnsenticorp/dev.csv")).test(datasets.resolve("chnsenticorp/test.csv")));
            default -> builder.task(DistillationTask.TEXT_EMBEDDING).data(DataSpec.csv(BenchmarkData.stsbTransfer(
                    datasets, distillerWork.getParent(), sst2Sentences)).header(false).textColumn(0).textPairColumn(1)
                    .labelColumn(2).validation(datasets.resolve("stsb/stsb-en-dev.csv"))
                    .test(datasets.resolve("stsb/stsb-en-test.csv")));
        }
    }

    /** The student with these intermediate-layer distillation settings. */
    private static StudentSpec intermediate(StudentSpec student, StudentSpec.IntermediateDistillation settings) {
        if (student instanceof StudentSpec.TeacherLayers layers) {
            return layers.intermediateDistillation(settings);
        }
        if (student instanceof StudentSpec.Auto auto) {
            return auto.intermediateDistillation(settings);
        }
        throw new IllegalArgumentException("--intermediate-distillation applies to the auto and teacher-layers students");
    }

    /** {@code none}, {@code auto} (the distiller sizes it) or a fixed number of copies per example. */
    static Augmentation augmentation(String flag) {
        if (flag.equals("none")) {
            return Augmentation.none();
        }
        if (flag.equals("auto")) {
            return Augmentation.auto();
        }
        try {
            return Augmentation.ofDefaults().copiesPerExample(Integer.parseInt(flag));
        }
        catch (NumberFormatException ex) {
            throw new IllegalArgumentException("--augmentation must be none, auto or a number of copies, was " + flag);
        }
    }

    /** {@code teacher-layers:N} or {@code teacher-layers:N:FFN}, split at the colons. */
    private static StudentSpec teacherLayers(String[] parts) {
        StudentSpec.TeacherLayers layers = StudentSpec.teacherLayers(Integer.parseInt(parts[1]));
        return parts.length > 2 ? layers.intermediateSize(Integer.parseInt(parts[2])) : layers;
    }

    private static void summary(Path outDir) {
        Map<String, tools.jackson.databind.JsonNode> phases = new LinkedHashMap<>();
        for (String dataset : List.of("banking77", "sst2", "stsb")) {
            for (String phase : List.of("cold", "warm", "online")) {
                Path file = outDir.resolve("distiller-" + dataset + "-" + phase + ".json");
                if (Files.isRegularFile(file)) {
                    phases.put(dataset + " " + phase, MAPPER.readTree(file.toFile()));
                }
            }
        }
        StringBuilder md = new StringBuilder("# Distiller end to end (MiniLM teacher, auto student)\n\n");
        md.append("| run | seconds | teacher cache | metric | teacher | student fp32 | student INT8 | % of teacher (INT8) "
                + "| student params | INT8 bytes | teacher texts/s | INT8 texts/s | throughput ratio | peak RSS MiB |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        phases.forEach((phase, j) -> md.append(String.format(Locale.ROOT,
                "| %s | %.0f | %s | %s | %.4f | %.4f | %.4f | %.1f | %,d | %,d | %.0f | %.0f | %.1f | %d |%n", phase,
                j.get("seconds").asDouble(), j.get("teacherCacheHit").asBoolean() ? "hit" : "miss",
                j.get("metric").asString(), j.get("teacherMetric").asDouble(), j.get("fp32Metric").asDouble(), j.get("int8Metric").asDouble(),
                100 * j.get("int8Metric").asDouble() / j.get("teacherMetric").asDouble(),
                j.get("studentParameters").asLong(), j.get("int8Bytes").asLong(), j.get("teacherThroughput").asDouble(),
                j.get("int8Throughput").asDouble(),
                j.get("int8Throughput").asDouble() / j.get("teacherThroughput").asDouble(), j.get("peakMiB").asLong())));
        md.append("\nPer stage (seconds / peak RSS MiB):\n\n| phase |");
        for (Stage stage : Stage.values()) {
            md.append(' ').append(stage.name().toLowerCase(Locale.ROOT)).append(" |");
        }
        md.append("\n|---|").append("---|".repeat(Stage.values().length)).append('\n');
        phases.forEach((phase, j) -> {
            md.append("| ").append(phase).append(" |");
            for (Stage stage : Stage.values()) {
                tools.jackson.databind.JsonNode s = j.get("stages").get(stage.name());
                md.append(s == null ? " - |" : String.format(Locale.ROOT, " %.1f / %d |", s.get("seconds").asDouble(),
                        s.get("peakMiB").asLong()));
            }
            md.append('\n');
        });
        phases.forEach((phase, j) -> md.append("\n").append(phase).append(" chose: ")
                .append(j.get("hyperParameters").toString()).append('\n'));
        for (String dataset : List.of("banking77", "sst2")) {
            Path file = outDir.resolve("distiller-" + dataset + "-kd.json");
            if (Files.isRegularFile(file)) {
                tools.jackson.databind.JsonNode kd = MAPPER.readTree(file.toFile());
                md.append(String.format(Locale.ROOT, "%n%s KD gain (%s, lr %s, T %s, %d epochs): alpha %s -> INT8 %.4f "
                        + "(fp32 %.4f); hard labels only -> INT8 %.4f (fp32 %.4f); gain %+.2f points%n", dataset,
                        kd.get("student").asString(), kd.get("learningRate").asString(),
                        kd.get("temperature").asString(), kd.get("epochs").asInt(), kd.get("alpha").asString(),
                        kd.get("distilled").get("int8Metric").asDouble(), kd.get("distilled").get("fp32Metric").asDouble(),
                        kd.get("hardLabels").get("int8Metric").asDouble(),
                        kd.get("hardLabels").get("fp32Metric").asDouble(), kd.get("kdGainPointsInt8").asDouble()));
            }
        }
        Path out = outDir.resolve("distiller-results.md");
        try {
            Files.writeString(out, md);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        System.out.println(md);
        System.out.println("[bench] wrote " + out.toAbsolutePath());
    }
}
