package io.distill4j.pipeline.teacher;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.distill4j.api.distill.MemoryMode;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.pipeline.cache.SoftTargetCache;
import io.distill4j.pipeline.cache.SoftTargets;
import io.distill4j.pipeline.data.TextDataset;
import io.distill4j.pipeline.report.LabellingSummary;
import io.distill4j.pipeline.report.TeacherChoice;

/**
 * What a {@link Teacher} left for the student stages: the soft targets of each split in the cache, the
 * tokenizer the student uses, and — where the teacher is a model — that model's figures. In
 * {@link MemoryMode#ONLINE} the outcome owns the engine that keeps the teacher loaded; {@link #close()}
 * closes it (and does nothing in staged mode). Closing twice is harmless.
 *
 * @param name the teacher's name, for logs and messages
 * @param tokenizer the HuggingFace {@code tokenizer.json} the student tokenizes with
 * @param splits each split's cache entry, in the order train, validation, test
 * @param model the teacher's model, or empty when there is none (precomputed logits)
 * @param mode the memory mode the job runs in
 * @param onlineEngine the engine holding the teacher in online mode
 * @param cache the cache the entries are in
 * @param choice for an encoder teacher of a classification job, whether it was fine-tuned or kept frozen
 *        and why; empty for the other teachers
 * @param keptRows per split whose soft targets cover only some of its rows (a labelling model that gave no
 *        answer for some texts), the rows they cover, in order; a split not named here is covered whole
 * @param labelling for a labelling-model teacher, what it asked, kept and spent; empty for the others
 */
public record TeacherOutcome(String name, Path tokenizer, List<TeacherStage.SplitTargets> splits,
        Optional<TeacherModel> model, MemoryMode mode, Optional<OnnxInferenceEngine> onlineEngine,
        SoftTargetCache cache, Optional<TeacherChoice> choice, Map<String, TextDataset> keptRows,
        Optional<LabellingSummary> labelling) implements AutoCloseable {

    public TeacherOutcome {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(tokenizer, "tokenizer");
        splits = List.copyOf(splits);
        if (splits.isEmpty()) {
            throw new IllegalArgumentException("splits must not be empty");
        }
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(onlineEngine, "onlineEngine");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(choice, "choice");
        keptRows = Map.copyOf(keptRows);
        Objects.requireNonNull(labelling, "labelling");
    }

    /** An outcome without a teacher choice. */
    public TeacherOutcome(String name, Path tokenizer, List<TeacherStage.SplitTargets> splits,
            Optional<TeacherModel> model, MemoryMode mode, Optional<OnnxInferenceEngine> onlineEngine,
            SoftTargetCache cache) {
        this(name, tokenizer, splits, model, mode, onlineEngine, cache, Optional.empty(), Map.of(), Optional.empty());
    }

    /** A copy that carries {@code choice}. */
    public TeacherOutcome withChoice(TeacherChoice choice) {
        return new TeacherOutcome(this.name, this.tokenizer, this.splits, this.model, this.mode, this.onlineEngine,
                this.cache, Optional.of(choice), this.keptRows, this.labelling);
    }

    /** A copy that carries a labelling teacher's summary and the rows its soft targets cover. */
    public TeacherOutcome withLabelling(LabellingSummary summary, Map<String, TextDataset> kept) {
        return new TeacherOutcome(this.name, this.tokenizer, this.splits, this.model, this.mode, this.onlineEngine,
                this.cache, this.choice, kept, Optional.of(summary));
    }

    /** The rows of {@code split} its soft targets cover: {@code all}, unless the teacher left some out. */
    public TextDataset rows(String split, TextDataset all) {
        return this.keptRows.getOrDefault(split, all);
    }

    /** Whether every split came from the cache (the teacher did not run). */
    public boolean allCached() {
        return this.splits.stream().allMatch(TeacherStage.SplitTargets::cacheHit);
    }

    /** The entry of one split. */
    public TeacherStage.SplitTargets split(String split) {
        return this.splits.stream().filter(s -> s.split().equals(split)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no split '" + split + "'"));
    }

    /**
     * Opens one split's soft targets; the caller closes them.
     *
     * @throws DistillationException if the entry vanished from the cache
     */
    public SoftTargets open(String split) {
        TeacherStage.SplitTargets targets = split(split);
        return this.cache.open(targets.key()).orElseThrow(() -> new DistillationException(null,
                "The soft targets of split '" + split + "' vanished from the cache " + targets.path(), null));
    }

    /** Closes the online engine, if there is one. */
    @Override
    public void close() {
        this.onlineEngine.ifPresent(OnnxInferenceEngine::close);
    }
}
