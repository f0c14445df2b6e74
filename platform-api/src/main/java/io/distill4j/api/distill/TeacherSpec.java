package io.distill4j.api.distill;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

import io.distill4j.api.Checks;
import io.distill4j.api.ModelId;
import io.distill4j.api.labelling.LabelSet;
import io.distill4j.api.labelling.LabellingBudget;
import io.distill4j.api.labelling.LabellingOptions;

/**
 * The model whose behaviour the student learns. Create one with a static factory:
 *
 * <pre>{@code
 * TeacherSpec.onnxClassifier(Path.of("sst2-bert/model.onnx"), Path.of("sst2-bert/tokenizer.json"));
 * TeacherSpec.onnxEncoder(Path.of("minilm/model.onnx"), Path.of("minilm/tokenizer.json"));
 * TeacherSpec.onnxEncoder(Path.of("bge-small-zh/model.onnx"), Path.of("bge-small-zh/tokenizer.json"), Pooling.CLS);
 * TeacherSpec.repositoryModel("minilm");            // newest version in the engine's model repository
 * TeacherSpec.precomputedLogits(Path.of("sst2/teacher-logits.jsonl"), Path.of("sst2-bert/tokenizer.json"));
 * TeacherSpec.fineTuned(TeacherSpec.onnxEncoder(Path.of("minilm/model.onnx"), Path.of("minilm/tokenizer.json")));
 * TeacherSpec.onnxEncoder(Path.of("minilm/model.onnx"), Path.of("minilm/tokenizer.json"))
 *         .fineTuningPolicy(FineTuningPolicy.NEVER);   // the frozen head, never a fine-tuning
 * TeacherSpec.llm("openAiChatModel", LabelSet.of("refund", "delivery", "card"), Path.of("minilm/tokenizer.json"));
 * }</pre>
 *
 * <p><b>Frozen head or fine-tuning.</b> An encoder teacher ({@code onnxEncoder}, or a {@code repositoryModel}
 * that is a text-embedding model) of a classification job first gets a head fitted on its frozen pooled
 * vectors. Under {@link FineTuningPolicy#AUTO} (the default) the distiller then decides whether to
 * fine-tune the encoder instead: with at least 100 labelled validation examples and a frozen head below 98 %
 * validation accuracy, it fine-tunes briefly on a class-stratified subsample of at most 1,024 training
 * examples (a probe, at most a tenth of the budget) and compares it with a frozen head fitted on the same
 * subsample; when the probe wins by at least one point and the full fine-tuning's estimated time fits
 * {@link Budget#maxDuration()}, the encoder is fine-tuned as {@link #fineTuned(TeacherSpec)} does (that
 * time comes on top of the tuning and student stages, which the budget bounds separately). The probe is
 * a heuristic on a short run; the report says what was chosen, with the numbers, and why.
 * {@link FineTuningPolicy#NEVER} keeps the frozen head without a probe; {@code fineTuned} always
 * fine-tunes.
 *
 * <p>The distiller opens the teacher only for the {@link Stage#TEACHER} stage and closes it before the
 * student is built (unless {@link MemoryMode#ONLINE}); its outputs go to the soft-target cache, so a
 * second run on the same teacher and data does not open it at all. Students use the teacher's
 * tokenizer (with a pruned vocabulary, see {@link StudentSpec#pruneVocabulary()}).
 */
public sealed interface TeacherSpec
        permits TeacherSpec.OnnxClassifier, TeacherSpec.OnnxEncoder, TeacherSpec.RepositoryModel, TeacherSpec.PrecomputedLogits,
        TeacherSpec.FineTuned, TeacherSpec.Llm {

    /**
     * A short name for reports, provenance and the default student name: the model file's name without
     * extension, or its folder's name when the file is called {@code model.onnx}; the repository name.
     */
    String name();

    /** Whether this kind of teacher can teach the task; checked when a {@link DistillationSpec} is built. */
    boolean supports(DistillationTask task);

    /**
     * An ONNX text classifier whose output is logits {@code [batch, classes]}.
     * @param model the ONNX file
     * @param tokenizer its HuggingFace {@code tokenizer.json}
     */
    static OnnxClassifier onnxClassifier(Path model, Path tokenizer) {
        return new OnnxClassifier(model, tokenizer, List.of());
    }

    /**
     * An ONNX text encoder whose output is hidden states {@code [batch, tokens, hidden]}, mean-pooled
     * over the attention mask and L2-normalized (the sentence-transformers convention). For
     * {@link DistillationTask#TEXT_EMBEDDING} the student learns the pooled vectors; for
     * {@link DistillationTask#TEXT_CLASSIFICATION} the distiller first fits a classification head on them
     * with the data's labels (so the data must be labelled) and the student learns the head's
     * distribution.
     * @param model the ONNX file
     * @param tokenizer its HuggingFace {@code tokenizer.json}
     */
    static OnnxEncoder onnxEncoder(Path model, Path tokenizer) {
        return new OnnxEncoder(model, tokenizer, Pooling.MEAN, FineTuningPolicy.AUTO);
    }

    /**
     * An ONNX text encoder pooled the way the model was trained: {@link Pooling#CLS} for the BGE family,
     * {@link Pooling#MEAN} for sentence-transformers models; otherwise as {@link #onnxEncoder(Path, Path)}.
     * A {@link StudentSpec#teacherLayers(int) teacherLayers} student pools the same way.
     * @param model the ONNX file
     * @param tokenizer its HuggingFace {@code tokenizer.json}
     * @param pooling how the token vectors become one vector per text
     */
    static OnnxEncoder onnxEncoder(Path model, Path tokenizer, Pooling pooling) {
        return new OnnxEncoder(model, tokenizer, pooling, FineTuningPolicy.AUTO);
    }

    /** The newest version of a model in the engine's model repository; its {@code model.json} says its task. */
    static RepositoryModel repositoryModel(String name) {
        return new RepositoryModel(name, OptionalLong.empty(), FineTuningPolicy.AUTO);
    }

    /** One version of a model in the engine's model repository. */
    static RepositoryModel repositoryModel(String name, long version) {
        return new RepositoryModel(name, OptionalLong.of(version), FineTuningPolicy.AUTO);
    }

    /**
     * Logits (or probabilities) computed elsewhere, one row per row of the data; no model is loaded.
     *
     * <p>The file is JSON Lines, one object per data row:
     *
     * <pre>{@code
     * {"line": 2, "logits": [2.31, -1.07]}
     * {"line": 3, "probabilities": [0.12, 0.88]}
     * {"file": "test", "line": 2, "logits": [-0.5, 0.9]}
     * }</pre>
     *
     * <ul>
     * <li>{@code line}: the 1-based line of the data file on which the row starts (the number the
     *     distiller's data errors use; with a header, the first row is line 2). Rows are keyed by where
     *     they are in the data file, so how the distiller splits train and validation does not matter.</li>
     * <li>{@code file}: which of the spec's data files the line is in, {@code train} (the default),
     *     {@code validation} or {@code test}. Every row the job reads from each given file needs one
     *     object, and no object may name a line that is not such a row (rows the reader skipped as bad
     *     included).</li>
     * <li>{@code logits} or {@code probabilities} (exactly one): one finite number per class, in the order
     *     of {@link PrecomputedLogits#labels()}. Probabilities must lie in [0, 1] and sum to 1 within
     *     0.001; they are stored as their logarithms (floored at 1e-12), which the softmax maps back.</li>
     * </ul>
     *
     * Augmentation is refused with this teacher: an augmented text has no row in the file and the
     * teacher cannot be asked. Blank lines are skipped. A file that breaks a rule fails the job naming
     * the file and the line.
     *
     * @param file the JSON Lines file
     * @param tokenizer the HuggingFace {@code tokenizer.json} the student tokenizes with (normally the
     *        teacher's)
     */
    static PrecomputedLogits precomputedLogits(Path file, Path tokenizer) {
        return new PrecomputedLogits(file, tokenizer, List.of());
    }

    /**
     * A BERT-family encoder fine-tuned, all its layers and a classification head, on the labelled training
     * split (in the JVM, on DJL's PyTorch engine), then exported to ONNX and used as a classifier teacher.
     * Classification only; the data must be labelled. The fine-tuned teacher is kept in the distiller's
     * teacher repository under a name derived from the encoder, the data and the settings, so a second job
     * with the same inputs does not fine-tune again. Settings: {@link FineTuning#ofDefaults()}.
     *
     * @param base an {@link #onnxEncoder} or a {@link #repositoryModel} of a text-embedding model
     * @throws IllegalArgumentException naming {@code teacher.base} if it is another kind of teacher
     */
    static FineTuned fineTuned(TeacherSpec base) {
        return new FineTuned(base, FineTuning.ofDefaults());
    }

    /**
     * A fine-tuned teacher with the given settings; see {@link #fineTuned(TeacherSpec)}.
     *
     * @param base an {@link #onnxEncoder} or a {@link #repositoryModel} of a text-embedding model
     * @param settings how it is fine-tuned
     */
    static FineTuned fineTuned(TeacherSpec base, FineTuning settings) {
        return new FineTuned(base, settings);
    }

    /**
     * A large language model that labels the texts (a {@link io.distill4j.api.labelling.LabellingModel}; with
     * the Spring Boot starter, any Spring AI {@code ChatModel} bean): each text of every split is asked once,
     * the answers become the soft targets, and the student learns them. Classification only; the data need
     * not be labelled (labels it has are the student's hard labels, and must be names of {@code labels}).
     *
     * <p>Every exchange is cached on disk by model, options and prompt, so a second job, a tuning trial or a
     * resumed job never asks the same question again. The soft targets are the answers' distribution —
     * from the provider's log-probabilities when it returns them, else from the share of each label among
     * {@link LabellingOptions#samples()} answers, else the one answer — smoothed by {@link Llm#labelSmoothing()}
     * where they are counts of answers. A text whose answers name no label of the set (after
     * {@link LabellingOptions#attempts()} attempts) is left out of its split and counted in the report.
     *
     * @param model the labelling model's name (the {@code ChatModel} bean's name with the starter); blank for
     *     the only one the distiller has
     * @param labels the labels, with optional descriptions and example texts
     * @param tokenizer the HuggingFace {@code tokenizer.json} the student tokenizes with (e.g. a small
     *     encoder's)
     */
    static Llm llm(String model, LabelSet labels, Path tokenizer) {
        return new Llm(model, labels, tokenizer, LabellingOptions.ofDefaults(), Llm.DEFAULT_LABEL_SMOOTHING,
                LabellingBudget.UNLIMITED, Optional.empty());
    }

    /**
     * @param model the ONNX file
     * @param tokenizer its HuggingFace {@code tokenizer.json}
     * @param labels the class of each logit, in order; empty when the classes are the integers
     *        {@code 0 .. n-1} that the data's label column holds (as in SST-2)
     */
    record OnnxClassifier(Path model, Path tokenizer, List<String> labels) implements TeacherSpec {

        public OnnxClassifier {
            Checks.path(model, "teacher.model");
            Checks.path(tokenizer, "teacher.tokenizer");
            labels = copyLabels(labels);
        }

        /** A copy that maps logit {@code i} to {@code labels.get(i)}. */
        public OnnxClassifier labels(List<String> labels) {
            return new OnnxClassifier(this.model, this.tokenizer, labels);
        }

        @Override
        public String name() {
            return nameOf(this.model);
        }

        @Override
        public boolean supports(DistillationTask task) {
            return task == DistillationTask.TEXT_CLASSIFICATION;
        }
    }

    /**
     * @param model the ONNX file
     * @param tokenizer its HuggingFace {@code tokenizer.json}
     * @param pooling how the token vectors become one vector per text
     * @param fineTuningPolicy whether a classification job may fine-tune the encoder instead of fitting a
     *        head on it frozen (see the class comment)
     */
    record OnnxEncoder(Path model, Path tokenizer, Pooling pooling, FineTuningPolicy fineTuningPolicy)
            implements TeacherSpec {

        public OnnxEncoder {
            Checks.path(model, "teacher.model");
            Checks.path(tokenizer, "teacher.tokenizer");
            Checks.notNull(pooling, "teacher.pooling");
            Checks.notNull(fineTuningPolicy, "teacher.fineTuningPolicy");
        }

        /** An encoder with the {@link FineTuningPolicy#AUTO} policy. */
        public OnnxEncoder(Path model, Path tokenizer, Pooling pooling) {
            this(model, tokenizer, pooling, FineTuningPolicy.AUTO);
        }

        /** A copy with this fine-tuning policy. */
        public OnnxEncoder fineTuningPolicy(FineTuningPolicy policy) {
            return new OnnxEncoder(this.model, this.tokenizer, this.pooling, policy);
        }

        @Override
        public String name() {
            return nameOf(this.model);
        }

        @Override
        public boolean supports(DistillationTask task) {
            return true;
        }
    }

    /**
     * @param name the model's name in the repository
     * @param version the version to use; empty for the newest on disk
     * @param fineTuningPolicy for a text-embedding model teaching a classification, whether it may be
     *        fine-tuned instead of getting a head fitted on it frozen (see the class comment); a model run
     *        as it is ignores it
     */
    record RepositoryModel(String name, OptionalLong version, FineTuningPolicy fineTuningPolicy)
            implements TeacherSpec {

        public RepositoryModel {
            try {
                ModelId.requireValidName(name);
            }
            catch (IllegalArgumentException | NullPointerException ex) {
                throw new IllegalArgumentException("teacher.name: " + ex.getMessage(), ex);
            }
            Checks.notNull(version, "teacher.version");
            if (version.isPresent() && version.getAsLong() < 1) {
                throw new IllegalArgumentException("teacher.version must be >= 1, was " + version.getAsLong());
            }
            Checks.notNull(fineTuningPolicy, "teacher.fineTuningPolicy");
        }

        /** A repository model with the {@link FineTuningPolicy#AUTO} policy. */
        public RepositoryModel(String name, OptionalLong version) {
            this(name, version, FineTuningPolicy.AUTO);
        }

        /** A copy with this fine-tuning policy. */
        public RepositoryModel fineTuningPolicy(FineTuningPolicy policy) {
            return new RepositoryModel(this.name, this.version, policy);
        }

        @Override
        public boolean supports(DistillationTask task) {
            return true;
        }
    }

    /**
     * @param file the logits, one JSON object per data row; see {@link #precomputedLogits(Path, Path)}
     * @param tokenizer the HuggingFace {@code tokenizer.json} the student uses
     * @param labels the class of each column, in order; empty when the columns follow the data's labels
     *        in the distiller's order (sorted; numerically when every label is a number)
     */
    record PrecomputedLogits(Path file, Path tokenizer, List<String> labels) implements TeacherSpec {

        public PrecomputedLogits {
            Checks.path(file, "teacher.file");
            Checks.path(tokenizer, "teacher.tokenizer");
            labels = copyLabels(labels);
        }

        /** A copy that maps column {@code i} to {@code labels.get(i)}. */
        public PrecomputedLogits labels(List<String> labels) {
            return new PrecomputedLogits(this.file, this.tokenizer, labels);
        }

        @Override
        public String name() {
            return nameOf(this.file);
        }

        @Override
        public boolean supports(DistillationTask task) {
            return task == DistillationTask.TEXT_CLASSIFICATION;
        }
    }

    /**
     * @param base the encoder fine-tuned: an {@link OnnxEncoder} or a {@link RepositoryModel}
     * @param settings how it is fine-tuned
     * @param register a model name under which the fine-tuned teacher is also added to the distiller's model
     *     repository (its next version, unless its newest version is this very teacher), to be served like
     *     any model; empty: it stays in the teacher cache only
     */
    record FineTuned(TeacherSpec base, FineTuning settings, Optional<String> register) implements TeacherSpec {

        /** A fine-tuned teacher that is not registered. */
        public FineTuned(TeacherSpec base, FineTuning settings) {
            this(base, settings, Optional.empty());
        }

        /** A copy that registers the fine-tuned teacher as {@code name} too. */
        public FineTuned register(String name) {
            return new FineTuned(this.base, this.settings, Optional.of(name));
        }

        public FineTuned {
            Checks.notNull(register, "teacher.register");
            register.ifPresent(name -> {
                if (!ModelId.isValidName(name)) {
                    throw new IllegalArgumentException("teacher.register must be a valid model name (letters, digits,"
                            + " '.', '_' and '-', starting with a letter or digit), was '" + name + "'");
                }
            });
            Checks.notNull(base, "teacher.base");
            if (!(base instanceof OnnxEncoder || base instanceof RepositoryModel)) {
                throw new IllegalArgumentException("teacher.base must be an onnxEncoder or a repositoryModel (a "
                        + "text-embedding model) to fine-tune, was a " + base.getClass().getSimpleName());
            }
            FineTuningPolicy policy = base instanceof OnnxEncoder encoder ? encoder.fineTuningPolicy()
                    : ((RepositoryModel) base).fineTuningPolicy();
            if (policy == FineTuningPolicy.NEVER) {
                throw new IllegalArgumentException("teacher.base.fineTuningPolicy must be AUTO for a fine-tuned "
                        + "teacher, which always fine-tunes; was NEVER");
            }
            Checks.notNull(settings, "teacher.fineTuning");
        }

        /** The base's name followed by {@code -finetuned}. */
        @Override
        public String name() {
            String name = this.base.name() + "-finetuned";
            return ModelId.isValidName(name) ? name : this.base.name();
        }

        /** Classification only: the fine-tuned head is a classifier. */
        @Override
        public boolean supports(DistillationTask task) {
            return task == DistillationTask.TEXT_CLASSIFICATION;
        }
    }

    /**
     * @param model the labelling model's name; blank for the distiller's only one
     * @param labels the labels the model chooses from; logit {@code i} of the student is label {@code i}
     * @param tokenizer the HuggingFace {@code tokenizer.json} the student tokenizes with
     * @param options how the model is asked (prompt template, temperature, samples, attempts)
     * @param labelSmoothing how much of the probability of answers counted ({@link
     *     io.distill4j.api.labelling.TargetSource#SAMPLES} and {@code SINGLE_ANSWER}) is spread evenly over the
     *     labels, 0 to 0.5; default {@value #DEFAULT_LABEL_SMOOTHING}: a one-hot answer has no "dark knowledge"
     *     and its zeros would be infinite logits
     * @param budget the most the job may spend on the model
     * @param encoder when present ({@link OnnxEncoder}, {@link RepositoryModel} or {@link FineTuned}), the LLM
     *     labels only the training and validation texts; its answers are the labels this teacher learns (frozen
     *     head or fine-tuned, as its policy decides), and it teaches the student on every text, with its tokenizer
     */
    record Llm(String model, LabelSet labels, Path tokenizer, LabellingOptions options, double labelSmoothing,
            LabellingBudget budget, Optional<TeacherSpec> encoder) implements TeacherSpec {

        /** Default {@link #labelSmoothing()}. */
        public static final double DEFAULT_LABEL_SMOOTHING = 0.1;

        public Llm {
            model = Checks.notNull(model, "teacher.model").strip();
            if (model.length() > 200) {
                throw new IllegalArgumentException("teacher.model must be at most 200 characters, was "
                        + model.length());
            }
            Checks.notNull(labels, "teacher.labels");
            Checks.path(tokenizer, "teacher.tokenizer");
            Checks.notNull(options, "teacher.options");
            Checks.inRange(labelSmoothing, 0.0, 0.5, "teacher.labelSmoothing");
            Checks.notNull(budget, "teacher.budget");
            Checks.notNull(encoder, "teacher.encoder");
            if (encoder.isPresent() && !(encoder.get() instanceof OnnxEncoder
                    || encoder.get() instanceof RepositoryModel || encoder.get() instanceof FineTuned)) {
                throw new IllegalArgumentException("teacher.encoder must be an ONNX encoder, a repository model or a "
                        + "fine-tuned teacher, which can learn the LLM's labels, was " + encoder.get().name());
            }
        }

        /** A copy asking with these options. */
        public Llm options(LabellingOptions options) {
            return new Llm(this.model, this.labels, this.tokenizer, options, this.labelSmoothing, this.budget,
                    this.encoder);
        }

        /** A copy with this label smoothing. */
        public Llm labelSmoothing(double smoothing) {
            return new Llm(this.model, this.labels, this.tokenizer, this.options, smoothing, this.budget,
                    this.encoder);
        }

        /** A copy with this budget. */
        public Llm budget(LabellingBudget budget) {
            return new Llm(this.model, this.labels, this.tokenizer, this.options, this.labelSmoothing, budget,
                    this.encoder);
        }

        /** A copy whose labels teach {@code encoder}, which then teaches the student (see {@link #encoder()}). */
        public Llm encoder(TeacherSpec encoder) {
            return new Llm(this.model, this.labels, this.tokenizer, this.options, this.labelSmoothing, this.budget,
                    Optional.of(Checks.notNull(encoder, "teacher.encoder")));
        }

        /** {@code llm-<model>} made a valid model name, or {@code llm}. */
        @Override
        public String name() {
            String name = ("llm-" + this.model).replaceAll("[^A-Za-z0-9_.-]", "-");
            if (name.length() > 100) {
                name = name.substring(0, 100);
            }
            return !this.model.isEmpty() && ModelId.isValidName(name) ? name : "llm";
        }

        /** Classification only: the model chooses a label. */
        @Override
        public boolean supports(DistillationTask task) {
            return task == DistillationTask.TEXT_CLASSIFICATION;
        }
    }

    private static List<String> copyLabels(List<String> labels) {
        Checks.notNull(labels, "teacher.labels");
        for (int i = 0; i < labels.size(); i++) {
            Checks.notBlank(labels.get(i), "teacher.labels[" + i + "]");
        }
        if (labels.stream().distinct().count() != labels.size()) {
            throw new IllegalArgumentException("teacher.labels must be distinct, was " + labels);
        }
        return List.copyOf(labels);
    }

    /** {@code minilm/model.onnx} → {@code minilm}; {@code sst2-bert.onnx} → {@code sst2-bert}; made a valid model name. */
    private static String nameOf(Path file) {
        String stem = stem(file.getFileName());
        Path folder = file.getParent() == null ? null : file.getParent().getFileName();
        if (stem.toLowerCase(Locale.ROOT).equals("model") && folder != null) {
            stem = folder.toString();
        }
        String name = stem.replaceAll("[^A-Za-z0-9_.-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
        if (name.length() > 100) {
            name = name.substring(0, 100);
        }
        return ModelId.isValidName(name) ? name : "teacher";
    }

    private static String stem(Path fileName) {
        if (fileName == null) {
            return "";
        }
        String s = fileName.toString();
        int dot = s.lastIndexOf('.');
        return dot > 0 ? s.substring(0, dot) : s;
    }
}
