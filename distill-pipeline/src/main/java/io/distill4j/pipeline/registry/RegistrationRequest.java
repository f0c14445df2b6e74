package io.distill4j.pipeline.registry;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import io.distill4j.api.ModelId;
import io.distill4j.api.TaskType;
import io.distill4j.engine.repository.ModelManifest;
import io.distill4j.engine.repository.ModelRepository;
import io.distill4j.engine.text.Pooling;

/**
 * What {@link ModelRegistrar#register} publishes: an ONNX file under a model name, with the settings of
 * its {@code model.json}. Everything but the name, the file and the task is optional, and what is not
 * set is taken from the ONNX file or left to the engine's defaults (see each setter).
 *
 * <pre>{@code
 * RegistrationRequest request = RegistrationRequest.builder("sentiment", out.resolve("student-int8.onnx"),
 *                 DistillationTask.TEXT_CLASSIFICATION.taskType())
 *         .tokenizer(teacherTokenizer)          // copied as tokenizer.json
 *         .maxSequenceLength(128)
 *         .provenance("distill4j.teacher", "minilm/3")
 *         .file("report.html", out.resolve("report.html"))
 *         .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class RegistrationRequest {

    /** The names of the files a registration writes itself, which {@link Builder#file} refuses. */
    static final Set<String> RESERVED_FILES = Set.of(ModelRepository.MODEL_FILE, ModelManifest.FILE_NAME,
            ModelRegistrar.TOKENIZER_FILE);

    private final String modelName;

    private final Path model;

    private final TaskType task;

    private final Path tokenizer;

    private final List<String> labels;

    private final Pooling pooling;

    private final boolean normalize;

    private final Integer maxSequenceLength;

    private final String output;

    private final String description;

    private final boolean allowIncompatible;

    private final Map<String, String> provenance;

    private final Map<String, Path> files;

    private RegistrationRequest(Builder builder) {
        this.modelName = builder.modelName;
        this.model = builder.model;
        this.task = builder.task;
        this.tokenizer = builder.tokenizer;
        this.labels = builder.labels;
        this.pooling = builder.pooling;
        this.normalize = builder.normalize;
        this.maxSequenceLength = builder.maxSequenceLength;
        this.output = builder.output;
        this.description = builder.description;
        this.allowIncompatible = builder.allowIncompatible;
        this.provenance = Collections.unmodifiableMap(new LinkedHashMap<>(builder.provenance));
        this.files = Collections.unmodifiableMap(new LinkedHashMap<>(builder.files));
    }

    /**
     * A builder.
     *
     * @param modelName the model's name in the repository, matching {@link ModelId#NAME_PATTERN}
     * @param model the ONNX file to register (read and checked, then copied as {@code model.onnx})
     * @param task what the model does; for a student, {@code DistillationTask.taskType()}
     * @throws IllegalArgumentException if the name is not a valid model name
     */
    public static Builder builder(String modelName, Path model, TaskType task) {
        return new Builder(modelName, model, task);
    }

    /** The model's name. */
    public String modelName() {
        return this.modelName;
    }

    /** The ONNX file. */
    public Path model() {
        return this.model;
    }

    /** What the model does. */
    public TaskType task() {
        return this.task;
    }

    /** The tokenizer file to copy; present for text tasks. */
    public Optional<Path> tokenizer() {
        return Optional.ofNullable(this.tokenizer);
    }

    /** The class labels, if set; otherwise they come from the model's metadata. */
    public Optional<List<String>> labels() {
        return Optional.ofNullable(this.labels);
    }

    /** The pooling of an embedding model, if set; otherwise it follows from the output's rank. */
    public Optional<Pooling> pooling() {
        return Optional.ofNullable(this.pooling);
    }

    /** Whether an embedding model's vectors are L2-normalized by the engine. */
    public boolean normalize() {
        return this.normalize;
    }

    /** The truncation length, if set; otherwise the engine's default. */
    public OptionalInt maxSequenceLength() {
        return this.maxSequenceLength == null ? OptionalInt.empty() : OptionalInt.of(this.maxSequenceLength);
    }

    /** The graph output that carries the result, if set; otherwise the graph's first output. */
    public Optional<String> output() {
        return Optional.ofNullable(this.output);
    }

    /** The description, if set; otherwise the model's {@code doc_string}. */
    public Optional<String> description() {
        return Optional.ofNullable(this.description);
    }

    /** Whether the engine loads the model even when its compatibility check says incompatible. */
    public boolean allowIncompatible() {
        return this.allowIncompatible;
    }

    /** Provenance entries added to (and overriding) those taken from the model's metadata. */
    public Map<String, String> provenance() {
        return this.provenance;
    }

    /** Further files copied into the version folder, by their name there. */
    public Map<String, Path> files() {
        return this.files;
    }

    /** Collects a request; see the getters of {@link RegistrationRequest} for the defaults. */
    public static final class Builder {

        private final String modelName;

        private final Path model;

        private final TaskType task;

        private Path tokenizer;

        private List<String> labels;

        private Pooling pooling;

        private boolean normalize;

        private Integer maxSequenceLength;

        private String output;

        private String description;

        private boolean allowIncompatible;

        private final Map<String, String> provenance = new LinkedHashMap<>();

        private final Map<String, Path> files = new LinkedHashMap<>();

        private Builder(String modelName, Path model, TaskType task) {
            try {
                this.modelName = ModelId.requireValidName(modelName);
            }
            catch (NullPointerException ex) {
                throw new IllegalArgumentException("modelName must not be null", ex);
            }
            this.model = Objects.requireNonNull(model, "model");
            this.task = Objects.requireNonNull(task, "task");
        }

        /** The HuggingFace {@code tokenizer.json} of the model; required for text tasks, copied as {@value ModelRegistrar#TOKENIZER_FILE}. */
        public Builder tokenizer(Path tokenizer) {
            this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
            return this;
        }

        /**
         * The class labels in logit order, for a classification model. Default: the JSON array in the
         * model's {@code distill4j.labels} metadata (written by the student exporter and teacher graphs),
         * or none.
         */
        public Builder labels(List<String> labels) {
            Objects.requireNonNull(labels, "labels");
            for (int i = 0; i < labels.size(); i++) {
                if (labels.get(i) == null || labels.get(i).isBlank()) {
                    throw new IllegalArgumentException("labels[" + i + "] must not be blank");
                }
            }
            this.labels = List.copyOf(labels);
            return this;
        }

        /**
         * How an embedding model's output becomes one vector. Default: {@link Pooling#NONE} for a
         * {@code [batch, hidden]} output (a student's), {@link Pooling#MEAN} for
         * {@code [batch, sequence, hidden]}.
         */
        public Builder pooling(Pooling pooling) {
            this.pooling = Objects.requireNonNull(pooling, "pooling");
            return this;
        }

        /** Whether the engine L2-normalizes an embedding model's vectors (default false). */
        public Builder normalize(boolean normalize) {
            this.normalize = normalize;
            return this;
        }

        /** Longer texts are truncated to this many tokens (default: the engine's, {@value ModelManifest#DEFAULT_MAX_SEQUENCE_LENGTH}). */
        public Builder maxSequenceLength(int maxSequenceLength) {
            if (maxSequenceLength < 1 || maxSequenceLength > ModelManifest.MAX_SEQUENCE_LENGTH_LIMIT) {
                throw new IllegalArgumentException("maxSequenceLength must be between 1 and "
                        + ModelManifest.MAX_SEQUENCE_LENGTH_LIMIT + ", was " + maxSequenceLength);
            }
            this.maxSequenceLength = maxSequenceLength;
            return this;
        }

        /** The graph output that carries the result (default: the first). */
        public Builder output(String output) {
            if (output == null || output.isBlank()) {
                throw new IllegalArgumentException("output must not be blank");
            }
            this.output = output;
            return this;
        }

        /** Free text for people (default: the model's {@code doc_string}). */
        public Builder description(String description) {
            this.description = Objects.requireNonNull(description, "description");
            return this;
        }

        /** Whether the engine loads the model even if its compatibility check says incompatible (default false). */
        public Builder allowIncompatible(boolean allowIncompatible) {
            this.allowIncompatible = allowIncompatible;
            return this;
        }

        /** A provenance entry; it overrides an entry of the same key taken from the model's metadata. */
        public Builder provenance(String key, String value) {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("provenance key must not be blank");
            }
            this.provenance.put(key, Objects.requireNonNull(value, "provenance value of '" + key + "'"));
            return this;
        }

        /** Provenance entries; see {@link #provenance(String, String)}. */
        public Builder provenance(Map<String, String> entries) {
            Objects.requireNonNull(entries, "provenance");
            entries.forEach(this::provenance);
            return this;
        }

        /**
         * A further file to copy into the version folder, for example the job's {@code report.html}.
         *
         * @param name its plain file name there: a letter or digit, then letters, digits, {@code _ . -}; not
         *     one of {@code model.onnx}, {@code model.json}, {@code tokenizer.json}
         * @throws IllegalArgumentException if the name is not a plain file name (no separators, no
         *     {@code ..}), is reserved, or was given before
         */
        public Builder file(String name, Path source) {
            if (!ModelId.isValidName(name)) {
                throw new IllegalArgumentException("file name '" + name + "' must be a plain file name matching "
                        + ModelId.NAME_PATTERN + " (no folders, nothing outside the version folder)");
            }
            if (RESERVED_FILES.contains(name)) {
                throw new IllegalArgumentException("file name '" + name + "' is written by the registration itself; "
                        + "reserved: " + RESERVED_FILES);
            }
            if (this.files.containsKey(name)) {
                throw new IllegalArgumentException("file name '" + name + "' is given twice");
            }
            this.files.put(name, Objects.requireNonNull(source, "source of file '" + name + "'"));
            return this;
        }

        /**
         * The request.
         *
         * @throws IllegalArgumentException if a text task has no tokenizer, or a setting does not fit the
         *     task (labels for an embedding model; pooling or normalization for a classifier)
         */
        public RegistrationRequest build() {
            boolean text = this.task != TaskType.RAW;
            if (text && this.tokenizer == null) {
                throw new IllegalArgumentException("tokenizer is required for task " + this.task.id());
            }
            if (!text && (this.tokenizer != null || this.maxSequenceLength != null)) {
                throw new IllegalArgumentException("tokenizer and maxSequenceLength are for text tasks, not " + this.task.id());
            }
            if (this.task != TaskType.TEXT_CLASSIFICATION && this.labels != null) {
                throw new IllegalArgumentException("labels are for text-classification, not " + this.task.id());
            }
            if (this.task != TaskType.TEXT_EMBEDDING && (this.pooling != null || this.normalize)) {
                throw new IllegalArgumentException("pooling and normalize are for text-embedding, not " + this.task.id());
            }
            return new RegistrationRequest(this);
        }
    }
}
