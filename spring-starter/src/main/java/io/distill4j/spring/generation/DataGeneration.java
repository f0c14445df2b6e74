package io.distill4j.spring.generation;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.distill4j.api.InferenceEngine;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.api.exception.ModelNotFoundException;
import io.distill4j.api.generation.GenerationSpec;
import io.distill4j.api.generation.TextGenerationModel;
import io.distill4j.api.labelling.LabellingModel;
import io.distill4j.pipeline.generation.DataGenerator;
import io.distill4j.pipeline.labelling.LabellingLimits;
import io.distill4j.pipeline.report.GenerationReport;
import io.distill4j.pipeline.report.GenerationReportWriter;

/**
 * Generates labelled training data with a text-generation model known by name (with the starter: every Spring AI
 * {@code ChatModel} bean, by bean name), as {@link DataGenerator} does, with the distiller's settings: the
 * request limits of {@code distill4j.distill.labelling.*}, the journal under the cache directory
 * ({@code <cache>/generation}, so nothing is asked twice across runs and restarts), the engine's repository for
 * the embedding model, and — when the spec checks labels — the labelling model of the same name.
 *
 * <pre>{@code
 * GenerationReport report = dataGeneration.generate("supportLlm", spec, Path.of("generated.jsonl"));
 * // generated.jsonl, generated.report.json, generated.report.html
 * }</pre>
 *
 * <p>Thread-safe; each call runs its own requests. Holds no resource: the models and the engine are the
 * context's.
 */
public final class DataGeneration {

    private static final Logger logger = LoggerFactory.getLogger(DataGeneration.class);

    private final Map<String, TextGenerationModel> models;

    private final Map<String, LabellingModel> labellingModels;

    private final Optional<InferenceEngine> engine;

    private final LabellingLimits limits;

    private final Path journalDirectory;

    private final AtomicInteger runs = new AtomicInteger();

    /**
     * @param models the text-generation models, by name
     * @param labellingModels the labelling models, by name; the one named as the generation model checks labels
     * @param engine the engine whose repository holds the specs' embedding models, if there is one
     * @param journalDirectory where every exchange is journalled
     */
    public DataGeneration(Map<String, TextGenerationModel> models, Map<String, LabellingModel> labellingModels,
            Optional<InferenceEngine> engine, LabellingLimits limits, Path journalDirectory) {
        this.models = Map.copyOf(models);
        this.labellingModels = Map.copyOf(labellingModels);
        this.engine = Objects.requireNonNull(engine, "engine");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.journalDirectory = Objects.requireNonNull(journalDirectory, "journalDirectory");
    }

    /** The names of the text-generation models. */
    public Set<String> models() {
        return this.models.keySet();
    }

    /** {@link #generate(String, GenerationSpec, Path, BooleanSupplier)}, never cancelled. */
    public GenerationReport generate(String modelName, GenerationSpec spec, Path output) {
        return generate(modelName, spec, output, () -> false);
    }

    /**
     * Generates {@code spec}'s data set with the model {@code modelName} into {@code output} (JSON Lines), and
     * writes the report next to it ({@code <name>.report.json} and {@code .report.html}, {@code <name>} being the
     * output's file name without its extension). Progress is logged once per round.
     *
     * @throws ModelNotFoundException when no text-generation model has that name (the message lists them), or
     *     the spec checks labels and no labelling model has it
     * @throws DistillationException when the model fails beyond its retries, or the engine is missing for the
     *     spec's embedding model
     */
    public GenerationReport generate(String modelName, GenerationSpec spec, Path output, BooleanSupplier cancelled) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(output, "output");
        TextGenerationModel model = this.models.get(modelName);
        if (model == null) {
            throw new ModelNotFoundException(String.valueOf(modelName), "no text-generation model '" + modelName
                    + "'; known: " + new TreeSet<>(this.models.keySet()));
        }
        DataGenerator.Builder generator = DataGenerator.builder(model).limits(this.limits);
        this.engine.ifPresent(generator::engine);
        if (spec.checkLabels()) {
            LabellingModel checker = this.labellingModels.get(modelName);
            if (checker == null) {
                throw new ModelNotFoundException(modelName, "the spec checks labels, and no labelling model is named '"
                        + modelName + "'; known: " + new TreeSet<>(this.labellingModels.keySet()));
            }
            generator.labelChecker(checker);
        }
        String jobId = "generation-" + modelName + "-" + this.runs.incrementAndGet();
        GenerationReport report = generator.build().generate(jobId, spec, this.journalDirectory, output, cancelled,
                (round, kept, target, spent) -> logger.info("{}: round {}, {} of {} texts kept, {} requests, {} tokens",
                        jobId, round, kept, target, spent.requests(), spent.totalTokens()));
        String stem = stem(output.getFileName().toString());
        Path json = output.resolveSibling(stem + ".report.json");
        Path html = output.resolveSibling(stem + ".report.html");
        try {
            GenerationReportWriter.writeJson(report, json);
            GenerationReportWriter.writeHtml(report, html);
        }
        catch (IOException ex) {
            throw new DistillationException(jobId, "generated " + output + " but could not write its report "
                    + json + ": " + ex.getMessage(), ex);
        }
        logger.info("{}: {} texts in {}, report {}", jobId, report.total().kept(), output, html);
        return report;
    }

    private static String stem(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }
}
