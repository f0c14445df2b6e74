package io.distill4j.pipeline.teacher;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

import io.distill4j.api.exception.DistillationCancelledException;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.pipeline.cache.TeacherOutputs;
import io.distill4j.pipeline.data.TextExample;

/**
 * The pooled vectors of a text-embedding model of the engine (its own pooling and normalization) for
 * every distinct text of some datasets, computed in one pass: a text that occurs in several datasets, or
 * several times in one (augmented copies, a train text repeated in the test split), is embedded once.
 * The vectors are kept on the heap (25,000 texts of a 384-wide encoder take about 38 MB). The texts go to
 * the engine shortest first, so each call holds texts of about one length and the engine's batches carry
 * little padding.
 *
 * <pre>{@code
 * PooledTexts pooled = PooledTexts.embed(engine, "minilm", List.of(train, validation, test), Optional.empty(),
 *         (done, total) -> { }, () -> false);
 * float[] vector = pooled.vector(train.examples().get(0).text());
 * }</pre>
 */
final class PooledTexts {

    /** Texts sent to the engine per call. */
    static final int CHUNK = 256;

    private final Map<String, float[]> vectors;

    private PooledTexts(Map<String, float[]> vectors) {
        this.vectors = vectors;
    }

    /**
     * Embeds the distinct texts of {@code datasets} (datasets or lists of examples) with {@code encoder}, which
     * is loaded on the first text to embed if it is not loaded yet, {@value #CHUNK} texts per engine call.
     *
     * @param outputs the encoder's outputs computed elsewhere, read for the texts they hold (the caller has
     *     checked they are this encoder's)
     * @param progress told the number of distinct texts embedded so far and their total, after each chunk
     * @param cancelled polled before each chunk
     * @throws DistillationCancelledException if {@code cancelled} turned true
     */
    static PooledTexts embed(OnnxInferenceEngine engine, String encoder,
            List<? extends Iterable<TextExample>> datasets, Optional<TeacherOutputs> outputs,
            BiConsumer<Integer, Integer> progress, BooleanSupplier cancelled) {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(encoder, "encoder");
        List<String> distinct = distinctTexts(datasets);
        distinct.sort(Comparator.comparingInt(String::length));
        Map<String, float[]> vectors = new HashMap<>(distinct.size() * 4 / 3 + 1);
        for (int start = 0; start < distinct.size(); start += CHUNK) {
            if (cancelled.getAsBoolean()) {
                throw new DistillationCancelledException(null, "Cancelled in the teacher stage while embedding, at "
                        + "text " + start + " of " + distinct.size());
            }
            List<String> chunk = distinct.subList(start, Math.min(distinct.size(), start + CHUNK));
            List<float[]> pooled = outputs.isPresent()
                    ? outputs.get().complete(chunk, missing -> embedLoaded(engine, encoder, missing))
                    : embedLoaded(engine, encoder, chunk);
            for (int i = 0; i < chunk.size(); i++) {
                vectors.put(chunk.get(i), pooled.get(i));
            }
            progress.accept(start + chunk.size(), distinct.size());
        }
        return new PooledTexts(vectors);
    }

    /** The encoder's vectors of {@code texts}, loading it first if it is not loaded. */
    private static List<float[]> embedLoaded(OnnxInferenceEngine engine, String encoder, List<String> texts) {
        if (engine.loadedModels().stream().noneMatch(d -> d.id().name().equals(encoder))) {
            engine.load(encoder);
        }
        return engine.embed(encoder, texts);
    }

    /** The distinct texts of {@code datasets}, in first-seen order. */
    static List<String> distinctTexts(List<? extends Iterable<TextExample>> datasets) {
        Set<String> seen = new LinkedHashSet<>();
        for (Iterable<TextExample> dataset : datasets) {
            for (TextExample example : dataset) {
                seen.add(example.text());
            }
        }
        return new ArrayList<>(seen);
    }

    /** The number of distinct texts embedded. */
    int size() {
        return this.vectors.size();
    }

    /**
     * The pooled vector of {@code text}.
     *
     * @throws IllegalArgumentException if the text was not among those embedded
     */
    float[] vector(String text) {
        float[] vector = this.vectors.get(text);
        if (vector == null) {
            throw new IllegalArgumentException("text: not among the " + this.vectors.size() + " texts embedded");
        }
        return vector;
    }

    /** The pooled vectors of the examples, in order. */
    float[][] vectors(List<TextExample> examples) {
        float[][] out = new float[examples.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = vector(examples.get(i).text());
        }
        return out;
    }
}
