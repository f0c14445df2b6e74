package io.distill4j.pipeline.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.ByteArrayOutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import io.distill4j.api.exception.DistillationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Teacher-outputs folders: what is written is found by text, in any shard; whatever is damaged, missing or
 * made by another teacher is refused with the file and the reason, never read.
 */
class TeacherOutputsTests {

    private static final SortedMap<String, String> TEACHER = new TreeMap<>(Map.of("teacher", "sha256:aa",
            "tokenizer", "sha256:bb", "preprocessing.maxSequenceLength", "128", "format", "1"));

    @TempDir
    Path dir;

    private static Map<String, float[]> rows(int count, int width) {
        Map<String, float[]> rows = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            float[] values = new float[width];
            for (int j = 0; j < width; j++) {
                values[j] = i * 0.5f - j / 7f;
            }
            rows.put("text number " + i + (i % 3 == 0 ? " — ünïcødé 中文" : ""), values);
        }
        return rows;
    }

    @Test
    void everyTextIsFoundWithItsValuesInWhicheverShardItFell() throws Exception {
        Map<String, float[]> rows = rows(500, 5);
        Path folder = TeacherOutputsFixtures.write(this.dir.resolve("out"), TEACHER, rows, 7);
        try (TeacherOutputs outputs = TeacherOutputs.open(folder)) {
            assertThat(outputs.rows()).isEqualTo(500);
            assertThat(outputs.width()).isEqualTo(5);
            rows.forEach((text, values) -> assertThat(outputs.find(text)).hasValueSatisfying(
                    found -> assertThat(found).containsExactly(values)));
            assertThat(outputs.find("a text nobody computed")).isEmpty();
            assertThat(outputs.find("")).isEmpty();
        }
    }

    @Test
    void completeAsksTheTeacherOnceForTheMissingTextsOnlyAndKeepsTheOrder() throws Exception {
        Map<String, float[]> rows = rows(20, 3);
        Path folder = TeacherOutputsFixtures.write(this.dir.resolve("out"), TEACHER, rows, 2);
        List<String> texts = List.of("text number 1", "missing one", "text number 2", "missing two");
        List<List<String>> asked = new ArrayList<>();
        try (TeacherOutputs outputs = TeacherOutputs.open(folder)) {
            List<float[]> result = outputs.complete(texts, missing -> {
                asked.add(missing);
                return missing.stream().map(m -> new float[] {m.length(), 0, 0}).toList();
            });
            assertThat(asked).containsExactly(List.of("missing one", "missing two"));
            assertThat(result.get(0)).containsExactly(rows.get("text number 1"));
            assertThat(result.get(1)).containsExactly(11, 0, 0);
            assertThat(result.get(2)).containsExactly(rows.get("text number 2"));
            assertThat(result.get(3)).containsExactly(11, 0, 0);

            asked.clear();
            outputs.complete(List.of("text number 4"), missing -> {
                asked.add(missing);
                return List.of();
            });
            assertThat(asked).isEmpty();
        }
    }

    @Test
    void aFolderWithoutItsManifestIsAPassThatDidNotFinish() throws Exception {
        Path folder = TeacherOutputsFixtures.write(this.dir.resolve("out"), TEACHER, rows(10, 2), 1);
        Files.delete(folder.resolve(TeacherOutputsFormat.MANIFEST));
        assertThatExceptionOfType(DistillationException.class).isThrownBy(() -> TeacherOutputs.open(folder))
                .withMessageContaining("teacher.outputs_path").withMessageContaining("did not finish");
    }

    @Test
    void aFlippedByteIsACheckSumMismatchNamingTheShard() throws Exception {
        Path folder = TeacherOutputsFixtures.write(this.dir.resolve("out"), TEACHER, rows(50, 4), 3);
        Path shard = folder.resolve(TeacherOutputsFormat.shardFileName(1));
        byte[] bytes = Files.readAllBytes(shard);
        bytes[TeacherOutputsFormat.HEADER_BYTES + 40] ^= 0x10;
        Files.write(shard, bytes);
        assertThatExceptionOfType(DistillationException.class).isThrownBy(() -> TeacherOutputs.open(folder))
                .withMessageContaining(shard.toString()).withMessageContaining("checksum mismatch");
    }

    @Test
    void aTruncatedOrMissingShardIsRefused() throws Exception {
        Path folder = TeacherOutputsFixtures.write(this.dir.resolve("out"), TEACHER, rows(50, 4), 3);
        Path shard = folder.resolve(TeacherOutputsFormat.shardFileName(2));
        try (FileChannel channel = FileChannel.open(shard, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - 10);
        }
        assertThatExceptionOfType(DistillationException.class).isThrownBy(() -> TeacherOutputs.open(folder))
                .withMessageContaining("truncated");
        Files.delete(shard);
        assertThatExceptionOfType(DistillationException.class).isThrownBy(() -> TeacherOutputs.open(folder))
                .withMessageContaining("is missing");
    }

    @Test
    void anotherTeachersOutputsAreRefusedNamingWhatDiffers() throws Exception {
        Path folder = TeacherOutputsFixtures.write(this.dir.resolve("out"), TEACHER, rows(5, 2), 1);
        SortedMap<String, String> job = new TreeMap<>(TEACHER);
        job.put("preprocessing.maxSequenceLength", "256");
        try (TeacherOutputs outputs = TeacherOutputs.open(folder)) {
            outputs.requireTeacher(TEACHER, "job-1");
            assertThatExceptionOfType(DistillationException.class).isThrownBy(() -> outputs.requireTeacher(job, "job-1"))
                    .withMessageContaining("preprocessing.maxSequenceLength: the folder's 128, the job's 256")
                    .withMessageNotContaining("tokenizer:");
        }
    }

    @Test
    void theWriterRefusesRowsOutOfOrderTwiceOrInTheWrongShard() {
        byte[] low = new byte[32];
        byte[] high = new byte[32];
        high[31] = 1;
        try (TeacherOutputsShardWriter writer = new TeacherOutputsShardWriter(new ByteArrayOutputStream(), 0, 1, 2)) {
            writer.append(high, new float[] {1, 2});
            assertThatIllegalArgumentException().isThrownBy(() -> writer.append(low, new float[] {1, 2}))
                    .withMessageContaining("ascending");
            assertThatIllegalArgumentException().isThrownBy(() -> writer.append(high, new float[] {1, 2}))
                    .withMessageContaining("ascending");
            byte[] higher = high.clone();
            higher[31] = 2;
            assertThatIllegalArgumentException().isThrownBy(() -> writer.append(higher, new float[] {1}))
                    .withMessageContaining("width is 2");
        }
        byte[] shardOne = new byte[32];
        shardOne[3] = 1;
        try (TeacherOutputsShardWriter writer = new TeacherOutputsShardWriter(new ByteArrayOutputStream(), 0, 2, 2)) {
            assertThatIllegalArgumentException().isThrownBy(() -> writer.append(shardOne, new float[] {1, 2}))
                    .withMessageContaining("belongs to shard 1");
        }
    }
}
