package io.distill4j.pipeline.teacher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import io.distill4j.api.ModelId;
import io.distill4j.api.distill.MemoryMode;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.files.AtomicFiles;
import io.distill4j.engine.onnx.OnnxModelReader;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.proto.TensorProto;
import io.distill4j.engine.repository.ModelFiles;
import io.distill4j.engine.session.SessionConfig;
import io.distill4j.pipeline.cache.TeacherOutputs;
import io.distill4j.pipeline.data.TextDataset;
import io.distill4j.pipeline.data.TextExample;
import io.distill4j.pipeline.memory.MemoryPlanner;
import io.distill4j.pipeline.memory.ResidentMemory;
import io.distill4j.pipeline.speed.SpeedProbe;
import io.distill4j.pipeline.vocab.TokenizerVocabulary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The part every teacher that is an ONNX model shares: an engine over a model repository, the model put
 * in place by the kind ({@link #install}), its speed measured once per model file (kept next to the
 * teacher repository so a warm run does not measure again), {@link TeacherStage} over the splits, and the
 * memory mode. The engine is closed before {@link #run} returns — and the stage's garbage collected, so
 * the student stage starts from a small resident set — unless the mode is online, where the outcome owns
 * it.
 */
abstract class EngineTeacher implements Teacher {

    private static final Logger logger = LoggerFactory.getLogger(EngineTeacher.class);

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    /** Validation texts the speed probe cycles through. */
    private static final int SPEED_TEXTS = 64;

    /** The repository the engine opens, created if needed. */
    abstract Path repository(TeacherContext context);

    /**
     * Puts the teacher into {@code repository} if it is not there yet.
     *
     * @param outputs the spec's precomputed teacher outputs, opened; for a kind that runs a model of its own
     *     before the stage (an encoder whose head it fits)
     * @return its model name there, and the splits it already wrote to the cache
     */
    abstract InstalledTeacher install(OnnxInferenceEngine engine, Path repository, TeacherContext context,
            Optional<TeacherOutputs> outputs);

    @Override
    public TeacherOutcome run(TeacherContext context) {
        Path repository = repository(context);
        OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder().modelRepository(repository)
                .session(SessionConfig.builder().intraOpThreads(context.config().threads()).interOpThreads(1).build())
                .build());
        boolean closeEngine = true;
        Optional<TeacherOutputs> outputs = Optional.empty();
        try {
            outputs = context.spec().teacherOutputs().map(TeacherOutputs::open);
            outputs.ifPresent(opened -> logger.info("Job {}: teacher outputs of {} texts in {}", context.jobId(),
                    opened.rows(), opened.folder()));
            InstalledTeacher installed = install(engine, repository, context, outputs);
            String name = installed.name();
            ModelFiles files = latestVersion(engine, name, context.jobId());
            if (files.manifest().task() != context.spec().task().taskType()) {
                throw new DistillationException(context.jobId(), "teacher: '" + name + "' is a "
                        + files.manifest().task() + " model; the " + context.spec().task() + " task needs a "
                        + context.spec().task().taskType() + " teacher", null);
            }
            Path tokenizer = files.tokenizer().orElseThrow(
                    () -> new DistillationException(context.jobId(), "The teacher has no tokenizer", null));
            Path modelFile = files.model();
            SpeedProbe.Figures speed = speed(engine, name, modelFile, context);
            TeacherStage.Builder stageBuilder = TeacherStage.builder(engine, name, context.cache());
            splits(context).forEach(stageBuilder::split);
            outputs.ifPresent(stageBuilder::outputs);
            stageBuilder.precision(context.spec().softTargetPrecision())
                    .progress(p -> context.progress().update(p.done(), p.total(), p.total() == 0 ? 1
                            : (double) p.done() / p.total(), Map.of(), "teacher: " + p.split() + " " + p.splitDone()
                                    + " of " + p.splitTotal() + " texts"))
                    .cancelled(context.cancelled());
            TeacherStage.Result stage = stageBuilder.build().run();
            List<TeacherStage.SplitTargets> splits = new ArrayList<>();
            long texts = stage.texts();
            for (TeacherStage.SplitTargets split : stage.splits()) {
                boolean computed = installed.computedSplits().contains(split.split());
                splits.add(computed ? new TeacherStage.SplitTargets(split.split(), split.key(), false, split.rows(),
                        split.width(), split.path()) : split);
                texts += computed ? split.rows() : 0;
            }
            boolean allCached = splits.stream().allMatch(TeacherStage.SplitTargets::cacheHit);
            MemoryMode mode = memoryMode(modelFile, tokenizer, context, splits.get(0).width());
            boolean loaded = engine.loadedModels().stream().anyMatch(d -> d.id().name().equals(name));
            if (mode == MemoryMode.STAGED && loaded) {
                engine.unload(name);
            }
            else if (mode == MemoryMode.ONLINE) {
                // Online: the teacher stays loaded beside the student until the outcome is closed.
                if (!loaded) {
                    engine.load(name);
                }
                closeEngine = false;
            }
            // What the engine holds now: nothing in staged mode, the teacher in online mode.
            context.progress().milestone(texts, texts, 1, Map.of("teacher_models_loaded",
                    (double) engine.loadedModels().size()), String.format(Locale.ROOT,
                    "teacher %s: %s, %d texts; memory mode %s", name, allCached ? "every split from the cache"
                            : "ran", texts, mode));
            TeacherModel model = new TeacherModel(modelFile, parameterCount(modelFile), Files.size(modelFile), speed);
            return new TeacherOutcome(name, tokenizer, splits, Optional.of(model), mode,
                    closeEngine ? Optional.empty() : Optional.of(engine), context.cache());
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        finally {
            outputs.ifPresent(TeacherOutputs::close);
            if (closeEngine) {
                engine.close();
                // A stage boundary: the teacher stage's garbage is collected now, so a heap that may shrink
                // (no -Xms pinning it) gives those pages back, and glibc returns ONNX Runtime's freed buffers.
                System.gc();
                ResidentMemory.trimNativeHeap().ifPresent(line -> logger.info("Job {}: teacher closed; {}",
                        context.jobId(), line));
            }
        }
    }

    /**
     * The splits the teacher stage runs on, by the names the outcome's cache entries have: {@code train}
     * (the transfer set), {@code validation} and, when given, {@code test}.
     */
    static Map<String, TextDataset> splits(TeacherContext context) {
        Map<String, TextDataset> splits = new LinkedHashMap<>();
        splits.put("train", context.transfer());
        splits.put("validation", context.validation());
        context.test().ifPresent(test -> splits.put("test", test));
        return splits;
    }

    /** {@code <cacheDirectory>/teachers}, where teachers given as files are installed. */
    static Path teachersRepository(TeacherContext context) {
        Path repository = context.config().cacheDirectory().resolve(TeacherFolders.TEACHERS);
        try {
            Files.createDirectories(repository);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return repository;
    }

    private static SpeedProbe.Figures speed(OnnxInferenceEngine engine, String name, Path modelFile,
            TeacherContext context) throws IOException {
        Path speedFile = context.config().cacheDirectory().resolve(TeacherFolders.TEACHERS)
                .resolve(".speed-" + name + "-" + Files.size(modelFile) + ".json");
        SpeedProbe.Figures speed = readSpeed(speedFile);
        if (speed == null) {
            engine.load(name);
            speed = SpeedProbe.measure(engine, name, context.spec().task().taskType(),
                    texts(context.validation(), SPEED_TEXTS));
            writeSpeed(speedFile, speed);
        }
        return speed;
    }

    /** The spec's memory mode; for AUTO the planner's, sized by the largest student the job may build. */
    private static MemoryMode memoryMode(Path teacherModel, Path tokenizer, TeacherContext context, int outputWidth)
            throws IOException {
        if (context.spec().memoryMode() != MemoryMode.AUTO) {
            return context.spec().memoryMode();
        }
        long largestStudent = context.students().largestParameterCount(TokenizerVocabulary.read(tokenizer).size(),
                outputWidth);
        MemoryPlanner.Plan plan = MemoryPlanner.plan(Files.size(teacherModel), largestStudent,
                context.config().memoryLimitBytes());
        logger.info("Job {}: {}", context.jobId(), plan);
        return plan.mode();
    }

    static ModelFiles latestVersion(OnnxInferenceEngine engine, String name, String jobId) {
        OptionalLong version = engine.repository().latestVersion(name);
        if (version.isEmpty()) {
            throw new DistillationException(jobId, "Teacher '" + name + "' is not in the model repository "
                    + engine.repository().root(), null);
        }
        return engine.repository().resolve(ModelId.of(name, version.getAsLong()));
    }

    /** The elements of the model's initializers. */
    static long parameterCount(Path model) {
        ModelProto proto = OnnxModelReader.ofDefaults().read(model);
        long count = 0;
        for (TensorProto tensor : proto.getGraph().getInitializerList()) {
            long elements = 1;
            for (long dim : tensor.getDimsList()) {
                elements *= dim;
            }
            count += elements;
        }
        return count;
    }

    private static List<String> texts(TextDataset data, int limit) {
        List<String> texts = new ArrayList<>();
        for (TextExample example : data) {
            if (texts.size() == limit) {
                break;
            }
            texts.add(example.text());
        }
        return texts;
    }

    /** The speed recorded for a model file, or null when there is none or it cannot be read. */
    private static SpeedProbe.Figures readSpeed(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return MAPPER.readValue(file.toFile(), SpeedProbe.Figures.class);
        }
        catch (RuntimeException ex) {
            logger.warn("Ignoring the unreadable teacher speed file {}: {}", file, ex.toString());
            return null;
        }
    }

    /** Records a model's speed (written to a temporary file, then renamed); a failure is logged, not thrown. */
    private static void writeSpeed(Path file, SpeedProbe.Figures figures) {
        try {
            Files.createDirectories(file.getParent());
            AtomicFiles.write(file, out -> MAPPER.writeValue(out, figures));
        }
        catch (IOException | RuntimeException ex) {
            logger.warn("Could not record the teacher's speed in {}: {}", file, ex.toString());
        }
    }
}
