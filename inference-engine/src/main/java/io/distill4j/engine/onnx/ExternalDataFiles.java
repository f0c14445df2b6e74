package io.distill4j.engine.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

import io.distill4j.engine.onnx.graph.OnnxModelValidator.ExternalDataCheck;
import io.distill4j.engine.onnx.proto.StringStringEntryProto;
import io.distill4j.engine.onnx.proto.TensorProto;

/**
 * Checks the {@code external_data} of tensors against the folder of the model file: the location is a
 * relative path that stays inside that folder (symbolic links resolved), names an existing regular
 * file, and {@code offset} and {@code length} (default: the rest of the file) lie within it and span
 * exactly the bytes the tensor's shape needs. An instance serves one read and is not thread-safe.
 */
final class ExternalDataFiles implements ExternalDataCheck {

    private final Path folder;

    private boolean checkedAny;

    /** @param folder the folder of the model file, absolute */
    ExternalDataFiles(Path folder) {
        this.folder = folder.normalize();
    }

    /** A check for models read from bytes: external data cannot be found, so it is refused. */
    static ExternalDataCheck refused() {
        return (tensor, subject, expectedBytes) -> {
            throw new IllegalArgumentException(capitalize(subject) + " keeps its data in external file '"
                    + entry(tensor, "location") + "', which can only be found next to the model file: "
                    + "read the model from its path rather than from bytes");
        };
    }

    /** Whether {@link #check} has been called, that is whether the model keeps any tensor externally. */
    boolean checkedAny() {
        return this.checkedAny;
    }

    @Override
    public void check(TensorProto tensor, String subject, long expectedBytes) {
        this.checkedAny = true;
        String what = capitalize(subject);
        String location = entry(tensor, "location");
        if (location == null || location.isEmpty()) {
            throw new IllegalArgumentException(what + " is stored externally but its external_data has no location");
        }
        Path relative;
        try {
            relative = Path.of(location);
        }
        catch (InvalidPathException ex) {
            throw new IllegalArgumentException(what + " has external data location '" + location
                    + "', which is not a valid path: " + ex.getReason(), ex);
        }
        Path file = this.folder.resolve(relative).normalize();
        if (relative.isAbsolute() || relative.getRoot() != null || !file.startsWith(this.folder)) {
            throw new IllegalArgumentException(what + " has external data location '" + location
                    + "', which points outside the model's folder; it must be a relative path inside it");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(what + " has its data in external file '" + location
                    + "', which does not exist or is not a regular file");
        }
        long size;
        try {
            if (!file.toRealPath().startsWith(this.folder.toRealPath())) {
                throw new IllegalArgumentException(what + " has external data file '" + location
                        + "', which is a link to a file outside the model's folder");
            }
            size = Files.size(file);
        }
        catch (IOException ex) {
            throw new IllegalArgumentException(what + " has external data file '" + location
                    + "', which cannot be read: " + ex.getMessage(), ex);
        }
        long offset = number(tensor, "offset", 0, what);
        if (offset > size) {
            throw new IllegalArgumentException(what + " has external data at offset " + offset
                    + ", beyond the end of '" + location + "' (" + size + " bytes)");
        }
        long length = number(tensor, "length", size - offset, what);
        if (length > size - offset) {
            throw new IllegalArgumentException(what + " has external data at offset " + offset + " of length "
                    + length + ", beyond the end of '" + location + "' (" + size + " bytes)");
        }
        if (length != expectedBytes) {
            throw new IllegalArgumentException(what + " needs " + expectedBytes + " bytes of data but its external "
                    + "data in '" + location + "' is " + length + " bytes long");
        }
    }

    /** The value of the last {@code external_data} entry named {@code key}, or {@code null}. */
    private static String entry(TensorProto tensor, String key) {
        String value = null;
        for (StringStringEntryProto entry : tensor.getExternalDataList()) {
            if (entry.getKey().equals(key)) {
                value = entry.getValue();
            }
        }
        return value;
    }

    private static long number(TensorProto tensor, String key, long fallback, String what) {
        String text = entry(tensor, key);
        if (text == null) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(text.strip());
        }
        catch (NumberFormatException ex) {
            value = -1;
        }
        if (value < 0) {
            throw new IllegalArgumentException(what + " has external data " + key + " '" + text
                    + "', which is not a non-negative integer");
        }
        return value;
    }

    private static String capitalize(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
