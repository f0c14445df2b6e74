package io.distill4j.engine.onnx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Objects;

import com.google.protobuf.CodedInputStream;
import io.distill4j.api.exception.ModelLoadException;
import io.distill4j.engine.onnx.graph.OnnxModelValidator;
import io.distill4j.engine.onnx.graph.OnnxModelValidator.ExternalDataCheck;
import io.distill4j.engine.onnx.proto.ModelProto;

/**
 * Reads {@code .onnx} files and byte arrays into {@link ModelProto}s without trusting them. A model is
 * rejected with a {@link ModelLoadException} that says what is wrong if it
 * <ul>
 * <li>is empty or larger than {@link #maxModelBytes()} (checked before a file is read);
 * <li>does not start with a field of {@code ModelProto} (ONNX has no magic number, but every model
 * starts with a protobuf tag such as {@code 0x08}, {@code ir_version}, so a text file or random bytes
 * are told apart at once);
 * <li>cannot be parsed: truncated, an invalid tag or wire type, a length prefix larger than the data
 * (which is detected before anything is allocated), or messages nested deeper than
 * {@link #recursionLimit()}; the message gives protobuf's reason and the byte offset it stopped at;
 * <li>fails a check of {@link OnnxModelValidator} (no graph, no default operator set, dangling inputs,
 * duplicate outputs, cycles, tensors whose data does not match their shape …);
 * <li>keeps tensor data in external files that lie outside the model's folder, do not exist, or are too
 * short; when the model is read from bytes, any external data is refused, since there is no folder to
 * look in.
 * </ul>
 *
 * <p>The bytes are parsed with a {@link CodedInputStream} over one array sized from the file, so memory
 * use is bounded by the limit, whatever the lengths inside claim. A reader is immutable and
 * thread-safe; it holds no resources, and no file stays open after a call. The returned messages are
 * immutable and owned by the caller.
 */
public final class OnnxModelReader {

    /** The default and largest size limit: 2 GiB − 1 bytes, the most protobuf can parse. */
    public static final long DEFAULT_MAX_MODEL_BYTES = Integer.MAX_VALUE;

    /** The default limit on message nesting, as in protobuf; subgraphs nest about three levels each. */
    public static final int DEFAULT_RECURSION_LIMIT = 100;

    /** The largest array the JVM can allocate is a few bytes short of {@link Integer#MAX_VALUE}. */
    private static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;

    /** The fields of {@code ModelProto} by the tag (field number and wire type) that starts them. */
    private static final Map<Integer, String> MODEL_FIELD_TAGS = Map.ofEntries(
            Map.entry(tag(1, 0), "ir_version"), Map.entry(tag(2, 2), "producer_name"),
            Map.entry(tag(3, 2), "producer_version"), Map.entry(tag(4, 2), "domain"),
            Map.entry(tag(5, 0), "model_version"), Map.entry(tag(6, 2), "doc_string"),
            Map.entry(tag(7, 2), "graph"), Map.entry(tag(8, 2), "opset_import"),
            Map.entry(tag(14, 2), "metadata_props"), Map.entry(tag(20, 2), "training_info"),
            Map.entry(tag(25, 2), "functions"));

    private static final OnnxModelReader DEFAULTS = builder().build();

    private final long maxModelBytes;

    private final int recursionLimit;

    private OnnxModelReader(Builder builder) {
        this.maxModelBytes = builder.maxModelBytes;
        this.recursionLimit = builder.recursionLimit;
    }

    /** A reader with the default limits. */
    public static OnnxModelReader ofDefaults() {
        return DEFAULTS;
    }

    /** A builder for a reader with other limits. */
    public static Builder builder() {
        return new Builder();
    }

    /** The largest model, in bytes, this reader accepts. */
    public long maxModelBytes() {
        return this.maxModelBytes;
    }

    /** How deeply messages may nest. */
    public int recursionLimit() {
        return this.recursionLimit;
    }

    /** Reads the model in {@code file}, naming it by its file name in errors. */
    public ModelProto read(Path file) {
        Path name = file.getFileName();
        return read(file, name == null ? file.toString() : name.toString());
    }

    /**
     * Reads the model in {@code file}. External data is looked for in the file's folder.
     *
     * @param modelId the model the file belongs to, the subject of a {@link ModelLoadException}
     * @throws ModelLoadException if the file cannot be read or is not a well-formed model
     */
    public ModelProto read(Path file, String modelId) {
        return readWithBytes(file, modelId).model();
    }

    /**
     * Reads the model in {@code file} as {@link #read(Path, String)} does, and returns the file's bytes
     * with it, so that a caller that also hands the model to ONNX Runtime need not read the file twice.
     *
     * @param modelId the model the file belongs to, the subject of a {@link ModelLoadException}
     * @throws ModelLoadException if the file cannot be read or is not a well-formed model
     */
    public ParsedModel readWithBytes(Path file, String modelId) {
        Objects.requireNonNull(file, "file");
        Path absolute = file.toAbsolutePath();
        String shown = String.valueOf(file.getFileName());
        long size;
        try {
            if (!Files.isRegularFile(absolute)) {
                throw new ModelLoadException(modelId, "Model file " + shown
                        + (Files.exists(absolute) ? " is not a regular file" : " does not exist"));
            }
            size = Files.size(absolute);
        }
        catch (IOException ex) {
            throw new ModelLoadException(modelId, "Cannot read model file " + shown + ": " + ex, ex);
        }
        checkSize(size, modelId);
        byte[] bytes = new byte[(int) size];
        try (FileChannel channel = FileChannel.open(absolute, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer) < 0) {
                    throw new ModelLoadException(modelId, "Model file " + shown + " shrank from " + size
                            + " to " + buffer.position() + " bytes while it was read");
                }
            }
        }
        catch (NoSuchFileException ex) {
            throw new ModelLoadException(modelId, "Model file " + shown + " disappeared while it was read", ex);
        }
        catch (IOException ex) {
            throw new ModelLoadException(modelId, "Cannot read model file " + shown + ": " + ex, ex);
        }
        // The array is ours alone, so the parsed tensors may share it rather than copy it.
        ModelProto model = parse(bytes, modelId, true);
        ExternalDataFiles external = new ExternalDataFiles(absolute.getParent());
        validate(model, modelId, external);
        return new ParsedModel(model, bytes, external.checkedAny());
    }

    /**
     * Reads a model from its bytes. The array is copied where the model keeps data, so the caller may
     * reuse it. A model whose tensors keep their data in external files is refused: read it from its
     * file instead.
     *
     * @param modelId the model the bytes belong to, the subject of a {@link ModelLoadException}
     * @throws ModelLoadException if the bytes are not a well-formed model
     */
    public ModelProto read(byte[] model, String modelId) {
        Objects.requireNonNull(model, "model");
        checkSize(model.length, modelId);
        ModelProto parsed = parse(model, modelId, false);
        validate(parsed, modelId, ExternalDataFiles.refused());
        return parsed;
    }

    private void checkSize(long size, String modelId) {
        if (size == 0) {
            throw new ModelLoadException(modelId, "The model is empty (0 bytes)");
        }
        if (size > this.maxModelBytes) {
            throw new ModelLoadException(modelId, "The model is " + size + " bytes, larger than the limit of "
                    + this.maxModelBytes + " bytes");
        }
        if (size > MAX_ARRAY_BYTES) {
            throw new ModelLoadException(modelId, "The model is " + size + " bytes, larger than the largest "
                    + "array the JVM can allocate (" + MAX_ARRAY_BYTES + " bytes)");
        }
    }

    private ModelProto parse(byte[] bytes, String modelId, boolean alias) {
        checkFirstTag(bytes, modelId);
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        in.setRecursionLimit(this.recursionLimit);
        in.enableAliasing(alias);
        try {
            return ModelProto.parseFrom(in);
        }
        catch (IOException ex) {
            // Over an array, the only IOException is protobuf's InvalidProtocolBufferException.
            throw new ModelLoadException(modelId, "The model is not a valid ONNX protobuf message, parsing stopped at "
                    + "byte offset " + in.getTotalBytesRead() + " of " + bytes.length + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Fails unless the bytes start with the tag of a {@code ModelProto} field with its wire type (the
     * first byte, or the first two for the fields numbered 16 and above).
     */
    private static void checkFirstTag(byte[] bytes, String modelId) {
        int tag = bytes[0] & 0x7f;
        if ((bytes[0] & 0x80) != 0) {
            boolean twoBytes = bytes.length > 1 && (bytes[1] & 0x80) == 0;
            tag = twoBytes ? tag | bytes[1] << 7 : -1;
        }
        if (!MODEL_FIELD_TAGS.containsKey(tag)) {
            throw new ModelLoadException(modelId, String.format("Not an ONNX model: the first byte 0x%02x does not "
                    + "start a ModelProto field (a model starts with a field tag such as 0x08, ir_version, or "
                    + "0x3a, graph)", bytes[0] & 0xff));
        }
    }

    private static void validate(ModelProto model, String modelId, ExternalDataCheck external) {
        try {
            OnnxModelValidator.validate(model, external);
        }
        catch (IllegalArgumentException ex) {
            throw new ModelLoadException(modelId, "Invalid ONNX model: " + ex.getMessage(), ex);
        }
    }

    private static int tag(int field, int wireType) {
        return field << 3 | wireType;
    }

    /**
     * A model read from a file, with the file's bytes.
     *
     * @param model the parsed and validated model; its tensors share the memory of {@code bytes}
     * @param bytes the file's content, for ONNX Runtime to create a session from; the parsed model
     *     shares it, so it must not be modified
     * @param usesExternalData whether tensors keep their data in external files, which ONNX Runtime only
     *     finds when it opens the model from its path rather than from these bytes
     */
    public record ParsedModel(ModelProto model, byte[] bytes, boolean usesExternalData) {

        public ParsedModel {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(bytes, "bytes");
        }
    }

    /** Sets the limits of an {@link OnnxModelReader}; every setting is optional. */
    public static final class Builder {

        private long maxModelBytes = DEFAULT_MAX_MODEL_BYTES;

        private int recursionLimit = DEFAULT_RECURSION_LIMIT;

        private Builder() {
        }

        /**
         * The largest model, in bytes, to accept; at most (and by default)
         * {@value OnnxModelReader#DEFAULT_MAX_MODEL_BYTES}.
         */
        public Builder maxModelBytes(long maxModelBytes) {
            if (maxModelBytes < 1 || maxModelBytes > DEFAULT_MAX_MODEL_BYTES) {
                throw new IllegalArgumentException("maxModelBytes must be between 1 and " + DEFAULT_MAX_MODEL_BYTES
                        + ", got " + maxModelBytes);
            }
            this.maxModelBytes = maxModelBytes;
            return this;
        }

        /** How deeply messages may nest; by default {@value OnnxModelReader#DEFAULT_RECURSION_LIMIT}. */
        public Builder recursionLimit(int recursionLimit) {
            if (recursionLimit < 1) {
                throw new IllegalArgumentException("recursionLimit must be at least 1, got " + recursionLimit);
            }
            this.recursionLimit = recursionLimit;
            return this;
        }

        /** The reader. */
        public OnnxModelReader build() {
            return new OnnxModelReader(this);
        }
    }
}
