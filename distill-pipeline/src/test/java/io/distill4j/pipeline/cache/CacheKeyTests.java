package io.distill4j.pipeline.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.distill4j.api.exception.InvalidInputException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CacheKeyTests {

    @TempDir
    Path dir;

    Path teacher;

    Path tokenizer;

    Path data;

    @BeforeEach
    void writeInputs() throws IOException {
        this.teacher = Files.write(this.dir.resolve("teacher.onnx"), new byte[] { 1, 2, 3, 4 });
        this.tokenizer = Files.writeString(this.dir.resolve("tokenizer.json"), "{\"model\": {}}");
        this.data = Files.writeString(this.dir.resolve("train.jsonl"), "{\"text\": \"good\", \"label\": 1}\n");
    }

    private CacheKey.Builder base() {
        return CacheKey.builder()
                .teacher(this.teacher)
                .tokenizer(this.tokenizer)
                .data(this.data)
                .preprocessing("maxSequenceLength", 128)
                .preprocessing("pooling", "mean");
    }

    @Test
    void sameInputsGiveTheSameKey() {
        CacheKey a = base().build();
        CacheKey b = base().build();
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.hex()).hasSize(64).matches("[0-9a-f]{64}").isEqualTo(b.hex());
    }

    @Test
    void changingTeacherBytesChangesTheKey() throws IOException {
        CacheKey before = base().build();
        Files.write(this.teacher, new byte[] { 1, 2, 3, 5 });
        assertThat(base().build()).isNotEqualTo(before);
    }

    @Test
    void changingTokenizerBytesChangesTheKey() throws IOException {
        CacheKey before = base().build();
        Files.writeString(this.tokenizer, "{\"model\": {\"x\": 1}}");
        assertThat(base().build()).isNotEqualTo(before);
    }

    @Test
    void aKeyWithoutTokenizerDiffersFromOneWithIt() {
        CacheKey without = CacheKey.builder().teacher(this.teacher).data(this.data).build();
        CacheKey with = CacheKey.builder().teacher(this.teacher).tokenizer(this.tokenizer).data(this.data).build();
        assertThat(without.components()).containsEntry("tokenizer", "none");
        assertThat(without).isNotEqualTo(with);
    }

    @Test
    void changingDataBytesChangesTheKey() throws IOException {
        CacheKey before = base().build();
        Files.writeString(this.data, "{\"text\": \"good\", \"label\": 0}\n");
        assertThat(base().build()).isNotEqualTo(before);
    }

    @Test
    void changingAnyPreprocessingSettingChangesTheKey() {
        CacheKey before = base().build();
        assertThat(base().preprocessing("maxSequenceLength", 256).build()).isNotEqualTo(before);
        assertThat(base().preprocessing("pooling", "cls").build()).isNotEqualTo(before);
        assertThat(base().preprocessing("augmentation.seed", 42).build()).isNotEqualTo(before);
        assertThat(base().preprocessing("augmentation.seed", 42).build())
                .isNotEqualTo(base().preprocessing("augmentation.seed", 43).build());
    }

    @Test
    void changingTheFormatVersionChangesTheKey() {
        CacheKey current = base().build();
        assertThat(current.components()).containsEntry("format", Integer.toString(CacheKey.FORMAT_VERSION));
        assertThat(base().formatVersion(CacheKey.FORMAT_VERSION + 1).build()).isNotEqualTo(current);
    }

    @Test
    void preprocessingIsCanonicalRegardlessOfOrderAndValueType() {
        CacheKey a = CacheKey.builder().teacher(this.teacher).data(this.data)
                .preprocessing("b", 2).preprocessing("a", "1").build();
        CacheKey b = CacheKey.builder().teacher(this.teacher).data(this.data)
                .preprocessing(Map.of("a", 1, "b", "2")).build();
        assertThat(a).isEqualTo(b);
        assertThat(a.components()).containsEntry("preprocessing.a", "1").containsEntry("preprocessing.b", "2");
    }

    @Test
    void componentBoundariesCannotBeShifted() {
        CacheKey ab = CacheKey.builder().teacher(this.teacher).data(this.data).preprocessing("a", "b=c").build();
        CacheKey abc = CacheKey.builder().teacher(this.teacher).data(this.data).preprocessing("a=b", "c").build();
        assertThat(ab).isNotEqualTo(abc);
        CacheKey split1 = CacheKey.builder().teacher(this.teacher).data(List.of("ab", "c")).build();
        CacheKey split2 = CacheKey.builder().teacher(this.teacher).data(List.of("a", "bc")).build();
        assertThat(split1).isNotEqualTo(split2);
    }

    @Test
    void textsAreHashedInOrder() {
        CacheKey ab = CacheKey.builder().teacher(this.teacher).data(List.of("a", "b")).build();
        assertThat(ab).isEqualTo(CacheKey.builder().teacher(this.teacher).data(List.of("a", "b")).build());
        assertThat(ab).isNotEqualTo(CacheKey.builder().teacher(this.teacher).data(List.of("b", "a")).build());
        assertThat(ab.components().get("data")).startsWith("texts-sha256:");
    }

    @Test
    void theSameBytesInAnotherPlaceGiveTheSameKey() throws IOException {
        Path copy = Files.copy(this.teacher, Files.createDirectories(this.dir.resolve("moved")).resolve("other.onnx"));
        assertThat(CacheKey.builder().teacher(copy).data(this.data).build())
                .isEqualTo(CacheKey.builder().teacher(this.teacher).data(this.data).build());
    }

    @Test
    void aFolderIsHashedWithItsFileNamesAndContents() throws IOException {
        Path model = Files.createDirectories(this.dir.resolve("model"));
        Files.write(model.resolve("model.onnx"), new byte[] { 9 });
        Files.write(model.resolve("weights.bin"), new byte[] { 1, 2 });
        CacheKey before = CacheKey.builder().teacher(model).data(this.data).build();

        Files.write(model.resolve("weights.bin"), new byte[] { 1, 3 });
        CacheKey changedContent = CacheKey.builder().teacher(model).data(this.data).build();
        assertThat(changedContent).isNotEqualTo(before);

        Files.move(model.resolve("weights.bin"), model.resolve("weights2.bin"));
        assertThat(CacheKey.builder().teacher(model).data(this.data).build()).isNotEqualTo(changedContent);

        Files.createDirectories(model.resolve("sub"));
        Files.write(model.resolve("sub/extra.bin"), new byte[0]);
        CacheKey withExtra = CacheKey.builder().teacher(model).data(this.data).build();
        assertThat(withExtra).isNotEqualTo(before);
    }

    @Test
    void hashesALargeFileByStreaming() throws IOException {
        byte[] chunk = new byte[1 << 20];
        Path big = this.dir.resolve("big.onnx");
        try (var out = Files.newOutputStream(big)) {
            for (int i = 0; i < 24; i++) {
                chunk[0] = (byte) i;
                out.write(chunk);
            }
        }
        CacheKey a = CacheKey.builder().teacher(big).data(this.data).build();
        try (var channel = java.nio.channels.FileChannel.open(big, java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(new byte[] { 1 }), 24L * (1 << 20) - 1);
        }
        assertThat(CacheKey.builder().teacher(big).data(this.data).build()).isNotEqualTo(a);
    }

    @Test
    void teacherAndDataAreRequired() {
        assertThatThrownBy(() -> CacheKey.builder().data(this.data).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("teacher");
        assertThatThrownBy(() -> CacheKey.builder().teacher(this.teacher).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("data");
    }

    @Test
    void anUnreadableInputIsAnErrorNamingTheField() {
        assertThatThrownBy(() -> CacheKey.builder().tokenizer(this.dir.resolve("missing.json")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("tokenizer")
                .hasMessageContaining("missing.json");
        assertThatThrownBy(() -> CacheKey.builder().data(Files.createDirectories(this.dir.resolve("empty"))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("data")
                .hasMessageContaining("no files");
        assertThatThrownBy(() -> CacheKey.builder().data(java.util.Arrays.asList("a", null)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("data.texts[1]");
    }

    @Test
    void preprocessingRejectsBlankNamesAndNullValues() {
        assertThatThrownBy(() -> CacheKey.builder().preprocessing(" ", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
        assertThatThrownBy(() -> CacheKey.builder().preprocessing("pooling", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pooling");
    }

    @Test
    void knownInputsKeepTheirKeySoCacheFilesWrittenEarlierStillHit() {
        CacheKey key = CacheKey.builder().teacher(this.teacher).tokenizer(this.tokenizer).data(List.of("good", "é"))
                .preprocessing("maxSequenceLength", 128).build();
        // Computed outside Java: SHA-256 over the sorted components, each name and value length-prefixed UTF-8.
        assertThat(key.components()).containsEntry("data",
                "texts-sha256:eed6bd2fb8c7428ba735970c1a5539297931db75d0a06336bcca881849dd67a1");
        assertThat(key.hex()).isEqualTo("4ad080c33135229156b1aa3f9921daa7e5b24b3cdd3607cdfc8f170c67e69066");
    }
}
