package io.distill4j.pipeline.train;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

import io.distill4j.engine.digest.Sha256;

/**
 * What identifies a training run, as named components (the trainer's settings, the student, the data, ...),
 * and the one hash of them. A checkpoint is resumed only by a run with the same fingerprint, and a tuning
 * trial's checkpoint directory is named after one, so the encoding is written down once, here:
 *
 * <ul>
 * <li>{@link #hash()}: the hex SHA-256 over the components in name order, each name and each value as its
 * UTF-8 bytes preceded by their count (a big-endian int), so that no two different sets of components
 * encode to the same bytes;</li>
 * <li>{@link #data(List)}: the hex SHA-256 of the splits as a student sees them: per split its number of
 * rows, then per row the number of token ids, the ids, the hard label, the width of the teacher's row and
 * its values, all big-endian ({@code int} counts, {@code long} ids and labels, {@code float} values).</li>
 * </ul>
 *
 * <pre>{@code
 * RunFingerprint fingerprint = RunFingerprint.of(Map.of(
 *         "trainer", config.toString(),
 *         "data", RunFingerprint.data(List.of(train, validation))));
 * String key = fingerprint.hash();
 * }</pre>
 *
 * @param components the values by name, sorted by name; unmodifiable
 */
public record RunFingerprint(SortedMap<String, String> components) {

    public RunFingerprint {
        Objects.requireNonNull(components, "components");
        components.forEach((name, value) -> {
            Objects.requireNonNull(name, "component name");
            Objects.requireNonNull(value, () -> "component " + name);
        });
        components = Collections.unmodifiableSortedMap(new TreeMap<>(components));
    }

    /** The fingerprint of these components. */
    public static RunFingerprint of(Map<String, String> components) {
        return new RunFingerprint(new TreeMap<>(Objects.requireNonNull(components, "components")));
    }

    /** The hex SHA-256 of the components (see the class comment for the encoding). */
    public String hash() {
        Sha256 sha = Sha256.start();
        this.components.forEach((name, value) -> {
            update(sha, name);
            update(sha, value);
        });
        return sha.hex();
    }

    /**
     * The components whose values differ from {@code other}'s, as {@code "; name: other has X, this run has
     * Y"} for each, in name order; empty if none does.
     */
    public String differences(Map<String, String> other) {
        StringBuilder differences = new StringBuilder();
        for (Map.Entry<String, String> component : this.components.entrySet()) {
            String theirs = other.get(component.getKey());
            if (!component.getValue().equals(theirs)) {
                differences.append("; ").append(component.getKey()).append(": checkpoint has ").append(theirs)
                        .append(", this run has ").append(component.getValue());
            }
        }
        return differences.toString();
    }

    /** The hex SHA-256 of the splits' token ids, hard labels and teacher rows (see the class comment). */
    public static String data(List<EncodedSplit> splits) {
        Sha256 sha = Sha256.start();
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        for (EncodedSplit split : splits) {
            buffer = room(sha, buffer, Integer.BYTES).putInt(split.size());
            for (int i = 0; i < split.size(); i++) {
                long[] ids = split.ids()[i];
                float[] teacher = split.teacher().row(i);
                buffer = room(sha, buffer, Integer.BYTES * 2 + (ids.length + 1) * Long.BYTES
                        + teacher.length * Float.BYTES);
                buffer.putInt(ids.length);
                for (long id : ids) {
                    buffer.putLong(id);
                }
                buffer.putLong(split.hardLabels()[i]);
                buffer.putInt(teacher.length);
                for (float value : teacher) {
                    buffer.putFloat(value);
                }
            }
        }
        sha.update(buffer.flip());
        return sha.hex();
    }

    /** {@code buffer} with room for {@code bytes} more, emptied into the digest if need be, or a larger one. */
    private static ByteBuffer room(Sha256 sha, ByteBuffer buffer, int bytes) {
        if (buffer.remaining() >= bytes) {
            return buffer;
        }
        sha.update(buffer.flip());
        buffer.clear();
        return buffer.capacity() >= bytes ? buffer : ByteBuffer.allocate(bytes);
    }

    private static void update(Sha256 sha, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        sha.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array()).update(bytes);
    }
}
