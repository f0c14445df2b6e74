package io.distill4j.pipeline.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.engine.digest.Sha256;

/**
 * The identity of one cache entry: a SHA-256 over everything that determines a split's soft targets.
 * Two keys are equal exactly when their {@link #hex()} is; changing any input gives a new key, and so
 * a miss, never a stale hit.
 *
 * <p>The inputs, each recorded as a named {@linkplain #components() component}:
 * <ul>
 * <li>{@code teacher}: the bytes of the teacher model file, or of every file under a model folder
 * (with their relative paths, so ONNX external-data files count too); required;</li>
 * <li>{@code tokenizer}: the bytes of the tokenizer file, or {@code none};</li>
 * <li>{@code data}: the bytes of the split's data file (or folder), or the split's texts; required.
 * One key covers one split, so editing the test set does not invalidate the training targets. The
 * teacher stage keys the training split by the texts of its transfer set, augmented copies included,
 * so the key holds the augmentation actually applied: the copies made (after automatic sizing), their
 * perturbations and seed. A cache made with 4 copies per example is not reused for 6, nor for none;</li>
 * <li>{@code preprocessing.*}: every other setting the targets depend on, as sorted {@code name=value}
 * pairs: maximum sequence length, pooling, normalization, the output read, the task, the split name if
 * it should matter;</li>
 * <li>{@code format}: the version of the cache file format, so that a new format never reads old files.</li>
 * </ul>
 * Files are streamed through the digest, never loaded whole. Hashing costs about a second per few
 * hundred megabytes; build a key once per run and reuse it.
 *
 * <pre>{@code
 * CacheKey key = CacheKey.builder()
 *         .teacher(Path.of("teacher/model.onnx"))
 *         .tokenizer(Path.of("teacher/tokenizer.json"))
 *         .data(Path.of("data/train.jsonl"))
 *         .preprocessing("task", "text-classification")
 *         .preprocessing("maxSequenceLength", 128)
 *         .build();
 * }</pre>
 */
public final class CacheKey {

    /** Version of the cache file format; part of every key. */
    static final int FORMAT_VERSION = 1;

    private static final String NONE = "none";

    private static final String PREPROCESSING = "preprocessing.";

    private final SortedMap<String, String> components;

    private final byte[] digest;

    private final String hex;

    private CacheKey(SortedMap<String, String> components) {
        this.components = Collections.unmodifiableSortedMap(components);
        Sha256 sha = Sha256.start();
        components.forEach((name, value) -> {
            update(sha, name);
            update(sha, value);
        });
        this.digest = sha.digest();
        this.hex = Sha256.hex(this.digest);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The SHA-256 of the key, 64 lowercase hex digits; also the cache file's name. */
    public String hex() {
        return this.hex;
    }

    /**
     * The inputs the key was built from, sorted by name: {@code format}, {@code teacher},
     * {@code tokenizer}, {@code data} (each a {@code sha256:} digest, {@code texts-sha256:} for texts, or
     * {@code none}) and {@code preprocessing.<name>} (the value as given). For reports and logs.
     */
    public SortedMap<String, String> components() {
        return this.components;
    }

    /** The 32 raw bytes of the key, as stored in the file header. */
    byte[] digest() {
        return this.digest.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CacheKey && ((CacheKey) other).hex.equals(this.hex);
    }

    @Override
    public int hashCode() {
        return this.hex.hashCode();
    }

    @Override
    public String toString() {
        return "CacheKey[" + this.hex + ", " + this.components + "]";
    }

    /** Length-prefixed UTF-8, so that no two different sequences of strings hash the same. */
    private static void update(Sha256 sha, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        sha.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array()).update(bytes);
    }

    /**
     * Builder for {@link CacheKey}. {@code teacher} and {@code data} are required; the tokenizer and
     * preprocessing settings are optional. Setting an input twice keeps the last value.
     */
    public static final class Builder {

        private String teacher;

        private String tokenizer = NONE;

        private String data;

        private final SortedMap<String, String> preprocessing = new TreeMap<>();

        private int formatVersion = FORMAT_VERSION;

        private Builder() {
        }

        /** The teacher model: a file, or a folder whose files are all hashed with their relative paths. */
        public Builder teacher(Path model) {
            this.teacher = hashPath("teacher", model);
            return this;
        }

        /**
         * A teacher that is not a file here (a remote model): its identity, which must change whenever its
         * answers may, e.g. the provider, model name and the settings it is asked with.
         */
        public Builder teacher(String identity) {
            if (identity == null || identity.isBlank()) {
                throw new IllegalArgumentException("teacher identity must not be blank");
            }
            this.teacher = "identity:" + identity;
            return this;
        }

        /** The tokenizer file (or folder) the teacher's inputs were encoded with. */
        public Builder tokenizer(Path tokenizer) {
            this.tokenizer = hashPath("tokenizer", tokenizer);
            return this;
        }

        /** The split's data: a file, or a folder of shards. */
        public Builder data(Path data) {
            this.data = hashPath("data", data);
            return this;
        }

        /** The split's data as the texts the teacher reads, in order (for data built in memory). */
        public Builder data(List<String> texts) {
            Objects.requireNonNull(texts, "texts");
            Sha256 sha = Sha256.start();
            update(sha, Integer.toString(texts.size()));
            for (int i = 0; i < texts.size(); i++) {
                String text = texts.get(i);
                if (text == null) {
                    throw new InvalidInputException(null, "data.texts[" + i + "]", "must not be null");
                }
                update(sha, text);
            }
            this.data = "texts-sha256:" + sha.hex();
            return this;
        }

        /**
         * One preprocessing setting. The value is recorded as {@link String#valueOf(Object)}, so
         * {@code 128} and {@code "128"} are the same setting.
         *
         * @param name a non-blank name, e.g. {@code maxSequenceLength}
         * @param value a non-null value
         */
        public Builder preprocessing(String name, Object value) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("preprocessing name must not be blank");
            }
            if (value == null) {
                throw new IllegalArgumentException("preprocessing value of '" + name + "' must not be null");
            }
            this.preprocessing.put(name, String.valueOf(value));
            return this;
        }

        /** Every entry of {@code settings}, as {@link #preprocessing(String, Object)}. */
        public Builder preprocessing(Map<String, ?> settings) {
            Objects.requireNonNull(settings, "settings").forEach(this::preprocessing);
            return this;
        }

        /** For tests: the format version to record instead of the current one. */
        Builder formatVersion(int version) {
            this.formatVersion = version;
            return this;
        }

        public CacheKey build() {
            if (this.teacher == null) {
                throw new IllegalStateException("teacher must be set: the key must change when the teacher does");
            }
            if (this.data == null) {
                throw new IllegalStateException("data must be set: the key must change when the data does");
            }
            SortedMap<String, String> components = new TreeMap<>();
            components.put("format", Integer.toString(this.formatVersion));
            components.put("teacher", this.teacher);
            components.put("tokenizer", this.tokenizer);
            components.put("data", this.data);
            this.preprocessing.forEach((name, value) -> components.put(PREPROCESSING + name, value));
            return new CacheKey(components);
        }

        /**
         * SHA-256 over a file's bytes, or over a folder's regular files in the order of their relative
         * paths, each preceded by its relative path and size.
         */
        private static String hashPath(String field, Path path) {
            Objects.requireNonNull(path, field);
            Sha256 sha = Sha256.start();
            try {
                if (Files.isDirectory(path)) {
                    List<Path> files = new ArrayList<>();
                    try (Stream<Path> walk = Files.walk(path)) {
                        walk.filter(Files::isRegularFile).forEach(files::add);
                    }
                    files.sort((a, b) -> relative(path, a).compareTo(relative(path, b)));
                    if (files.isEmpty()) {
                        throw new InvalidInputException(null, field, "folder " + path + " holds no files");
                    }
                    for (Path file : files) {
                        update(sha, relative(path, file));
                        update(sha, Long.toString(Files.size(file)));
                        sha.update(file);
                    }
                }
                else {
                    sha.update(path);
                }
            }
            catch (IOException ex) {
                throw new InvalidInputException(null, field, "cannot read " + path + ": " + ex);
            }
            return "sha256:" + sha.hex();
        }

        private static String relative(Path root, Path file) {
            return root.relativize(file).toString().replace('\\', '/');
        }
    }
}
