package io.distill4j.pipeline.teacher;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.distill4j.api.distill.SoftTargetPrecision;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.engine.repository.ModelFiles;
import io.distill4j.pipeline.cache.CacheKey;
import io.distill4j.pipeline.cache.SoftTargetCache;
import io.distill4j.pipeline.cache.SoftTargetWriter;
import io.distill4j.pipeline.data.TextDataset;
import io.distill4j.pipeline.data.TextExample;

/**
 * The soft targets of a fitted encoder teacher computed without running its graph: a row's logits are the
 * head ({@link ClassificationHead#logits}) applied to the row's pooled vector, which is what the
 * encoder-plus-head graph of {@link TeacherGraphs#encoderWithHead} computes. Each split is written to the
 * soft-target cache under the key {@link TeacherStage} uses for that teacher version, so the stage — in
 * this job, or a later one — finds it there and never loads the teacher.
 */
final class HeadTargets {

    private HeadTargets() {
    }

    /** The splits of {@code splits} that the cache has no entry for under {@code teacher}'s keys, in order. */
    static Map<String, TextDataset> uncached(SoftTargetCache cache, ModelFiles teacher, Map<String, TextDataset> splits) {
        Map<String, TextDataset> missing = new LinkedHashMap<>();
        for (Map.Entry<String, TextDataset> split : splits.entrySet()) {
            if (!cache.lookup(key(teacher, split.getKey(), split.getValue())).isHit()) {
                missing.put(split.getKey(), split.getValue());
            }
        }
        return missing;
    }

    /**
     * Writes the logits of every split into {@code cache}.
     *
     * @param teacher the fitted teacher's version, whose bytes and tokenizer key the entries
     * @param pooled holds the pooled vector of every text of {@code splits}
     */
    static void write(SoftTargetCache cache, ModelFiles teacher, Map<String, TextDataset> splits,
            ClassificationHead head, PooledTexts pooled, SoftTargetPrecision precision) {
        for (Map.Entry<String, TextDataset> split : splits.entrySet()) {
            List<TextExample> examples = split.getValue().examples();
            CacheKey key = key(teacher, split.getKey(), split.getValue());
            // An empty split gets an entry of zero rows, as the teacher stage writes one.
            try (SoftTargetWriter writer = cache.create(key, examples.size(), examples.isEmpty() ? 1 : head.classes(),
                    precision)) {
                for (TextExample example : examples) {
                    writer.append(head.logits(pooled.vector(example.text())));
                }
                writer.commit();
            }
        }
    }

    private static CacheKey key(ModelFiles teacher, String split, TextDataset data) {
        Path tokenizer = teacher.tokenizer().orElseThrow(() -> new DistillationException(null, "Teacher '"
                + teacher.id() + "' has no tokenizer", null));
        return TeacherStage.cacheKey(teacher, tokenizer, Map.of(), split, data);
    }
}
