package io.distill4j.pipeline.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import io.distill4j.api.distill.SoftTargetPrecision;

/** Keys and deterministic target matrices for the cache tests. */
final class CacheFixtures {

    private CacheFixtures() {
    }

    /** A key over a small teacher file in {@code dir} and the given texts. */
    static CacheKey key(Path dir, String... texts) {
        try {
            Path teacher = dir.resolve("teacher.onnx");
            if (!Files.exists(teacher)) {
                Files.write(teacher, new byte[] { 8, 1, 18, 4 });
            }
            return CacheKey.builder().teacher(teacher).data(List.of(texts)).preprocessing("maxSequenceLength", 64)
                    .build();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** {@code rows} × {@code width} values, roughly logits-sized, the same for the same seed. */
    static float[][] matrix(int rows, int width, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] values = new float[rows][width];
        for (float[] row : values) {
            for (int k = 0; k < width; k++) {
                row[k] = (float) random.nextGaussian() * 4;
            }
        }
        return values;
    }

    static SoftTargets write(SoftTargetCache cache, CacheKey key, float[][] rows, SoftTargetPrecision precision) {
        try (SoftTargetWriter writer = cache.create(key, rows.length, rows[0].length, precision)) {
            writer.append(rows);
            writer.commit();
        }
        return cache.open(key).orElseThrow();
    }

    /** The names of the files in {@code dir}, sorted. */
    static List<String> files(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
