package io.distill4j.pipeline.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.distill4j.api.TaskType;
import io.distill4j.api.exception.DistillationCancelledException;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.pipeline.data.TextDataset;
import io.distill4j.pipeline.data.TextExample;
import io.distill4j.pipeline.speed.SpeedProbe;
import io.distill4j.pipeline.train.EncodedSplit;

/**
 * The engine a job's exported students are checked and measured on, as a user will serve them: a model
 * repository under the job's output folder ({@code evaluation/}) holding {@value #FP32} and {@value #INT8},
 * loaded in one {@link OnnxInferenceEngine}. Owns that engine: {@link #close()} closes it and every
 * session in it.
 */
final class Evaluation implements AutoCloseable {

    /** The exported fp32 student's name in the evaluation repository. */
    static final String FP32 = "student-fp32";

    /** The quantized student's name in the evaluation repository. */
    static final String INT8 = "student-int8";

    /** Texts per engine call when a whole split is scored. */
    private static final int CHUNK = 256;

    private final RunContext run;

    private final Path repository;

    private final OnnxInferenceEngine engine;

    private Evaluation(RunContext run, Path repository, OnnxInferenceEngine engine) {
        this.run = run;
        this.repository = repository;
        this.engine = engine;
    }

    /** Opens an empty evaluation engine under the job's output folder. */
    static Evaluation open(RunContext run) {
        Path repository = run.outputFile("evaluation");
        try {
            Files.createDirectories(repository);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return new Evaluation(run, repository, run.openEngine(repository));
    }

    /** Registers {@code onnx} as the next version of {@code name} and loads it. */
    void add(String name, Path onnx, Path tokenizer, List<String> labels) {
        RegisterStage.register(this.run, this.repository, name, onnx, tokenizer, labels, false);
        this.engine.load(name);
    }

    /** The model's outputs for {@code texts}: logits of a classifier, vectors of an embedding model. */
    List<float[]> outputs(String name, List<String> texts) {
        return this.run.embedding() ? this.engine.embed(name, texts) : this.engine.logits(name, texts);
    }

    /** The median latency and throughput of {@code name} on {@code texts}. */
    SpeedProbe.Figures speed(String name, List<String> texts) {
        return SpeedProbe.measure(this.engine, name, this.run.embedding() ? TaskType.TEXT_EMBEDDING
                : TaskType.TEXT_CLASSIFICATION, texts);
    }

    /**
     * The task's metric of {@code name} on the job's scored split: accuracy over its labelled rows; on a split
     * without any label, the agreement with the teacher's answers (argmax against argmax); for the embedding
     * task the Spearman correlation on its scored pairs (NaN when it has none).
     */
    double metric(String name, StudentData data) {
        TextDataset scored = data.scored();
        if (this.run.embedding()) {
            if (data.scoredPairs().isEmpty()) {
                return Double.NaN;
            }
            List<float[]> vectors = scoreAll(name, scored);
            return PairSimilarity.spearman(data.scoredPairs().get(), vectors::get);
        }
        List<float[]> logits = scoreAll(name, scored);
        if (logits.isEmpty()) {
            return Double.NaN;
        }
        int correct = 0;
        int counted = 0;
        boolean labelled = data.scoredHasLabels();
        EncodedSplit teacher = data.scoredSplit();
        for (int i = 0; i < logits.size(); i++) {
            TextExample example = scored.examples().get(i);
            if (labelled && example.label().isEmpty()) {
                continue;
            }
            int expected = labelled ? data.labels().index(example.label().get())
                    : Labels.argmax(teacher.teacher().row(i));
            counted++;
            correct += Labels.argmax(logits.get(i)) == expected ? 1 : 0;
        }
        return counted == 0 ? Double.NaN : (double) correct / counted;
    }

    private List<float[]> scoreAll(String name, TextDataset data) {
        List<String> texts = Labels.texts(data, data.size());
        List<float[]> outputs = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += CHUNK) {
            outputs.addAll(outputs(name, texts.subList(from, Math.min(texts.size(), from + CHUNK))));
            if (this.run.job().isCancelRequested()) {
                throw new DistillationCancelledException(this.run.id(), "Cancelled while evaluating " + name);
            }
        }
        return outputs;
    }

    @Override
    public void close() {
        this.engine.close();
    }
}
