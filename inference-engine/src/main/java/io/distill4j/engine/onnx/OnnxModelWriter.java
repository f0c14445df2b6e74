package io.distill4j.engine.onnx;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

import com.google.protobuf.CodedOutputStream;
import io.distill4j.engine.onnx.graph.OnnxModelValidator;
import io.distill4j.engine.onnx.proto.ModelProto;

/**
 * Serializes models in the {@code .onnx} file format. Both methods first check the model with
 * {@link OnnxModelValidator} (tensors stored externally are not looked at, since their files are the
 * caller's to place), so that a rewrite that broke the graph fails here rather than in ONNX Runtime,
 * and refuse a model larger than the 2 GiB protobuf limit. Stateless; no file stays open after a call.
 */
public final class OnnxModelWriter {

    private OnnxModelWriter() {
    }

    /**
     * The model's bytes, as {@link OnnxModelReader#read(byte[], String)} reads them.
     *
     * @throws IllegalArgumentException if the model fails a check of {@link OnnxModelValidator} or its
     *     serialized form exceeds 2 GiB
     */
    public static byte[] toByteArray(ModelProto model) {
        checkWritable(model);
        return model.toByteArray();
    }

    /**
     * Writes the model to {@code file}, replacing any existing file atomically: the bytes go to a
     * temporary file in the same folder, are forced to the device, and the temporary file is then moved
     * over {@code file} (atomically where the file system supports it). Readers of {@code file} see the
     * old model or the new one, never part of one; after a failure the temporary file is removed.
     *
     * @throws IllegalArgumentException if the model fails a check of {@link OnnxModelValidator} or its
     *     serialized form exceeds 2 GiB
     * @throws IOException if the file cannot be written
     */
    public static void write(ModelProto model, Path file) throws IOException {
        checkWritable(model);
        Path target = file.toAbsolutePath();
        Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = Channels.newOutputStream(channel);
                CodedOutputStream coded = CodedOutputStream.newInstance(out, 1 << 16);
                model.writeTo(coded);
                coded.flush();
                channel.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            catch (AtomicMoveNotSupportedException ex) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void checkWritable(ModelProto model) {
        OnnxModelValidator.validate(model, OnnxModelValidator.ExternalDataCheck.UNCHECKED);
        // Beyond 2 GiB the int size protobuf computes overflows.
        if (model.getSerializedSize() < 0) {
            throw new IllegalArgumentException("The model is larger than the 2 GiB protobuf limit; "
                    + "store its large initializers as external data");
        }
    }
}
