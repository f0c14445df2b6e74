package io.distill4j.pipeline.teacher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import io.distill4j.api.ModelId;
import io.distill4j.api.TaskType;
import io.distill4j.api.distill.FineTuning;
import io.distill4j.api.distill.Pooling;
import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.files.FileTrees;
import io.distill4j.engine.repository.ModelFiles;
import io.distill4j.engine.repository.ModelRepository;
import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.cache.TeacherOutputs;
import io.distill4j.pipeline.finetune.FineTuneInputs;
import io.distill4j.pipeline.finetune.FineTuneParity;
import io.distill4j.pipeline.finetune.FineTuneProgress;
import io.distill4j.pipeline.finetune.FineTuneResult;
import io.distill4j.pipeline.finetune.FineTuner;
import io.distill4j.pipeline.memory.ResidentMemory;
import io.distill4j.pipeline.registry.ModelRegistrar;
import io.distill4j.pipeline.registry.RegistrationRequest;
import io.distill4j.pipeline.student.transformer.TransformerConfig;
import io.distill4j.pipeline.train.Checkpoints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An encoder fine-tuned with a classification head ({@link FineTuner}), exported, checked for parity
 * as the engine serves it ({@link FineTuneParity}) and then run as a classifier teacher like any other
 * model of the teacher repository. The fine-tuned version lives in {@code <cacheDirectory>/teachers}
 * under a name derived from the encoder's and tokenizer's bytes, the training and validation data, the
 * labels and every setting, so a second job with the same inputs finds it and does not fine-tune. The
 * per-epoch checkpoints live in {@code <workDirectory>/fine-tuning/<name>} while it trains (a killed job
 * resumes from its last epoch) and are deleted once the teacher is published. Fine-tuning, export and
 * every DJL resource are closed before the soft-target pass starts, so the job's peak is the larger of the
 * two, not their sum.
 */
final class FineTunedTeacher extends EngineTeacher {

    private static final Logger logger = LoggerFactory.getLogger(FineTunedTeacher.class);

    /** Folder of the fine-tuning checkpoints under the distiller's work directory. */
    static final String CHECKPOINTS = "fine-tuning";

    /** Provenance key of a registered fine-tuned teacher: the teacher-repository folder it came from. */
    static final String REGISTERED_FROM = "distill4j.teacher.fine_tuned";

    private final TeacherSpec.FineTuned spec;

    FineTunedTeacher(TeacherSpec.FineTuned spec) {
        this.spec = spec;
    }

    @Override
    Path repository(TeacherContext context) {
        return teachersRepository(context);
    }

    @Override
    InstalledTeacher install(OnnxInferenceEngine engine, Path repository, TeacherContext context,
            Optional<TeacherOutputs> outputs) {
        if (context.embedding()) {
            throw new DistillationException(context.jobId(), "teacher: a fine-tuned teacher is a classifier and "
                    + "cannot teach an embedding job; use its base encoder as the teacher", null);
        }
        Base base = base(context.config(), context.jobId());
        FineTuning settings = this.spec.settings();
        long seed = settings.seed().orElse(context.spec().seed());
        int maxLength = settings.maxSequenceLength().orElse(context.config().maxSequenceLength());
        Map<String, Object> hashed = new LinkedHashMap<>();
        hashed.put("fineTuning", settings.toString());
        hashed.put("seed", seed);
        hashed.put("maxSequenceLength", maxLength);
        hashed.put("pooling", base.pooling().name());
        hashed.put("labels", String.join("\u001f", context.labels()));
        String name = TeacherFolders.fittedName("finetuned-", base.model(), base.tokenizer(), context.train(),
                context.validation(), hashed);
        if (TeacherFolders.isInstalled(repository, name)) {
            context.progress().milestone(0, -1, 0.35, Map.of(), "teacher: " + base.name()
                    + " found fine-tuned in the teacher repository as " + name);
            register(context, repository, name);
            return InstalledTeacher.of(name);
        }
        Path checkpoints = context.config().workDirectory().resolve(CHECKPOINTS).resolve(name);
        FineTuneInputs inputs = new FineTuneInputs(context.jobId(), base.name(), base.model(), base.tokenizer(),
                base.pooling(), context.labels(), context.train(), context.validation(), settings, seed, maxLength,
                context.config().memoryLimitBytes(), context.config().threads());
        Path staged = TeacherFolders.staging(repository, name);
        FineTuneResult result;
        try {
            result = FineTuner.fineTune(inputs, staged.resolve("1"), Checkpoints.in(checkpoints),
                    progress -> report(context, progress), context.cancelled());
        }
        catch (RuntimeException ex) {
            FileTrees.delete(staged);
            throw ex;
        }
        TeacherFolders.publish(staged, repository, name);
        // DJL's model, trainer and optimizer are closed: collect their garbage and give PyTorch's freed
        // buffers back, so the soft-target pass starts from what it uses, not from fine-tuning's peak.
        System.gc();
        ResidentMemory.trimNativeHeap().ifPresent(line -> logger.info("Job {}: fine-tuning closed; {}",
                context.jobId(), line));
        double parity;
        try {
            engine.load(name);
            parity = FineTuneParity.check(engine, name, result, context.jobId());
        }
        catch (RuntimeException ex) {
            engine.unload(name);
            FileTrees.delete(repository.resolve(name));
            throw ex;
        }
        FileTrees.delete(checkpoints);
        context.progress().milestone(0, -1, 0.35, Map.of("teacher_fine_tune_val_accuracy",
                result.validationAccuracy(), "teacher_fine_tune_parity_max_abs_diff", parity), String.format(
                        Locale.ROOT, "teacher: %s fine-tuned for %d epoch%s (best %d), validation accuracy %.4f, "
                                + "export parity max |diff| %.2e", base.name(), result.training().epochs(),
                        result.training().epochs() == 1 ? "" : "s",
                        result.training().bestEpoch(), result.validationAccuracy(), parity));
        register(context, repository, name);
        return InstalledTeacher.of(name);
    }

    /**
     * Adds the fine-tuned teacher to the distiller's model repository as the spec's {@code register} name,
     * unless that name's newest version is this very teacher already (a second job found it cached).
     */
    private void register(TeacherContext context, Path repository, String fitted) {
        if (this.spec.register().isEmpty()) {
            return;
        }
        String registerAs = this.spec.register().get();
        Path models = context.config().modelRepository().orElseThrow(() -> new DistillationException(context.jobId(),
                "teacher.register: the distiller has no modelRepository to register '" + registerAs + "' in", null));
        ModelFiles teacher = ModelRepository.open(repository).resolve(ModelId.of(fitted, 1));
        Optional<ModelRepository> target = Files.isDirectory(models) ? Optional.of(ModelRepository.open(models))
                : Optional.empty();
        OptionalLong newest = target.map(r -> r.latestVersion(registerAs)).orElse(OptionalLong.empty());
        if (newest.isPresent() && fitted.equals(target.get().resolve(ModelId.of(registerAs, newest.getAsLong()))
                .manifest().provenance().get(REGISTERED_FROM))) {
            context.progress().milestone(0, -1, 0.35, Map.of(), "teacher: already registered as " + registerAs
                    + " version " + newest.getAsLong());
            return;
        }
        RegistrationRequest request = RegistrationRequest.builder(registerAs, teacher.model(),
                TaskType.TEXT_CLASSIFICATION)
                .tokenizer(teacher.tokenizer().orElseThrow())
                .labels(teacher.manifest().labels())
                .maxSequenceLength(teacher.manifest().maxSequenceLength())
                .description(teacher.manifest().description())
                .provenance(REGISTERED_FROM, fitted)
                .provenance("distill4j.job.id", context.jobId())
                .build();
        try {
            long version = ModelRegistrar.inDirectory(models).register(request).id().version();
            context.progress().milestone(0, -1, 0.35, Map.of(), "teacher: registered the fine-tuned teacher as "
                    + registerAs + " version " + version);
        }
        catch (IOException ex) {
            throw new DistillationException(context.jobId(), "teacher.register: registering the fine-tuned teacher as '"
                    + registerAs + "' in " + models + " failed: " + ex.getMessage(), ex);
        }
    }

    /** The base encoder's file: a student built from teacher layers starts from the pre-trained encoder. */
    @Override
    public Optional<Path> encoderFile(DistillerConfig config) {
        if (this.spec.base() instanceof TeacherSpec.OnnxEncoder encoder) {
            return Optional.of(encoder.model());
        }
        return new RepositoryModelTeacher((TeacherSpec.RepositoryModel) this.spec.base()).encoderFile(config);
    }

    /** The base encoder's pooling, which a student built from teacher layers pools with too. */
    @Override
    public Pooling encoderPooling(DistillerConfig config) {
        if (this.spec.base() instanceof TeacherSpec.OnnxEncoder encoder) {
            return encoder.pooling();
        }
        return new RepositoryModelTeacher((TeacherSpec.RepositoryModel) this.spec.base()).encoderPooling(config);
    }

    private static void report(TeacherContext context, FineTuneProgress progress) {
        double fraction = 0.35 * progress.step() / Math.max(1, progress.totalSteps());
        if (progress.epochEnd()) {
            context.progress().milestone(progress.step(), progress.totalSteps(), fraction, Map.of(
                    "teacher_fine_tune_loss", progress.trainLoss(), "teacher_fine_tune_val_accuracy",
                    progress.validationAccuracy()), "teacher: " + progress.line());
        }
        else {
            context.progress().update(progress.step(), progress.totalSteps(), fraction, Map.of(
                    "teacher_fine_tune_steps_per_second", progress.stepsPerSecond()), "teacher: " + progress.line());
        }
    }

    /** The encoder's files, name and pooling. */
    private Base base(DistillerConfig config, String jobId) {
        if (this.spec.base() instanceof TeacherSpec.OnnxEncoder encoder) {
            return new Base(encoder.name(), encoder.model(), encoder.tokenizer(), switch (encoder.pooling()) {
                case MEAN -> TransformerConfig.Pooling.MEAN;
                case CLS -> TransformerConfig.Pooling.CLS;
            });
        }
        TeacherSpec.RepositoryModel model = (TeacherSpec.RepositoryModel) this.spec.base();
        Path root = config.modelRepository().orElseThrow(() -> new DistillationException(jobId, "teacher.base: a "
                + "repository model needs the distiller's modelRepository to be set", null));
        ModelRepository repository = ModelRepository.open(root);
        OptionalLong version = model.version().isPresent() ? model.version() : repository.latestVersion(model.name());
        if (version.isEmpty()) {
            throw new DistillationException(jobId, "teacher.base: '" + model.name() + "' is not in the model "
                    + "repository " + root, null);
        }
        ModelFiles files = repository.resolve(ModelId.of(model.name(), version.getAsLong()));
        if (files.manifest().task() != TaskType.TEXT_EMBEDDING) {
            throw new DistillationException(jobId, "teacher.base: '" + model.name() + "' is a "
                    + files.manifest().task() + " model; only a text-embedding encoder can be fine-tuned", null);
        }
        Path tokenizer = files.tokenizer().orElseThrow(() -> new DistillationException(jobId, "teacher.base: '"
                + model.name() + "' has no tokenizer", null));
        TransformerConfig.Pooling pooling = switch (files.manifest().pooling()) {
            case CLS -> TransformerConfig.Pooling.CLS;
            case MEAN -> TransformerConfig.Pooling.MEAN;
            case NONE -> throw new DistillationException(jobId, "teacher.base: '" + model.name() + "' outputs one "
                    + "vector per text already (pooling none); fine-tuning needs its token vectors", null);
        };
        return new Base(model.name(), files.model(), tokenizer, pooling);
    }

    private record Base(String name, Path model, Path tokenizer, TransformerConfig.Pooling pooling) {
    }
}
