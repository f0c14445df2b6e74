package io.distill4j.engine.onnx;

import java.io.IOException;
import java.nio.file.Path;

import com.google.protobuf.CodedOutputStream;
import io.distill4j.engine.files.AtomicFiles;
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
     * Writes the model to {@code file} through {@link AtomicFiles}: readers of {@code file} see the old
     * model or the new one, never part of one, and after a failure no temporary file is left.
     *
     * @throws IllegalArgumentException if the model fails a check of {@link OnnxModelValidator} or its
     *     serialized form exceeds 2 GiB
     * @throws IOException if the file cannot be written
     */
    public static void write(ModelProto model, Path file) throws IOException {
        checkWritable(model);
        AtomicFiles.write(file, out -> {
            CodedOutputStream coded = CodedOutputStream.newInstance(out, 1 << 16);
            model.writeTo(coded);
            coded.flush();
        });
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
