package io.distill4j.pipeline.cache;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Writes teacher-outputs folders on the local disk, as the Spark pass does on its file system. */
public final class TeacherOutputsFixtures {

    private TeacherOutputsFixtures() {
    }

    /** A complete folder of {@code rows} (text → outputs) in {@code shards} shards for {@code teacher}. */
    public static Path write(Path folder, SortedMap<String, String> teacher, Map<String, float[]> rows, int shards)
            throws IOException {
        Files.createDirectories(folder);
        int width = rows.values().iterator().next().length;
        List<TreeMap<String, float[]>> byShard = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            byShard.add(new TreeMap<>());
        }
        rows.forEach((text, values) -> {
            String key = TeacherOutputsFormat.hex(TeacherOutputsFormat.key(text));
            byShard.get(TeacherOutputsFormat.shardOf(key, shards)).put(key, values);
        });
        List<TeacherOutputsManifest.Shard> entries = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            try (OutputStream out = Files.newOutputStream(folder.resolve(TeacherOutputsFormat.shardFileName(i)));
                    TeacherOutputsShardWriter writer = new TeacherOutputsShardWriter(out, i, shards, width)) {
                byShard.get(i).forEach((key, values) -> writer.append(TeacherOutputsFormat.fromHex(key), values));
                entries.add(writer.finish());
            }
        }
        TeacherOutputsManifest manifest = new TeacherOutputsManifest(TeacherOutputsFormat.FORMAT_NAME,
                TeacherOutputsFormat.VERSION, "tests", "2026-12-08T00:00:00Z", teacher, width, rows.size(),
                rows.size(), 0, entries);
        try (OutputStream out = Files.newOutputStream(folder.resolve(TeacherOutputsFormat.MANIFEST))) {
            manifest.write(out);
        }
        return folder;
    }
}
