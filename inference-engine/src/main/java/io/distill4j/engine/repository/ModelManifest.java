package io.distill4j.engine.repository;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import io.distill4j.api.ElementType;
import io.distill4j.api.TaskType;
import io.distill4j.api.TensorInfo;
import io.distill4j.api.exception.ModelLoadException;
import io.distill4j.engine.batching.BatchPolicy;
import io.distill4j.engine.session.InstanceGroup;
import io.distill4j.engine.text.Pooling;
import tools.jackson.core.JacksonException;

/**
 * The {@code model.json} manifest beside a model version. Only {@code task} is required; an unknown
 * key is an error (so a typo does not silently fall back to a default).
 *
 * <pre>{@code
 * {
 *   "task": "text-embedding",            // raw | text-classification | text-embedding
 *   "description": "all-MiniLM-L6-v2",
 *   "tokenizer": "tokenizer.json",       // text tasks: HuggingFace tokenizer file, relative to the version folder
 *   "maxSequenceLength": 256,            // text tasks: longer texts are truncated (default 512)
 *   "pooling": "mean",                   // embedding: mean | cls | none (default mean)
 *   "normalize": true,                   // embedding: L2-normalize (default false)
 *   "labels": ["negative", "positive"],  // classification: one label per logit
 *   "output": "last_hidden_state",       // which graph output carries the result (default: the first)
 *   "dynamicBatching": true,             // raw models: coalesce concurrent requests along dimension 0 (default false)
 *   "allowIncompatible": false,          // load even if the operator-compatibility check says incompatible (default false)
 *   "serving": {"instances": 2, "sessions": "shared", "batching": "adaptive", "maxBatchSize": 16},
 *                                        // how the engine runs it; each field optional (the engine's settings)
 *   "inputs":  [{"name": "input_ids", "type": "INT64", "shape": [-1, -1]}],  // optional, checked against the graph
 *   "outputs": [{"name": "logits", "type": "FLOAT32", "shape": [-1, 2]}],    // optional, checked against the graph
 *   "provenance": {"producer": "distill4j", "teacher": "minilm/1"}
 * }
 * }</pre>
 *
 * @param task what the model does
 * @param description free text, may be empty
 * @param tokenizer tokenizer file relative to the version folder, {@code null} for raw models
 * @param maxSequenceLength truncation length in tokens for text tasks
 * @param pooling pooling for embedding models
 * @param normalize whether embeddings are L2-normalized
 * @param labels class labels, may be empty
 * @param output name of the graph output that carries the result, or {@code null} for the first
 * @param dynamicBatching for raw models, whether concurrent requests are concatenated along dimension 0
 *     into one run (every input and output must have a dynamic first dimension); text models always batch
 * @param allowIncompatible whether the engine loads the model even when its operator-compatibility check
 *     ({@code CompatibilityChecker}, against the session's execution providers) finds it incompatible;
 *     the report is then logged as a warning and kept with the model, and ONNX Runtime has the last
 *     word: if it cannot create a session, loading fails with a {@code ModelLoadException}
 * @param inputs declared inputs to check against the graph, may be empty
 * @param outputs declared outputs to check against the graph, may be empty
 * @param provenance free-form metadata
 * @param serving instances and batching for this model, where they differ from the engine's
 */
public record ModelManifest(TaskType task, String description, String tokenizer, int maxSequenceLength, Pooling pooling,
        boolean normalize, List<String> labels, String output, boolean dynamicBatching, boolean allowIncompatible,
        List<TensorInfo> inputs, List<TensorInfo> outputs, Map<String, String> provenance, ServingSettings serving) {

    /** File name of the manifest inside a version folder. */
    public static final String FILE_NAME = "model.json";

    /** Default truncation length for text tasks. */
    public static final int DEFAULT_MAX_SEQUENCE_LENGTH = 512;

    /** Largest accepted {@code maxSequenceLength}. */
    public static final int MAX_SEQUENCE_LENGTH_LIMIT = 8192;

    /** Manifests larger than this are rejected before parsing. */
    public static final long MAX_FILE_BYTES = 1 << 20;

    public ModelManifest {
        Objects.requireNonNull(task, "task");
        description = description == null ? "" : description;
        labels = labels == null ? List.of() : List.copyOf(labels);
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
        provenance = provenance == null ? Map.of() : Map.copyOf(provenance);
        serving = serving == null ? ServingSettings.ENGINE_DEFAULTS : serving;
    }

    /**
     * Reads and validates a manifest file.
     * @param file the {@code model.json}
     * @param modelId the model it belongs to, for messages
     * @throws ModelLoadException naming the field that is wrong
     */
    public static ModelManifest read(Path file, String modelId) {
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new ModelLoadException(modelId, FILE_NAME + " is " + size + " bytes, limit is " + MAX_FILE_BYTES);
            }
            return parse(Files.readString(file), modelId);
        }
        catch (IOException ex) {
            throw new ModelLoadException(modelId, "Cannot read " + FILE_NAME + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Parses and validates manifest JSON.
     * @throws ModelLoadException naming the field that is wrong
     */
    public static ModelManifest parse(String json, String modelId) {
        Json raw;
        try {
            raw = ManifestJsonReader.read(json);
        }
        catch (ManifestJsonReader.ManifestSyntaxException ex) {
            throw invalid(modelId, ex.field(), ex.getMessage());
        }
        catch (JacksonException ex) {
            throw new ModelLoadException(modelId, FILE_NAME + " is invalid: " + ex.getOriginalMessage()
                    + (ex.getLocation() != null ? " (line " + ex.getLocation().getLineNr() + ", column "
                            + ex.getLocation().getColumnNr() + ")" : ""), ex);
        }
        if (raw == null) {
            throw new ModelLoadException(modelId, FILE_NAME + " is empty");
        }
        return raw.validate(modelId);
    }

    /** Whether the task takes text. */
    public boolean isTextTask() {
        return this.task == TaskType.TEXT_CLASSIFICATION || this.task == TaskType.TEXT_EMBEDDING;
    }

    private static ModelLoadException invalid(String modelId, String field, String message) {
        return new ModelLoadException(modelId, FILE_NAME + " field '" + field + "' " + message);
    }

    /** JSON shape of the file; validated into a {@link ModelManifest}. */
    record Json(String task, String description, String tokenizer, Integer maxSequenceLength, String pooling,
            Boolean normalize, List<String> labels, String output, Boolean dynamicBatching, Boolean allowIncompatible,
            List<TensorJson> inputs, List<TensorJson> outputs, Map<String, String> provenance, ServingJson serving) {

        ModelManifest validate(String modelId) {
            if (this.task == null) {
                throw invalid(modelId, "task", "is required (raw, text-classification or text-embedding)");
            }
            TaskType taskType;
            try {
                taskType = TaskType.fromId(this.task);
            }
            catch (IllegalArgumentException ex) {
                throw invalid(modelId, "task", ex.getMessage());
            }
            boolean text = taskType != TaskType.RAW;
            if (text && (this.tokenizer == null || this.tokenizer.isBlank())) {
                throw invalid(modelId, "tokenizer", "is required for task " + taskType.id());
            }
            if (this.tokenizer != null) {
                requireRelativeFile(modelId, "tokenizer", this.tokenizer);
            }
            int maxLength = this.maxSequenceLength == null ? DEFAULT_MAX_SEQUENCE_LENGTH : this.maxSequenceLength;
            if (maxLength < 1 || maxLength > MAX_SEQUENCE_LENGTH_LIMIT) {
                throw invalid(modelId, "maxSequenceLength", "must be between 1 and " + MAX_SEQUENCE_LENGTH_LIMIT
                        + ", was " + maxLength);
            }
            Pooling poolingMode;
            try {
                poolingMode = this.pooling == null ? Pooling.MEAN : Pooling.fromId(this.pooling);
            }
            catch (IllegalArgumentException ex) {
                throw invalid(modelId, "pooling", ex.getMessage());
            }
            if (this.labels != null) {
                for (int i = 0; i < this.labels.size(); i++) {
                    if (this.labels.get(i) == null || this.labels.get(i).isBlank()) {
                        throw invalid(modelId, "labels[" + i + "]", "must not be empty");
                    }
                }
            }
            return new ModelManifest(taskType, this.description, this.tokenizer, maxLength, poolingMode,
                    Boolean.TRUE.equals(this.normalize), this.labels, this.output, Boolean.TRUE.equals(this.dynamicBatching),
                    Boolean.TRUE.equals(this.allowIncompatible), tensors(modelId, "inputs", this.inputs),
                    tensors(modelId, "outputs", this.outputs), this.provenance, serving(modelId, this.serving));
        }

        private static ServingSettings serving(String modelId, ServingJson json) {
            if (json == null) {
                return ServingSettings.ENGINE_DEFAULTS;
            }
            if (json.instances() != null && (json.instances() < 1 || json.instances() > InstanceGroup.MAX_COUNT)) {
                throw invalid(modelId, "serving.instances", "must be between 1 and " + InstanceGroup.MAX_COUNT
                        + ", was " + json.instances());
            }
            if (json.maxBatchSize() != null
                    && (json.maxBatchSize() < 1 || json.maxBatchSize() > ServingSettings.MAX_BATCH_SIZE)) {
                throw invalid(modelId, "serving.maxBatchSize", "must be between 1 and " + ServingSettings.MAX_BATCH_SIZE
                        + ", was " + json.maxBatchSize());
            }
            InstanceGroup.Sessions sessions = null;
            if (json.sessions() != null) {
                try {
                    sessions = InstanceGroup.Sessions.fromId(json.sessions());
                }
                catch (IllegalArgumentException ex) {
                    throw invalid(modelId, "serving.sessions", ex.getMessage());
                }
            }
            BatchPolicy.Kind batching = null;
            if (json.batching() != null) {
                try {
                    batching = BatchPolicy.Kind.fromId(json.batching());
                }
                catch (IllegalArgumentException ex) {
                    throw invalid(modelId, "serving.batching", ex.getMessage());
                }
            }
            return new ServingSettings(json.instances(), sessions, batching, json.maxBatchSize());
        }

        private static void requireRelativeFile(String modelId, String field, String path) {
            Path p;
            try {
                p = Path.of(path);
            }
            catch (RuntimeException ex) {
                throw invalid(modelId, field, "is not a valid path: " + path);
            }
            if (p.isAbsolute() || path.startsWith("/") || path.startsWith("\\")) {
                throw invalid(modelId, field, "must be relative to the version folder, was absolute: " + path);
            }
            for (Path part : p) {
                if (part.toString().equals("..")) {
                    throw invalid(modelId, field, "must stay inside the version folder, was: " + path);
                }
            }
        }

        private static List<TensorInfo> tensors(String modelId, String field, List<TensorJson> specs) {
            if (specs == null) {
                return List.of();
            }
            List<TensorInfo> result = new ArrayList<>(specs.size());
            for (int i = 0; i < specs.size(); i++) {
                TensorJson spec = specs.get(i);
                String where = field + "[" + i + "]";
                if (spec == null || spec.name() == null || spec.name().isBlank()) {
                    throw invalid(modelId, where + ".name", "is required");
                }
                ElementType type;
                try {
                    type = ElementType.valueOf(String.valueOf(spec.type()).toUpperCase(Locale.ROOT));
                }
                catch (IllegalArgumentException ex) {
                    throw invalid(modelId, where + ".type", "must be one of " + List.of(ElementType.values()) + ", was "
                            + spec.type());
                }
                try {
                    result.add(new TensorInfo(spec.name(), type, spec.shape() == null ? List.of() : spec.shape()));
                }
                catch (IllegalArgumentException | NullPointerException ex) {
                    throw invalid(modelId, where + ".shape", "must hold dimensions >= 1 or -1 for dynamic, was "
                            + spec.shape());
                }
            }
            return result;
        }
    }

    /** JSON shape of a declared tensor. */
    record TensorJson(String name, String type, List<Long> shape) {
    }

    /** JSON shape of the {@code serving} object. */
    record ServingJson(Integer instances, String sessions, String batching, Integer maxBatchSize) {
    }
}
