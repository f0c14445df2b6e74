package io.distill4j.pipeline.teacher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.distill4j.api.Checks;
import io.distill4j.api.ModelId;
import io.distill4j.api.TaskType;
import io.distill4j.api.distill.SoftTargetPrecision;
import io.distill4j.api.exception.DistillationCancelledException;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.repository.ModelFiles;
import io.distill4j.pipeline.cache.CacheKey;
import io.distill4j.pipeline.cache.CacheLookup;
import io.distill4j.pipeline.cache.SoftTargetCache;
import io.distill4j.pipeline.cache.SoftTargetWriter;
import io.distill4j.pipeline.cache.SoftTargets;
import io.distill4j.pipeline.cache.TeacherOutputs;
import io.distill4j.pipeline.data.TextDataset;
import io.distill4j.pipeline.data.TextExample;
import io.distill4j.pipeline.memory.ResidentMemory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The teacher stage of a staged distillation: the teacher, a model of the engine's repository, runs once
 * over every split through the engine in batches and its outputs — logits of a
 * {@code text-classification} teacher, pooled vectors of a {@code text-embedding} one — go to the
 * {@link SoftTargetCache}, one entry per split keyed by the teacher's bytes, its tokenizer, the split's
 * texts and the preprocessing. Splits already cached are not run again; if every split is cached the
 * teacher is never loaded. A teacher this stage loaded is unloaded before it returns, so its session,
 * options and tokenizer are closed before any student is built.
 *
 * <pre>{@code
 * TeacherStage.Result result = TeacherStage.builder(engine, "banking77-teacher", cache)
 *         .split("train", train).split("validation", validation).split("test", test)
 *         .build().run();
 * }</pre>
 *
 * <p>One instance runs once; it is not thread-safe.
 */
public final class TeacherStage {

    private static final Logger logger = LoggerFactory.getLogger(TeacherStage.class);

    /** Texts sent to the engine per call. */
    public static final int DEFAULT_CHUNK = 256;

    private final OnnxInferenceEngine engine;

    private final String teacher;

    private final SoftTargetCache cache;

    private final Map<String, TextDataset> splits;

    private final SoftTargetPrecision precision;

    private final Map<String, Object> preprocessing;

    private final int chunk;

    private final Consumer<Progress> progress;

    private final BooleanSupplier cancelled;

    private final Optional<TeacherOutputs> outputs;

    private TeacherStage(Builder builder) {
        this.engine = builder.engine;
        this.teacher = builder.teacher;
        this.cache = builder.cache;
        this.splits = new LinkedHashMap<>(builder.splits);
        this.precision = builder.precision;
        this.preprocessing = new LinkedHashMap<>(builder.preprocessing);
        this.chunk = builder.chunk;
        this.progress = builder.progress;
        this.cancelled = builder.cancelled;
        this.outputs = Optional.ofNullable(builder.outputs);
    }

    /** A stage running {@code teacher} (a model name in {@code engine}'s repository) into {@code cache}. */
    public static Builder builder(OnnxInferenceEngine engine, String teacher, SoftTargetCache cache) {
        return new Builder(engine, teacher, cache);
    }

    /**
     * Runs the stage.
     *
     * @throws DistillationCancelledException if {@code cancelled} turned true between two batches (the
     *     split being written is abandoned; splits already committed stay cached)
     * @throws DistillationException if the teacher is not in the repository or is neither a
     *     classification nor an embedding model
     */
    public Result run() {
        long start = System.nanoTime();
        ModelFiles files = teacherFiles();
        TaskType task = files.manifest().task();
        if (task != TaskType.TEXT_CLASSIFICATION && task != TaskType.TEXT_EMBEDDING) {
            throw new DistillationException(null, "Teacher '" + this.teacher + "' is a " + task
                    + " model; the teacher stage runs text-classification (logits) or text-embedding models", null);
        }
        Path tokenizer = files.tokenizer().orElseThrow(() -> new DistillationException(null,
                "Teacher '" + this.teacher + "' has no tokenizer", null));
        OptionalLong rssBefore = ResidentMemory.currentBytes();
        Map<String, SplitTargets> results = new HashMap<>();
        Map<String, CacheKey> misses = new LinkedHashMap<>();
        for (Map.Entry<String, TextDataset> split : this.splits.entrySet()) {
            CacheKey key = cacheKey(files, tokenizer, this.preprocessing, split.getKey(), split.getValue());
            CacheLookup lookup = this.cache.lookup(key);
            if (lookup.isHit()) {
                try (SoftTargets targets = lookup.targets().orElseThrow()) {
                    results.put(split.getKey(), new SplitTargets(split.getKey(), key, true, targets.rows(),
                            targets.width(), lookup.path()));
                }
                logger.info("Teacher stage: split {} served from the cache ({})", split.getKey(), lookup.path());
            }
            else {
                misses.put(split.getKey(), key);
            }
        }
        boolean loadedHere = false;
        OptionalLong rssWithTeacher = OptionalLong.empty();
        long texts = 0;
        if (!misses.isEmpty()) {
            if (this.outputs.isPresent()) {
                this.outputs.get().requireTeacher(teacherIdentity(files, tokenizer, this.preprocessing), null);
            }
            boolean loadedBefore = isLoaded();
            try {
                long total = misses.keySet().stream().mapToLong(name -> this.splits.get(name).size()).sum();
                for (Map.Entry<String, CacheKey> miss : misses.entrySet()) {
                    TextDataset data = this.splits.get(miss.getKey());
                    results.put(miss.getKey(), runSplit(miss.getKey(), miss.getValue(), data, task, texts, total));
                    texts += data.size();
                }
                rssWithTeacher = ResidentMemory.currentBytes();
            }
            finally {
                // Loaded on the first text to compute: with precomputed outputs, maybe never.
                loadedHere = !loadedBefore && isLoaded();
                if (loadedHere) {
                    this.engine.unload(this.teacher);
                    logger.info("Teacher stage: teacher {} unloaded", this.teacher);
                }
            }
        }
        // In the order the splits were given.
        List<SplitTargets> ordered = this.splits.keySet().stream().map(results::get).toList();
        return new Result(ordered, !misses.isEmpty(), loadedHere, texts, Duration.ofNanos(System.nanoTime() - start),
                rssBefore, rssWithTeacher, ResidentMemory.currentBytes());
    }

    private SplitTargets runSplit(String name, CacheKey key, TextDataset data, TaskType task, long doneBefore,
            long total) {
        List<TextExample> examples = data.examples();
        SoftTargetWriter writer = null;
        try {
            for (int startRow = 0; startRow < examples.size(); startRow += this.chunk) {
                if (this.cancelled.getAsBoolean()) {
                    throw new DistillationCancelledException(null, "Cancelled in the teacher stage, split " + name
                            + " at row " + startRow + " of " + examples.size());
                }
                int end = Math.min(examples.size(), startRow + this.chunk);
                List<String> texts = new ArrayList<>(end - startRow);
                for (int i = startRow; i < end; i++) {
                    texts.add(examples.get(i).text());
                }
                List<float[]> outputs = this.outputs.isPresent()
                        ? this.outputs.get().complete(texts, missing -> runTeacher(task, missing))
                        : runTeacher(task, texts);
                if (writer == null) {
                    writer = this.cache.create(key, examples.size(), outputs.get(0).length, this.precision);
                }
                writer.append(outputs.toArray(new float[0][]));
                this.progress.accept(new Progress(name, end, examples.size(), doneBefore + end, total));
            }
            if (writer == null) {
                // An empty split: an entry of zero rows, so that a second run hits the cache too.
                writer = this.cache.create(key, 0, 1, this.precision);
            }
            Path path = writer.commit();
            return new SplitTargets(name, key, false, writer.rows(), writer.width(), path);
        }
        finally {
            if (writer != null) {
                writer.close();
            }
        }
    }

    private List<float[]> runTeacher(TaskType task, List<String> texts) {
        if (!isLoaded()) {
            this.engine.load(this.teacher);
        }
        return task == TaskType.TEXT_CLASSIFICATION ? this.engine.logits(this.teacher, texts)
                : this.engine.embed(this.teacher, texts);
    }

    private boolean isLoaded() {
        return this.engine.loadedModels().stream().anyMatch(d -> d.id().name().equals(this.teacher));
    }

    /**
     * What a teacher's outputs depend on besides the texts: the components of {@link #cacheKey} other than
     * the data and the split — the teacher's and tokenizer's bytes, what the engine does around the graph,
     * {@code preprocessing}, the cache format. A {@link TeacherOutputs} folder carries the identity of the
     * teacher that made it, and the stage uses it only for the same identity.
     */
    public static SortedMap<String, String> teacherIdentity(ModelFiles files, Path tokenizer,
            Map<String, Object> preprocessing) {
        SortedMap<String, String> identity = new TreeMap<>(cacheKey(files, tokenizer, preprocessing, "",
                TextDataset.of("identity", List.of())).components());
        identity.remove("data");
        identity.remove("preprocessing.split");
        return identity;
    }

    /**
     * The cache key of one split's soft targets from the teacher version {@code files}: the teacher's
     * bytes, its tokenizer, the split's texts, the extra {@code preprocessing}, the split's name, and what
     * the engine does around the graph (sequence length; logits, or pooling and normalization). Whoever
     * computes a teacher's outputs another way writes them under this key, so this stage finds them.
     */
    static CacheKey cacheKey(ModelFiles files, Path tokenizer, Map<String, Object> preprocessing, String split,
            TextDataset data) {
        List<String> texts = new ArrayList<>(data.size());
        for (TextExample example : data.examples()) {
            texts.add(example.text());
        }
        // What the engine does to a text before and after the teacher's graph changes its outputs too.
        CacheKey.Builder key = CacheKey.builder()
                .teacher(files.model())
                .tokenizer(tokenizer)
                .data(texts)
                .preprocessing(preprocessing)
                .preprocessing("split", split)
                .preprocessing("maxSequenceLength", files.manifest().maxSequenceLength());
        if (files.manifest().task() == TaskType.TEXT_CLASSIFICATION) {
            key.preprocessing("output", "logits:" + files.manifest().output());
        }
        else {
            key.preprocessing("output", "embedding:" + files.manifest().output())
                    .preprocessing("pooling", files.manifest().pooling())
                    .preprocessing("normalize", files.manifest().normalize());
        }
        return key.build();
    }

    private ModelFiles teacherFiles() {
        OptionalLong version = this.engine.repository().latestVersion(this.teacher);
        if (version.isEmpty()) {
            throw new DistillationException(null, "Teacher '" + this.teacher + "' is not in the model repository "
                    + this.engine.repository().root(), null);
        }
        return this.engine.repository().resolve(ModelId.of(this.teacher, version.getAsLong()));
    }

    /**
     * Progress of the stage, after each batch.
     *
     * @param split the split being run
     * @param splitDone texts of this split done
     * @param splitTotal texts in this split
     * @param done texts done over every split the teacher runs on
     * @param total texts the teacher runs on (cached splits excluded)
     */
    public record Progress(String split, long splitDone, long splitTotal, long done, long total) {
    }

    /**
     * One split's soft targets.
     *
     * @param split its name
     * @param key the cache key
     * @param cacheHit whether it came from the cache
     * @param rows one per example
     * @param width values per row (classes, or embedding width)
     * @param path the cache entry
     */
    public record SplitTargets(String split, CacheKey key, boolean cacheHit, int rows, int width, Path path) {
    }

    /**
     * What the stage did.
     *
     * @param splits per split, in the order given
     * @param teacherRan whether the teacher ran (false when every split was cached)
     * @param teacherUnloaded whether this stage loaded and then unloaded the teacher
     * @param texts texts the teacher ran on
     * @param elapsed wall-clock time of the stage
     * @param rssBefore resident memory of the process before the stage, where the OS tells
     * @param rssWithTeacher resident memory after the teacher ran, before it was unloaded
     * @param rssAfter resident memory at the end
     */
    public record Result(List<SplitTargets> splits, boolean teacherRan, boolean teacherUnloaded, long texts,
            Duration elapsed, OptionalLong rssBefore, OptionalLong rssWithTeacher, OptionalLong rssAfter) {

        public Result {
            splits = List.copyOf(splits);
        }

        /** Whether every split came from the cache. */
        public boolean allCached() {
            return this.splits.stream().allMatch(SplitTargets::cacheHit);
        }
    }

    /** Builder of {@link TeacherStage}. */
    public static final class Builder {

        private final OnnxInferenceEngine engine;

        private final String teacher;

        private final SoftTargetCache cache;

        private final Map<String, TextDataset> splits = new LinkedHashMap<>();

        private SoftTargetPrecision precision = SoftTargetPrecision.FLOAT32;

        private final Map<String, Object> preprocessing = new LinkedHashMap<>();

        private int chunk = DEFAULT_CHUNK;

        private Consumer<Progress> progress = p -> {
        };

        private BooleanSupplier cancelled = () -> false;

        private TeacherOutputs outputs;

        private Builder(OnnxInferenceEngine engine, String teacher, SoftTargetCache cache) {
            this.engine = Objects.requireNonNull(engine, "engine");
            this.teacher = Objects.requireNonNull(teacher, "teacher");
            this.cache = Objects.requireNonNull(cache, "cache");
        }

        /** Adds a split, e.g. {@code train}; names must be distinct. */
        public Builder split(String name, TextDataset data) {
            Objects.requireNonNull(data, "data");
            if (name == null || name.isBlank() || this.splits.putIfAbsent(name, data) != null) {
                throw new IllegalArgumentException("split: name must be non-blank and distinct, was '" + name + "'");
            }
            return this;
        }

        /** How the targets are stored; default FP32. */
        public Builder precision(SoftTargetPrecision precision) {
            this.precision = Objects.requireNonNull(precision, "precision");
            return this;
        }

        /** A setting that changes the teacher's outputs and so belongs in the cache key (e.g. max sequence length). */
        public Builder preprocessing(String name, Object value) {
            this.preprocessing.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Texts per engine call; default {@value #DEFAULT_CHUNK}. */
        public Builder chunk(int chunk) {
            this.chunk = Checks.atLeast(chunk, 1, "chunk");
            return this;
        }

        public Builder progress(Consumer<Progress> progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        /** Checked between batches; when it turns true the stage stops with a cancellation. */
        public Builder cancelled(BooleanSupplier cancelled) {
            this.cancelled = Objects.requireNonNull(cancelled, "cancelled");
            return this;
        }

        /**
         * The teacher's outputs computed elsewhere (the Spark teacher pass), read instead of running the teacher
         * on the texts they hold; the stage checks they were made by this teacher with these settings. The
         * caller keeps them open until {@link #run()} returns and closes them.
         */
        public Builder outputs(TeacherOutputs outputs) {
            this.outputs = Objects.requireNonNull(outputs, "outputs");
            return this;
        }

        public TeacherStage build() {
            if (this.splits.isEmpty()) {
                throw new IllegalArgumentException("split: the teacher stage needs at least one split");
            }
            return new TeacherStage(this);
        }
    }
}
