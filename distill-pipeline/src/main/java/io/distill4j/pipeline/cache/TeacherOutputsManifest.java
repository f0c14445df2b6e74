package io.distill4j.pipeline.cache;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code manifest.json} of a teacher-outputs folder ({@link TeacherOutputsFormat}), written after every
 * shard is complete.
 *
 * @param format {@value TeacherOutputsFormat#FORMAT_NAME}
 * @param version the format version
 * @param producer what wrote the folder, e.g. {@code distill4j-spark 0.1.0 on Spark 4.2.0}
 * @param created when, ISO-8601
 * @param teacher the identity of the teacher and what was done around its graph: the components of the
 *     soft-target cache key that do not depend on the data ({@code teacher}, {@code tokenizer},
 *     {@code preprocessing.*}, {@code format}); a job uses the folder only if its teacher's are the same
 * @param width values per row
 * @param rows rows over all shards (distinct texts)
 * @param inputRows rows read from the input, duplicates and rejected rows included
 * @param rejectedRows input rows that were not texts (null, blank, unparsable), listed under {@code rejected/}
 * @param shards the shards, by index
 */
public record TeacherOutputsManifest(String format, int version, String producer, String created,
        SortedMap<String, String> teacher, int width, long rows, long inputRows, long rejectedRows,
        List<Shard> shards) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public TeacherOutputsManifest {
        teacher = new TreeMap<>(teacher);
        shards = List.copyOf(shards);
    }

    /**
     * One shard (serializable: a Spark task reports the shard it wrote).
     *
     * @param file its file name in the folder
     * @param rows its rows
     * @param bytes its size
     * @param crc32c the checksum in its footer, hex
     */
    public record Shard(String file, long rows, long bytes, String crc32c) implements Serializable {

        private static final long serialVersionUID = 1L;
    }

    /** Writes the manifest as JSON (the stream is not closed). */
    public void write(OutputStream out) throws IOException {
        try {
            JSON.writerWithDefaultPrettyPrinter().writeValue(new NonClosing(out), this);
        }
        catch (JacksonException ex) {
            throw new IOException("Cannot write the teacher-outputs manifest: " + ex.getOriginalMessage(), ex);
        }
    }

    /**
     * Reads a manifest.
     *
     * @throws IOException if it is not one (the message says why)
     */
    public static TeacherOutputsManifest read(InputStream in) throws IOException {
        try {
            return JSON.readValue(in, TeacherOutputsManifest.class);
        }
        catch (JacksonException ex) {
            throw new IOException("not a teacher-outputs manifest: " + ex.getOriginalMessage(), ex);
        }
    }

    /** Keeps Jackson from closing the caller's stream. */
    private static final class NonClosing extends java.io.FilterOutputStream {

        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            this.out.write(bytes, offset, length);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
