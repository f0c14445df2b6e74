package io.distill4j.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.session.SessionConfig;
import io.distill4j.engine.text.TextTokenizer;
import io.distill4j.pipeline.cache.SoftTargetCache;
import io.distill4j.pipeline.cache.SoftTargets;
import io.distill4j.pipeline.data.DatasetReader;
import io.distill4j.pipeline.data.DatasetSplit;
import io.distill4j.pipeline.data.DatasetSplitter;
import io.distill4j.pipeline.data.TextDataset;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.student.bag.BagOfEmbeddingsConfig;
import io.distill4j.pipeline.teacher.EncoderTeacher;
import io.distill4j.pipeline.teacher.HeadTrainer;
import io.distill4j.pipeline.teacher.TeacherStage;
import io.distill4j.pipeline.train.DistillationLoss;
import io.distill4j.pipeline.train.EncodedSplit;
import io.distill4j.pipeline.train.StudentTrainer;
import io.distill4j.pipeline.train.TrainerConfig;
import io.distill4j.pipeline.train.TrainingResult;

/**
 * A first end-to-end measurement of the distillation pieces on Banking77, before the {@code Distiller}
 * ties them together: all-MiniLM-L6-v2 with a fitted head as the teacher, the teacher stage into the
 * soft-target cache (the teacher unloaded after it), then a bag-of-embeddings student trained on the
 * cached logits for each alpha (alpha 0 = hard labels only, the baseline for the KD gain). fp32 student,
 * scored on the test split; no INT8 yet.
 *
 * <pre>
 * mvn -Pbench -DskipTests -pl benchmarks -am verify -Dbench.main=io.distill4j.benchmarks.DistillationProbe -Dbench.args="--banking77 ../shared/datasets/banking77"
 * </pre>
 */
public final class DistillationProbe {

    static final String USAGE = """
            usage: DistillationProbe --banking77 <folder with train.tsv and test.tsv> [--work-dir DIR] [--out-dir DIR]
                                     [--epochs 20] [--alphas 0.5,0.9,0] [--embedding-dim 128] [--hidden 256]
            """;

    private DistillationProbe() {
    }

    public static void main(String[] args) {
        BenchmarkSupport.main(args, USAGE, a -> Flags.parse(USAGE, a), DistillationProbe::run);
    }

    private static void run(Flags flags) {
        Instant started = Instant.now();
        Path data = Path.of(flags.required("banking77"));
        Path work = BenchmarkSupport.createDirectories(Path.of(flags.string("work-dir", "benchmarks/target/bench-work")));
        Path outDir = BenchmarkSupport.createDirectories(Path.of(flags.string("out-dir", "benchmarks/target")));
        int epochs = flags.positiveInt("epochs", 20);
        int dim = flags.positiveInt("embedding-dim", 128);
        int hidden = flags.positiveInt("hidden", 256);
        List<Float> alphas = new ArrayList<>();
        for (String alpha : flags.string("alphas", "0.5,0.9,0").split(",")) {
            alphas.add(Float.parseFloat(alpha.trim()));
        }
        StringBuilder report = new StringBuilder("# Distillation probe: Banking77, MiniLM + head teacher, "
                + "bag-of-embeddings student\n\n");
        ModelFiles minilm = ModelFiles.extract(work);
        Path repository = work.resolve("probe-repo");
        installEncoder(minilm, repository.resolve("minilm").resolve("1"));
        DatasetReader reader = DatasetReader.builder().build();
        TextDataset all = reader.read(data.resolve("train.tsv"));
        TextDataset test = reader.toBuilder().knownLabels(all.labels()).requireLabels(true).build()
                .read(data.resolve("test.tsv"));
        DatasetSplit split = DatasetSplitter.builder().seed(42).build().split(all);
        TextDataset train = split.train();
        TextDataset validation = split.validation();
        line(report, "data: train %d, validation %d, test %d, %d labels", train.size(), validation.size(),
                test.size(), train.labels().size());
        SoftTargetCache cache = SoftTargetCache.inDirectory(work.resolve("probe-cache"));
        try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder().modelRepository(repository)
                .session(SessionConfig.builder().intraOpThreads(2).interOpThreads(1).build()).build())) {
            Path teacherVersion = repository.resolve("banking77-teacher").resolve("1");
            if (!Files.exists(teacherVersion.resolve("model.json"))) {
                long start = System.nanoTime();
                EncoderTeacher.Fitted fitted = EncoderTeacher.fit(engine, "minilm", train, validation,
                        HeadTrainer.builder().learningRate(0.003).batchSize(32).maxEpochs(100).patience(8).build(),
                        teacherVersion, n -> { });
                line(report, "teacher head fitted: validation accuracy %.4f (epoch %d) in %.1f s",
                        fitted.head().validationAccuracy(), fitted.head().bestEpoch(), seconds(start));
                engine.unload("minilm");
            }
            long start = System.nanoTime();
            TeacherStage.Result stage = TeacherStage.builder(engine, "banking77-teacher", cache)
                    .split("train", train).split("validation", validation).split("test", test).build().run();
            line(report, "teacher stage: ran %s, unloaded %s, %d texts in %.1f s; RSS before %s, with teacher %s, "
                    + "after %s MiB", stage.teacherRan(), stage.teacherUnloaded(), stage.texts(), seconds(start),
                    mib(stage.rssBefore()), mib(stage.rssWithTeacher()), mib(stage.rssAfter()));
            try (SoftTargets trainTargets = cache.open(stage.splits().get(0).key()).orElseThrow();
                    SoftTargets validationTargets = cache.open(stage.splits().get(1).key()).orElseThrow();
                    SoftTargets testTargets = cache.open(stage.splits().get(2).key()).orElseThrow();
                    TextTokenizer tokenizer = TextTokenizer.open("probe", minilm.tokenizer(), 64)) {
                EncodedSplit trainSplit = encode(tokenizer, train, trainTargets, train);
                EncodedSplit validationSplit = encode(tokenizer, validation, validationTargets, train);
                EncodedSplit testSplit = encode(tokenizer, test, testTargets, train);
                double teacherAccuracy = teacherAccuracy(testSplit);
                line(report, "teacher test accuracy: %.4f", teacherAccuracy);
                report.append("\n| alpha | parameters | validation | test | % of teacher | best epoch | seconds |\n")
                        .append("|---|---|---|---|---|---|---|\n");
                for (float alpha : alphas) {
                    BagOfEmbeddingsConfig config = BagOfEmbeddingsConfig.builder().vocabSize(30522).embeddingDim(dim)
                            .hiddenSizes(hidden).outputSize(train.labels().size()).build();
                    try (StudentModel model = StudentModel.create(config.newBlock(), 42)) {
                        long trainStart = System.nanoTime();
                        StudentTrainer trainer = new StudentTrainer(TrainerConfig.builder().epochs(epochs)
                                .batchSize(32).learningRate(3e-3f).warmupShare(0.05).weightDecay(0.01f).clipGradient(1f)
                                .temperature(2f).alpha(alpha).patience(4).seed(42).build());
                        TrainingResult result = trainer.train(model, trainSplit, validationSplit, p -> { },
                                () -> false);
                        double accuracy = trainer.accuracy(model, testSplit);
                        String row = String.format(Locale.ROOT, "| %.1f | %,d | %.4f | %.4f | %.1f | %d/%d | %.0f |%n",
                                alpha, model.parameterCount(), result.bestValidationScore(), accuracy,
                                100 * accuracy / teacherAccuracy, result.bestEpoch(), result.epochs(),
                                seconds(trainStart));
                        report.append(row);
                        System.out.print("[bench] " + row);
                    }
                }
            }
        }
        report.append('\n').append("Run of ").append(BenchmarkSupport.date(started)).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, JDK ")
                .append(System.getProperty("java.version")).append(".\n");
        Path out = outDir.resolve("distillation-probe.md");
        try {
            Files.writeString(out, report);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        System.out.println(report);
        System.out.println("[bench] wrote " + out.toAbsolutePath());
    }

    private static void installEncoder(ModelFiles minilm, Path version) {
        try {
            if (Files.exists(version.resolve("model.json"))) {
                return;
            }
            Files.createDirectories(version);
            Files.copy(minilm.onnxModel(), version.resolve("model.onnx"));
            Files.copy(minilm.tokenizer(), version.resolve("tokenizer.json"));
            Files.writeString(version.resolve("model.json"), ModelFiles.ENGINE_MANIFEST);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static EncodedSplit encode(TextTokenizer tokenizer, TextDataset data, SoftTargets teacher,
            TextDataset train) {
        long[][] ids = new long[data.size()][];
        long[] hard = new long[data.size()];
        for (int i = 0; i < data.size(); i++) {
            ids[i] = tokenizer.encode(data.examples().get(i).text()).ids();
            hard[i] = data.examples().get(i).label().map(l -> (long) train.labelIndex(l))
                    .orElse(DistillationLoss.NO_LABEL);
        }
        return new EncodedSplit(ids, hard, teacher);
    }

    private static double teacherAccuracy(EncodedSplit test) {
        int correct = 0;
        for (int i = 0; i < test.size(); i++) {
            float[] row = test.teacher().row(i);
            int best = 0;
            for (int c = 1; c < row.length; c++) {
                best = row[c] > row[best] ? c : best;
            }
            correct += best == test.hardLabels()[i] ? 1 : 0;
        }
        return (double) correct / test.size();
    }

    private static void line(StringBuilder report, String format, Object... args) {
        String text = String.format(Locale.ROOT, format, args);
        report.append("- ").append(text).append('\n');
        System.out.println("[bench] " + text);
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static String mib(java.util.OptionalLong bytes) {
        return bytes.isPresent() ? Long.toString(bytes.getAsLong() >> 20) : "?";
    }
}
