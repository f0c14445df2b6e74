package io.distill4j.pipeline.cache;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.zip.CRC32C;

import io.distill4j.api.exception.DistillationException;

/**
 * A teacher-outputs folder ({@link TeacherOutputsFormat}) opened for lookups: a teacher's outputs computed
 * elsewhere — by the Spark teacher pass — found by text. The teacher stage asks it first and runs the teacher
 * only on the texts it does not hold, so a job whose texts are all here never loads its teacher and writes
 * the same soft-target cache entries as if it had.
 *
 * <p>Opening checks everything before any row is used: the manifest (format, version, shard list), and each
 * shard's size, header, footer and CRC32C (reading every byte once); a folder that fails a check is refused
 * with the reason and the file. Shards are memory-mapped (one mapping each, so a shard is at most 2 GiB: the
 * Spark pass sizes its shards below that); lookups are binary searches with absolute reads, safe from any
 * thread.
 *
 * <pre>{@code
 * try (TeacherOutputs outputs = TeacherOutputs.open(Path.of("/data/teacher-outputs"))) {
 *     outputs.requireTeacher(identity, "job-1");
 *     Optional<float[]> vector = outputs.find("Where is my card?");
 * }
 * }</pre>
 */
public final class TeacherOutputs implements AutoCloseable {

    private final Path folder;

    private final TeacherOutputsManifest manifest;

    private final int width;

    private final long rowBytes;

    /** Per shard, its rows' mapping from the first row on; {@code null} once closed. */
    private volatile MappedByteBuffer[] shards;

    private TeacherOutputs(Path folder, TeacherOutputsManifest manifest, MappedByteBuffer[] shards) {
        this.folder = folder;
        this.manifest = manifest;
        this.width = manifest.width();
        this.rowBytes = TeacherOutputsFormat.rowBytes(manifest.width());
        this.shards = shards;
    }

    /**
     * Opens and checks a folder.
     *
     * @throws DistillationException naming the folder or file and what is wrong: no manifest (a pass that did
     *     not finish), a manifest of another format or version, a missing, truncated or damaged shard
     */
    public static TeacherOutputs open(Path folder) {
        Path manifestFile = folder.resolve(TeacherOutputsFormat.MANIFEST);
        TeacherOutputsManifest manifest;
        try (InputStream in = Files.newInputStream(manifestFile)) {
            manifest = TeacherOutputsManifest.read(in);
        }
        catch (NoSuchFileException ex) {
            throw error(folder, "has no " + TeacherOutputsFormat.MANIFEST + "; it is not a teacher-outputs folder, or "
                    + "the pass that writes it did not finish");
        }
        catch (IOException ex) {
            throw error(manifestFile, ex.getMessage());
        }
        checkManifest(folder, manifest);
        MappedByteBuffer[] mapped = new MappedByteBuffer[manifest.shards().size()];
        for (int i = 0; i < mapped.length; i++) {
            mapped[i] = mapShard(folder, manifest, i);
        }
        return new TeacherOutputs(folder, manifest, mapped);
    }

    /** The folder. */
    public Path folder() {
        return this.folder;
    }

    /** The manifest. */
    public TeacherOutputsManifest manifest() {
        return this.manifest;
    }

    /** Values per row. */
    public int width() {
        return this.width;
    }

    /** Distinct texts held. */
    public long rows() {
        return this.manifest.rows();
    }

    /**
     * Refuses a folder written by another teacher, or with other settings around its graph, than the job's.
     *
     * @param expected the job's teacher identity ({@link TeacherOutputsManifest#teacher()})
     * @throws DistillationException naming each component that differs, with both values
     */
    public void requireTeacher(SortedMap<String, String> expected, String jobId) {
        if (expected.equals(this.manifest.teacher())) {
            return;
        }
        List<String> differences = new ArrayList<>();
        for (String name : new TreeSet<>(union(expected, this.manifest.teacher()))) {
            String ours = expected.get(name);
            String theirs = this.manifest.teacher().get(name);
            if (ours == null ? theirs != null : !ours.equals(theirs)) {
                differences.add(name + ": the folder's " + (theirs == null ? "(none)" : theirs) + ", the job's "
                        + (ours == null ? "(none)" : ours));
            }
        }
        throw new DistillationException(jobId, "teacher.outputs_path: " + this.folder + " holds the outputs of another "
                + "teacher or settings; run the teacher pass again with the job's teacher. Differences: "
                + String.join("; ", differences), null);
    }

    /** The outputs of {@code text}, if the folder holds them (a copy the caller may keep). */
    public Optional<float[]> find(String text) {
        MappedByteBuffer[] mapped = this.shards;
        if (mapped == null) {
            throw new IllegalStateException("Teacher outputs " + this.folder + " are closed");
        }
        byte[] key = TeacherOutputsFormat.key(text);
        int shard = TeacherOutputsFormat.shardOf(key, mapped.length);
        MappedByteBuffer rows = mapped[shard];
        long low = 0;
        long high = this.manifest.shards().get(shard).rows() - 1;
        byte[] probe = new byte[TeacherOutputsFormat.KEY_BYTES];
        while (low <= high) {
            long middle = (low + high) >>> 1;
            int offset = (int) (middle * this.rowBytes);
            rows.get(offset, probe);
            int order = Arrays.compareUnsigned(probe, key);
            if (order < 0) {
                low = middle + 1;
            }
            else if (order > 0) {
                high = middle - 1;
            }
            else {
                float[] values = new float[this.width];
                int at = offset + TeacherOutputsFormat.KEY_BYTES;
                for (int i = 0; i < values.length; i++) {
                    values[i] = rows.getFloat(at + 4 * i);
                }
                return Optional.of(values);
            }
        }
        return Optional.empty();
    }

    /**
     * The outputs of {@code texts} in order: those held here, and the rest from {@code teacher}, called once
     * with the missing texts in order (not called when none is missing).
     */
    public List<float[]> complete(List<String> texts, Function<List<String>, List<float[]>> teacher) {
        List<float[]> outputs = new ArrayList<>(texts.size());
        List<String> missing = new ArrayList<>();
        List<Integer> missingAt = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            Optional<float[]> found = find(texts.get(i));
            outputs.add(found.orElse(null));
            if (found.isEmpty()) {
                missing.add(texts.get(i));
                missingAt.add(i);
            }
        }
        if (!missing.isEmpty()) {
            List<float[]> computed = teacher.apply(missing);
            for (int i = 0; i < missing.size(); i++) {
                outputs.set(missingAt.get(i), computed.get(i));
            }
        }
        return outputs;
    }

    /** Unmaps nothing explicitly (the JVM does, once unreachable) but makes further lookups fail. */
    @Override
    public void close() {
        this.shards = null;
    }

    private static void checkManifest(Path folder, TeacherOutputsManifest manifest) {
        if (!TeacherOutputsFormat.FORMAT_NAME.equals(manifest.format())) {
            throw error(folder, "manifest format is '" + manifest.format() + "', not '"
                    + TeacherOutputsFormat.FORMAT_NAME + "'");
        }
        if (manifest.version() != TeacherOutputsFormat.VERSION) {
            throw error(folder, "format version " + manifest.version() + "; this reader reads version "
                    + TeacherOutputsFormat.VERSION);
        }
        if (manifest.width() < 1 || manifest.width() > CacheFile.MAX_WIDTH) {
            throw error(folder, "manifest width " + manifest.width() + " is not in [1, " + CacheFile.MAX_WIDTH + "]");
        }
        int count = manifest.shards().size();
        if (count < 1 || count > TeacherOutputsFormat.MAX_SHARDS) {
            throw error(folder, "manifest lists " + count + " shards; 1 to " + TeacherOutputsFormat.MAX_SHARDS
                    + " expected");
        }
        long rows = 0;
        for (int i = 0; i < count; i++) {
            TeacherOutputsManifest.Shard shard = manifest.shards().get(i);
            if (!TeacherOutputsFormat.shardFileName(i).equals(shard.file())) {
                throw error(folder, "manifest shard " + i + " is named '" + shard.file() + "', expected "
                        + TeacherOutputsFormat.shardFileName(i));
            }
            rows += shard.rows();
        }
        if (rows != manifest.rows()) {
            throw error(folder, "manifest says " + manifest.rows() + " rows, its shards hold " + rows);
        }
    }

    private static MappedByteBuffer mapShard(Path folder, TeacherOutputsManifest manifest, int index) {
        TeacherOutputsManifest.Shard entry = manifest.shards().get(index);
        Path file = folder.resolve(entry.file());
        long expected = TeacherOutputsFormat.shardBytes(entry.rows(), manifest.width());
        if (expected > Integer.MAX_VALUE) {
            throw error(file, "shard of " + expected + " bytes; this reader maps shards of at most 2 GiB: run the "
                    + "teacher pass with more shards");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size != expected) {
                throw error(file, (size < expected ? "truncated: " : "size mismatch: ") + size + " bytes, the "
                        + "manifest implies " + expected + " (" + entry.rows() + " rows of width " + manifest.width()
                        + ")");
            }
            MappedByteBuffer whole = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            whole.order(ByteOrder.LITTLE_ENDIAN);
            checkShard(file, whole, manifest, index, entry);
            MappedByteBuffer rows = (MappedByteBuffer) whole.slice(TeacherOutputsFormat.HEADER_BYTES,
                    (int) (size - TeacherOutputsFormat.HEADER_BYTES - TeacherOutputsFormat.FOOTER_BYTES));
            rows.order(ByteOrder.LITTLE_ENDIAN);
            return rows;
        }
        catch (NoSuchFileException ex) {
            throw error(file, "is missing (listed in " + TeacherOutputsFormat.MANIFEST + ")");
        }
        catch (IOException ex) {
            throw error(file, "cannot be read: " + ex.getMessage());
        }
    }

    private static void checkShard(Path file, ByteBuffer shard, TeacherOutputsManifest manifest, int index,
            TeacherOutputsManifest.Shard entry) {
        byte[] magic = new byte[TeacherOutputsFormat.MAGIC.length];
        shard.get(0, magic);
        if (!Arrays.equals(magic, TeacherOutputsFormat.MAGIC)) {
            throw error(file, "is not a teacher-outputs shard (wrong magic bytes)");
        }
        int version = shard.getInt(8);
        int width = shard.getInt(12);
        int shardIndex = shard.getInt(16);
        int shardCount = shard.getInt(20);
        if (version != TeacherOutputsFormat.VERSION || width != manifest.width() || shardIndex != index
                || shardCount != manifest.shards().size()) {
            throw error(file, "header says version " + version + ", width " + width + ", shard " + shardIndex + " of "
                    + shardCount + "; the manifest says version " + manifest.version() + ", width " + manifest.width()
                    + ", shard " + index + " of " + manifest.shards().size());
        }
        int footer = shard.limit() - TeacherOutputsFormat.FOOTER_BYTES;
        long rows = shard.getLong(footer);
        byte[] end = new byte[TeacherOutputsFormat.END_MAGIC.length];
        shard.get(footer + 12, end);
        if (rows != entry.rows() || !Arrays.equals(end, TeacherOutputsFormat.END_MAGIC)) {
            throw error(file, "footer says " + rows + " rows (manifest: " + entry.rows() + ") or has no end marker");
        }
        CRC32C crc = new CRC32C();
        crc.update(shard.slice(0, footer + 8));
        int stored = shard.getInt(footer + 8);
        if ((int) crc.getValue() != stored) {
            throw error(file, "checksum mismatch: stored " + Integer.toHexString(stored) + ", computed "
                    + Integer.toHexString((int) crc.getValue()) + "; the shard is damaged");
        }
    }

    private static Set<String> union(Map<String, String> a, Map<String, String> b) {
        Set<String> names = new HashSet<>(a.keySet());
        names.addAll(b.keySet());
        return names;
    }

    private static DistillationException error(Path path, String reason) {
        return new DistillationException(null, "teacher.outputs_path: " + path + " " + reason, null);
    }
}
