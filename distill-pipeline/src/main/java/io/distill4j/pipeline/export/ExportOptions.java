package io.distill4j.pipeline.export;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How {@link StudentExporter} writes a student: the {@code ai.onnx} operator set, the provenance a
 * distillation job adds to the model's {@code metadata_props} besides the student's own (architecture,
 * configuration, parameter count), and, for a student whose vocabulary was pruned, the table from the
 * tokenizer's ids to the rows of its embedding table. Immutable; every setter of the builder checks its value
 * and names the field and the limit when it refuses one.
 *
 * <pre>{@code
 * ExportOptions options = ExportOptions.builder()
 *     .teacherHash(cacheKey.hex())
 *     .jobId("job-42")
 *     .labels(List.of("negative", "positive"))
 *     .metadata("distill4j.training.seed", "42")
 *     .build();
 * }</pre>
 */
public final class ExportOptions {

    /**
     * The operator set models get by default: 17. ONNX Runtime 1.29 implements every operator these
     * graphs use at 17 on CPU and CUDA; 17 is the set ONNX 1.12 introduced together with IR version 8,
     * the IR version the ONNX builder writes by default, so the pair is consistent; it brings the
     * standard {@code LayerNormalization} the Transformer student needs; and it is the operator set
     * PyTorch's exporter wrote by default for years, so every runtime and tool that reads ONNX today
     * (older ONNX Runtime builds included) reads it. GELU is written as its exact erf form rather than
     * the {@code Gelu} operator of opset 20; ONNX Runtime's optimizer fuses that pattern back into one
     * kernel, so nothing is lost.
     */
    public static final int DEFAULT_OPSET = 17;

    /**
     * The oldest operator set accepted: 13, the first with {@code axes} as an input of {@code ReduceSum}
     * and {@code Unsqueeze}, which is how the graphs are written.
     */
    public static final int MIN_OPSET = 13;

    /**
     * The newest operator set accepted: 17. A newer one needs a newer IR version than the builder's
     * default (opset 18 and 19 belong to IR 9) and changes nothing in these graphs.
     */
    public static final int MAX_OPSET = 17;

    /** The longest value accepted for {@link Builder#teacherHash} and {@link Builder#jobId}. */
    public static final int MAX_ID_LENGTH = 256;

    /** The longest {@link Builder#vocabularyRemap} accepted: one entry per id of the largest tokenizer accepted. */
    public static final int MAX_REMAP_LENGTH = 4_000_000;

    /** Key prefix reserved for the exporter's own entries; {@link Builder#metadata} refuses it. */
    public static final String RESERVED_PREFIX = "distill4j.student.";

    private final int opset;

    private final String teacherHash;

    private final String jobId;

    private final List<String> labels;

    private final Map<String, String> metadata;

    private final long[] vocabularyRemap;

    private ExportOptions(Builder builder) {
        this.opset = builder.opset;
        this.teacherHash = builder.teacherHash;
        this.jobId = builder.jobId;
        this.labels = List.copyOf(builder.labels);
        this.metadata = Map.copyOf(builder.metadata);
        this.vocabularyRemap = builder.vocabularyRemap;
    }

    /** Opset {@value #DEFAULT_OPSET} and no provenance beyond the student's own. */
    public static ExportOptions ofDefaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The {@code ai.onnx} operator set the model imports. */
    public int opset() {
        return this.opset;
    }

    /** The hash that identifies the teacher (for example the soft-target cache key), if given. */
    public Optional<String> teacherHash() {
        return Optional.ofNullable(this.teacherHash);
    }

    /** The distillation job that trained the student, if given. */
    public Optional<String> jobId() {
        return Optional.ofNullable(this.jobId);
    }

    /** One label per logit, in logit order; empty if not given. */
    public List<String> labels() {
        return this.labels;
    }

    /** Further {@code metadata_props} entries, for example the seed or the data fingerprint. */
    public Map<String, String> metadata() {
        return this.metadata;
    }

    /**
     * The row of the student's embedding table for each tokenizer id ({@code remap[id]}), if its vocabulary
     * was pruned; a copy. The exported graph then starts with {@code Gather(token_id_remap, input_ids)} and
     * takes the tokenizer's ids.
     */
    public Optional<long[]> vocabularyRemap() {
        return Optional.ofNullable(this.vocabularyRemap).map(long[]::clone);
    }

    @Override
    public String toString() {
        return "ExportOptions[opset=" + this.opset + ", teacherHash=" + this.teacherHash + ", jobId=" + this.jobId
                + ", labels=" + this.labels + ", metadata=" + this.metadata.keySet() + ", vocabularyRemap="
                + (this.vocabularyRemap == null ? "none" : this.vocabularyRemap.length + " ids") + "]";
    }

    /** Builder of {@link ExportOptions}; nothing is required. */
    public static final class Builder {

        private int opset = DEFAULT_OPSET;

        private String teacherHash;

        private String jobId;

        private List<String> labels = List.of();

        private final Map<String, String> metadata = new LinkedHashMap<>();

        private long[] vocabularyRemap;

        private Builder() {
        }

        /**
         * The {@code ai.onnx} operator set, {@value ExportOptions#MIN_OPSET} to {@value ExportOptions#MAX_OPSET};
         * default {@value ExportOptions#DEFAULT_OPSET}.
         */
        public Builder opset(int opset) {
            if (opset < MIN_OPSET || opset > MAX_OPSET) {
                throw new IllegalArgumentException("opset must be between " + MIN_OPSET + " and " + MAX_OPSET + ", was "
                        + opset);
            }
            this.opset = opset;
            return this;
        }

        /** Identifies the teacher, written as {@value StudentExporter#TEACHER_HASH_METADATA}. */
        public Builder teacherHash(String teacherHash) {
            this.teacherHash = requireId("teacherHash", teacherHash);
            return this;
        }

        /** The job that trained the student, written as {@value StudentExporter#JOB_ID_METADATA}. */
        public Builder jobId(String jobId) {
            this.jobId = requireId("jobId", jobId);
            return this;
        }

        /**
         * One label per logit, written as a JSON array under {@value StudentExporter#LABELS_METADATA}
         * (the key teacher graphs use). Only for a student whose output is logits, and exactly as many
         * as it has classes; labels must be non-blank and distinct.
         */
        public Builder labels(List<String> labels) {
            Objects.requireNonNull(labels, "labels");
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < labels.size(); i++) {
                String label = labels.get(i);
                if (label == null || label.isBlank()) {
                    throw new IllegalArgumentException("labels[" + i + "] must not be blank");
                }
                if (!seen.add(label)) {
                    throw new IllegalArgumentException("labels[" + i + "] '" + label + "' appears twice");
                }
            }
            this.labels = new ArrayList<>(labels);
            return this;
        }

        /**
         * Adds a {@code metadata_props} entry. Keys starting with {@value ExportOptions#RESERVED_PREFIX} and
         * the keys the other setters write are refused, so nothing can overwrite the exporter's provenance.
         */
        public Builder metadata(String key, String value) {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("metadata key must not be blank");
            }
            Objects.requireNonNull(value, "metadata value of '" + key + "'");
            if (key.startsWith(RESERVED_PREFIX) || StudentExporter.OPTION_KEYS.contains(key)) {
                throw new IllegalArgumentException("metadata key '" + key + "' is written by the exporter itself; keys "
                        + RESERVED_PREFIX + "* and " + StudentExporter.OPTION_KEYS + " are reserved");
            }
            if (this.metadata.putIfAbsent(key, value) != null) {
                throw new IllegalArgumentException("metadata key '" + key + "' is already set");
            }
            return this;
        }

        /**
         * The table from the tokenizer's ids to the rows of a pruned embedding table, for example
         * {@code VocabularyPruning.remap()}: {@code remap[id]} is the row of tokenizer id {@code id}, so its
         * length is the tokenizer's vocabulary size (1 to {@value ExportOptions#MAX_REMAP_LENGTH}) and every
         * entry is a row, {@code >= 0}; that it is below the student's {@code vocabSize} is checked at export.
         * The array is copied. The export writes {@value StudentExporter#VOCABULARY_METADATA}.
         */
        public Builder vocabularyRemap(long[] remap) {
            Objects.requireNonNull(remap, "vocabularyRemap");
            if (remap.length == 0 || remap.length > MAX_REMAP_LENGTH) {
                throw new IllegalArgumentException("vocabularyRemap must map between 1 and " + MAX_REMAP_LENGTH
                        + " token ids, was " + remap.length);
            }
            for (int i = 0; i < remap.length; i++) {
                if (remap[i] < 0) {
                    throw new IllegalArgumentException("vocabularyRemap[" + i + "] must be a row of the embedding "
                            + "table, >= 0, was " + remap[i]);
                }
            }
            this.vocabularyRemap = remap.clone();
            return this;
        }

        public ExportOptions build() {
            return new ExportOptions(this);
        }

        private static String requireId(String field, String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(field + " must not be blank");
            }
            if (value.length() > MAX_ID_LENGTH) {
                throw new IllegalArgumentException(field + " must be at most " + MAX_ID_LENGTH + " characters, was "
                        + value.length());
            }
            return value;
        }
    }
}
