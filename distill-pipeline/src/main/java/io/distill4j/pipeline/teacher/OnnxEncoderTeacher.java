package io.distill4j.pipeline.teacher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.distill4j.api.distill.Pooling;
import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.files.FileTrees;
import io.distill4j.engine.onnx.OnnxModelReader;
import io.distill4j.engine.repository.ModelFiles;
import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.cache.TeacherOutputs;
import io.distill4j.pipeline.data.TextDataset;
import io.distill4j.pipeline.data.TextExample;

/**
 * An ONNX encoder given as files (or a repository's text-embedding model, see
 * {@link RepositoryModelTeacher}), pooled as the spec or the manifest says. For an embedding job its
 * pooled vectors are the soft targets. For a classification job a head is fitted on the frozen encoder
 * with the data's labels (once per encoder, pooling, data and settings: a second job finds the fitted
 * teacher in the teacher repository) and the encoder plus head is the teacher, installed as a model
 * version the engine serves.
 *
 * <p>The encoder runs once per distinct text of the job: every text of every split (and of the labelled
 * data the head is fitted on) is pooled in one pass ({@link PooledTexts}), the head is fitted on those
 * vectors, and each split's logits are computed from the same vectors in Java and written to the
 * soft-target cache under the fitted teacher's keys ({@link HeadTargets}), so the teacher stage finds
 * them and does not run the encoder-plus-head graph. Splits already cached are not embedded; a head found
 * fitted costs only the embedding of the splits not cached yet.
 */
final class OnnxEncoderTeacher extends EngineTeacher {

    private static final double HEAD_LEARNING_RATE = 0.003;

    private static final int HEAD_BATCH = 32;

    private static final int HEAD_EPOCHS = 100;

    private static final int HEAD_PATIENCE = 8;

    /** Share of the teacher stage's progress that the embedding pass stands for. */
    private static final double EMBEDDING_SHARE = 0.9;

    private final Path model;

    private final Path tokenizer;

    private final Pooling pooling;

    private final boolean normalize;

    private final FrozenFitWatcher watcher;

    OnnxEncoderTeacher(TeacherSpec.OnnxEncoder spec) {
        this(spec.model(), spec.tokenizer(), spec.pooling(), true);
    }

    /**
     * @param model the encoder's ONNX file
     * @param tokenizer its {@code tokenizer.json}
     * @param pooling how its token vectors become one vector per text
     * @param normalize whether the pooled vectors are L2-normalized
     */
    OnnxEncoderTeacher(Path model, Path tokenizer, Pooling pooling, boolean normalize) {
        this(model, tokenizer, pooling, normalize, FrozenFitWatcher.NONE);
    }

    private OnnxEncoderTeacher(Path model, Path tokenizer, Pooling pooling, boolean normalize,
            FrozenFitWatcher watcher) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.pooling = pooling;
        this.normalize = normalize;
        this.watcher = watcher;
    }

    /** The same teacher, telling {@code watcher} what its head fit measured. */
    OnnxEncoderTeacher watched(FrozenFitWatcher watcher) {
        return new OnnxEncoderTeacher(this.model, this.tokenizer, this.pooling, this.normalize, watcher);
    }

    /** The encoder's ONNX file. */
    Path model() {
        return this.model;
    }

    /** The encoder's {@code tokenizer.json}. */
    Path tokenizer() {
        return this.tokenizer;
    }

    @Override
    Path repository(TeacherContext context) {
        return teachersRepository(context);
    }

    @Override
    InstalledTeacher install(OnnxInferenceEngine engine, Path repository, TeacherContext context,
            Optional<TeacherOutputs> outputs) {
        String encoderName = TeacherFolders.installEncoder(repository, this.model, this.tokenizer, this.pooling,
                this.normalize, context.config().maxSequenceLength(), context.jobId());
        return context.embedding() ? InstalledTeacher.of(encoderName) : fitHead(engine, repository, encoderName,
                context, outputs);
    }

    @Override
    public Optional<Path> encoderFile(DistillerConfig config) {
        return Optional.of(this.model);
    }

    @Override
    public Pooling encoderPooling(DistillerConfig config) {
        return this.pooling;
    }

    /**
     * The fitted teacher's name in the teacher repository: derived from the encoder's and tokenizer's
     * bytes, the training and validation data, and the head's settings.
     */
    String fittedName(TeacherContext context) {
        return TeacherFolders.fittedName(this.model, this.tokenizer, context.train(), context.validation(),
                headSettings(context));
    }

    /** The head's settings, as the fitted name hashes them; {@link AutoFineTuning} fits its heads so too. */
    static HeadTrainer headTrainer(long seed) {
        return HeadTrainer.builder().learningRate(HEAD_LEARNING_RATE).batchSize(HEAD_BATCH).maxEpochs(HEAD_EPOCHS)
                .patience(HEAD_PATIENCE).seed(seed).build();
    }

    private Map<String, Object> headSettings(TeacherContext context) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("head", "lr=" + HEAD_LEARNING_RATE + ",batch=" + HEAD_BATCH + ",epochs=" + HEAD_EPOCHS
                + ",patience=" + HEAD_PATIENCE);
        settings.put("seed", context.spec().seed());
        settings.put("maxSequenceLength", context.config().maxSequenceLength());
        settings.put("pooling", this.pooling.id());
        settings.put("normalize", this.normalize);
        return settings;
    }

    private InstalledTeacher fitHead(OnnxInferenceEngine engine, Path repository, String encoderName,
            TeacherContext context, Optional<TeacherOutputs> outputs) {
        HeadTrainer headTrainer = headTrainer(context.spec().seed());
        String fitted = fittedName(context);
        Map<String, TextDataset> splits = splits(context);
        Map<String, TextDataset> toWrite;
        PooledTexts pooled;
        double accuracy;
        long started = System.nanoTime();
        List<TextExample> needed = this.watcher.needed();
        if (TeacherFolders.isInstalled(repository, fitted)) {
            ModelFiles found = latestVersion(engine, fitted, context.jobId());
            toWrite = HeadTargets.uncached(context.cache(), found, splits);
            context.progress().milestone(0, -1, 0, Map.of(), "teacher: head on " + this.model.getFileName()
                    + " found fitted; " + (toWrite.isEmpty() ? "every split cached" : "splits to compute: "
                            + String.join(", ", toWrite.keySet())));
            if (toWrite.isEmpty() && needed.isEmpty()) {
                return InstalledTeacher.of(fitted);
            }
            List<Iterable<TextExample>> texts = new ArrayList<>(toWrite.values());
            texts.add(needed);
            pooled = embed(engine, encoderName, texts, context, outputs);
            accuracy = Double.parseDouble(found.manifest().provenance().getOrDefault("headValidationAccuracy", "NaN"));
        }
        else {
            EncoderTeacher.labeled(context.train(), encoderName);
            List<TextDataset> all = new ArrayList<>(List.of(context.train(), context.validation()));
            all.addAll(splits.values());
            pooled = embed(engine, encoderName, all, context, outputs);
            accuracy = publishFitted(engine, repository, encoderName, fitted, headTrainer, pooled, context);
            toWrite = HeadTargets.uncached(context.cache(), latestVersion(engine, fitted, context.jobId()), splits);
        }
        this.watcher.fitted(new FrozenFit(accuracy, pooled, pooled.size(), Duration.ofNanos(System.nanoTime()
                - started)));
        engine.unload(encoderName);
        ModelFiles teacher = latestVersion(engine, fitted, context.jobId());
        // The head as published: if another job published the same teacher first, its head is the one served.
        ClassificationHead head = TeacherGraphs.head(OnnxModelReader.ofDefaults().read(teacher.model(),
                teacher.id().toString()));
        HeadTargets.write(context.cache(), teacher, toWrite, head, pooled, context.spec().softTargetPrecision());
        return new InstalledTeacher(fitted, toWrite.keySet());
    }

    /**
     * The pooled vectors of {@code datasets}: from {@code outputs} where they hold a text (made by this very
     * encoder with these settings, or refused), from the encoder otherwise, which is then loaded.
     */
    private static PooledTexts embed(OnnxInferenceEngine engine, String encoderName,
            List<? extends Iterable<TextExample>> datasets, TeacherContext context, Optional<TeacherOutputs> outputs) {
        if (outputs.isPresent()) {
            ModelFiles files = latestVersion(engine, encoderName, context.jobId());
            outputs.get().requireTeacher(TeacherStage.teacherIdentity(files, files.tokenizer().orElseThrow(),
                    Map.of()), context.jobId());
        }
        else {
            EncoderTeacher.encoderFiles(engine, encoderName);
        }
        return PooledTexts.embed(engine, encoderName, datasets, outputs, (done, texts) -> context.progress().update(done,
                texts, EMBEDDING_SHARE * done / Math.max(1, texts), Map.of(), "teacher: embedding " + done + " of "
                        + texts + " texts"), context.cancelled());
    }

    /** Fits and publishes the head; returns its validation accuracy. */
    private double publishFitted(OnnxInferenceEngine engine, Path repository, String encoderName, String fitted,
            HeadTrainer headTrainer, PooledTexts pooled, TeacherContext context) {
        Path staged = TeacherFolders.staging(repository, fitted);
        double accuracy;
        try {
            EncoderTeacher.Fitted result = EncoderTeacher.fit(engine, encoderName, context.train(),
                    context.validation(), headTrainer, staged.resolve("1"), pooled);
            context.progress().milestone(0, -1, EMBEDDING_SHARE, Map.of("teacher_head_val_accuracy",
                    result.head().validationAccuracy()), String.format(Locale.ROOT,
                    "teacher: head fitted on %s, validation accuracy %.4f", this.model.getFileName(),
                    result.head().validationAccuracy()));
            accuracy = result.head().validationAccuracy();
        }
        catch (RuntimeException ex) {
            FileTrees.delete(staged);
            throw ex;
        }
        TeacherFolders.publish(staged, repository, fitted);
        return accuracy;
    }
}
