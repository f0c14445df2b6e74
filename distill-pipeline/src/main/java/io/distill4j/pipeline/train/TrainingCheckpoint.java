package io.distill4j.pipeline.train;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

import io.distill4j.api.exception.DistillationException;
import io.distill4j.engine.files.AtomicFiles;
import io.distill4j.pipeline.report.EpochRecord;

/**
 * The state of a {@link StudentTrainer} run after a whole epoch: enough to continue it so that the
 * result is bit for bit the one of a run that was never interrupted. Written and read by the trainer
 * only; the file layout (format version 1, big-endian, as {@link DataOutputStream} writes) is:
 *
 * <pre>
 * magic "D4J-CKPT", int format version
 * string fingerprint (the components' RunFingerprint hash), int n, n × (string key, string value) components
 * int epoch, int step, boolean finished, double bestScore, int bestEpoch, long elapsed nanoseconds
 * int n, n × (int epoch, double trainLoss, double validationScore, float learningRate, long nanos)  history
 * int n, n × parameter: string name, int rank, rank × long dimension, floats weights,
 *                       optional floats AdamW first moment, optional floats second moment,
 *                       optional floats weights of the best epoch
 * int CRC32C of every byte before it; the file ends there
 * </pre>
 *
 * A string is an int byte count and UTF-8 bytes; floats are an int count and the values; an optional
 * field is a boolean, then the field if true. Readers check the checksum before they parse anything,
 * so a damaged or truncated file is refused with a {@link DistillationException} that says so.
 *
 * @param fingerprint identifies the run (configuration, student, data): a {@link RunFingerprint#hash()}
 * @param components what the fingerprint was computed from, by name, to say what differs
 * @param epoch the last epoch completed (1-based)
 * @param step optimizer steps taken so far (AdamW's update count)
 * @param finished whether the run ended after this epoch (last epoch or early stop)
 * @param history every epoch so far
 * @param parameters every trained parameter, in the block's order
 */
record TrainingCheckpoint(String fingerprint, Map<String, String> components, int epoch, int step, boolean finished,
        double bestScore, int bestEpoch, long elapsedNanos, List<EpochRecord> history,
        List<ParameterState> parameters) {

    static final int FORMAT_VERSION = 1;

    private static final byte[] MAGIC = "D4J-CKPT".getBytes(StandardCharsets.US_ASCII);

    private static final int MAX_STRING_BYTES = 1 << 20;

    private static final int CHUNK_FLOATS = 1 << 14;

    TrainingCheckpoint {
        Objects.requireNonNull(fingerprint, "fingerprint");
        components = Map.copyOf(components);
        history = List.copyOf(history);
        parameters = List.copyOf(parameters);
    }

    /**
     * One parameter's values.
     * @param firstMoment AdamW's first-moment estimate, {@code null} before the parameter's first update
     * @param secondMoment AdamW's second-moment estimate, likewise
     * @param best the values of the best epoch so far, {@code null} while there is none
     */
    record ParameterState(String name, long[] shape, float[] weights, float[] firstMoment, float[] secondMoment,
            float[] best) {
    }

    /**
     * Writes this checkpoint to {@code file}, replacing any existing one atomically
     * ({@link AtomicFiles}): a reader sees the old checkpoint or the new one, never part of one.
     * @throws DistillationException if the file cannot be written
     */
    void write(Path file) {
        Path target = file.toAbsolutePath();
        try {
            Files.createDirectories(target.getParent());
            AtomicFiles.write(target, stream -> {
                CheckedOutputStream checked = new CheckedOutputStream(stream, new CRC32C());
                DataOutputStream out = new DataOutputStream(checked);
                writeBody(out);
                out.flush();
                // The checksum itself is outside the checksum.
                new DataOutputStream(checked).writeInt((int) checked.getChecksum().getValue());
                checked.flush();
            });
        }
        catch (IOException ex) {
            throw new DistillationException(null, "Cannot write the training checkpoint " + target + ": " + ex, ex);
        }
    }

    private void writeBody(DataOutputStream out) throws IOException {
        out.write(MAGIC);
        out.writeInt(FORMAT_VERSION);
        writeString(out, this.fingerprint);
        out.writeInt(this.components.size());
        for (Map.Entry<String, String> component : new TreeMap<>(this.components).entrySet()) {
            writeString(out, component.getKey());
            writeString(out, component.getValue());
        }
        out.writeInt(this.epoch);
        out.writeInt(this.step);
        out.writeBoolean(this.finished);
        out.writeDouble(this.bestScore);
        out.writeInt(this.bestEpoch);
        out.writeLong(this.elapsedNanos);
        out.writeInt(this.history.size());
        for (EpochRecord record : this.history) {
            out.writeInt(record.epoch());
            out.writeDouble(record.trainLoss());
            out.writeDouble(record.validationScore());
            // The trainer's learning rate is a float, so the narrowing loses nothing.
            out.writeFloat((float) record.learningRate());
            out.writeLong(record.duration().toNanos());
        }
        out.writeInt(this.parameters.size());
        for (ParameterState parameter : this.parameters) {
            writeString(out, parameter.name());
            out.writeInt(parameter.shape().length);
            for (long dimension : parameter.shape()) {
                out.writeLong(dimension);
            }
            writeFloats(out, parameter.weights());
            writeOptionalFloats(out, parameter.firstMoment());
            writeOptionalFloats(out, parameter.secondMoment());
            writeOptionalFloats(out, parameter.best());
        }
    }

    /**
     * Reads a checkpoint, checking its checksum before anything else.
     * @return the checkpoint, or {@code null} if {@code file} does not exist
     * @throws DistillationException if the file is truncated, damaged, of another format or unreadable
     */
    static TrainingCheckpoint read(Path file) {
        long size;
        try {
            size = Files.size(file);
        }
        catch (NoSuchFileException ex) {
            return null;
        }
        catch (IOException ex) {
            throw new DistillationException(null, "Cannot read the training checkpoint " + file + ": " + ex, ex);
        }
        try {
            verifyChecksum(file, size);
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
                TrainingCheckpoint checkpoint = readBody(in, file, size);
                in.readInt();
                if (in.read() != -1) {
                    throw damaged(file, "it has bytes after its checksum");
                }
                return checkpoint;
            }
        }
        catch (EOFException ex) {
            throw damaged(file, "it ends early (truncated)");
        }
        catch (IOException ex) {
            throw new DistillationException(null, "Cannot read the training checkpoint " + file + ": " + ex, ex);
        }
    }

    private static void verifyChecksum(Path file, long size) throws IOException {
        if (size < MAGIC.length + 8) {
            throw damaged(file, "it is " + size + " bytes long, too short to be one (truncated?)");
        }
        CRC32C crc = new CRC32C();
        try (InputStream in = new CheckedInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16), crc)) {
            byte[] head = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(head, MAGIC)) {
                throw damaged(file, "it does not start with " + new String(MAGIC, StandardCharsets.US_ASCII)
                        + " (not a StudentTrainer checkpoint)");
            }
            long remaining = size - 4 - MAGIC.length;
            byte[] buffer = new byte[1 << 16];
            while (remaining > 0) {
                int read = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
                if (read < 0) {
                    throw new EOFException();
                }
                remaining -= read;
            }
            int computed = (int) crc.getValue();
            int stored = new DataInputStream(in).readInt();
            if (stored != computed) {
                throw damaged(file, String.format("its checksum does not match (stored %08x, computed %08x):"
                        + " it is damaged or truncated", stored, computed));
            }
        }
    }

    private static TrainingCheckpoint readBody(DataInputStream in, Path file, long size) throws IOException {
        in.readFully(new byte[MAGIC.length]);
        int version = in.readInt();
        if (version != FORMAT_VERSION) {
            throw damaged(file, "it has format version " + version + ", this build reads version " + FORMAT_VERSION);
        }
        String fingerprint = readString(in, file);
        int componentCount = count(in, file, size, "components");
        Map<String, String> components = new LinkedHashMap<>();
        for (int i = 0; i < componentCount; i++) {
            components.put(readString(in, file), readString(in, file));
        }
        int epoch = in.readInt();
        int step = in.readInt();
        boolean finished = in.readBoolean();
        double bestScore = in.readDouble();
        int bestEpoch = in.readInt();
        long elapsed = in.readLong();
        int epochs = count(in, file, size, "history");
        List<EpochRecord> history = new ArrayList<>(epochs);
        for (int i = 0; i < epochs; i++) {
            try {
                history.add(new EpochRecord(in.readInt(), in.readDouble(), in.readDouble(), in.readFloat(),
                        Duration.ofNanos(in.readLong())));
            }
            catch (IllegalArgumentException ex) {
                throw damaged(file, "entry " + i + " of its history is invalid (" + ex.getMessage() + ")");
            }
        }
        int parameterCount = count(in, file, size, "parameters");
        List<ParameterState> parameters = new ArrayList<>(parameterCount);
        for (int i = 0; i < parameterCount; i++) {
            String name = readString(in, file);
            int rank = in.readInt();
            if (rank < 0 || rank > 32) {
                throw damaged(file, "parameter " + name + " has rank " + rank);
            }
            long[] shape = new long[rank];
            for (int d = 0; d < rank; d++) {
                shape[d] = in.readLong();
            }
            parameters.add(new ParameterState(name, shape, readFloats(in, file, size),
                    readOptionalFloats(in, file, size), readOptionalFloats(in, file, size),
                    readOptionalFloats(in, file, size)));
        }
        return new TrainingCheckpoint(fingerprint, components, epoch, step, finished, bestScore, bestEpoch, elapsed,
                history, parameters);
    }

    private static DistillationException damaged(Path file, String why) {
        return new DistillationException(null, "The training checkpoint " + file + " cannot be used: " + why
                + ". Delete it to train from the start.", null);
    }

    /** A count of things that each take at least one byte, so never more than the file's size. */
    private static int count(DataInputStream in, Path file, long size, String what) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > size) {
            throw damaged(file, "it lists " + count + " " + what);
        }
        return count;
    }

    private static void writeString(DataOutputStream out, String value) throws IOException {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(DataInputStream in, Path file) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_STRING_BYTES) {
            throw damaged(file, "a string has length " + length);
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void writeOptionalFloats(DataOutputStream out, float[] values) throws IOException {
        out.writeBoolean(values != null);
        if (values != null) {
            writeFloats(out, values);
        }
    }

    private static float[] readOptionalFloats(DataInputStream in, Path file, long size) throws IOException {
        return in.readBoolean() ? readFloats(in, file, size) : null;
    }

    private static void writeFloats(OutputStream out, float[] values) throws IOException {
        new DataOutputStream(out).writeInt(values.length);
        ByteBuffer buffer = ByteBuffer.allocate(Math.min(values.length, CHUNK_FLOATS) * Float.BYTES);
        for (int from = 0; from < values.length; from += CHUNK_FLOATS) {
            int n = Math.min(CHUNK_FLOATS, values.length - from);
            buffer.clear();
            buffer.asFloatBuffer().put(values, from, n);
            out.write(buffer.array(), 0, n * Float.BYTES);
        }
    }

    private static float[] readFloats(DataInputStream in, Path file, long size) throws IOException {
        int length = count(in, file, size, "values");
        float[] values = new float[length];
        byte[] chunk = new byte[Math.min(length, CHUNK_FLOATS) * Float.BYTES];
        for (int from = 0; from < length; from += CHUNK_FLOATS) {
            int n = Math.min(CHUNK_FLOATS, length - from);
            in.readFully(chunk, 0, n * Float.BYTES);
            ByteBuffer.wrap(chunk, 0, n * Float.BYTES).asFloatBuffer().get(values, from, n);
        }
        return values;
    }
}
