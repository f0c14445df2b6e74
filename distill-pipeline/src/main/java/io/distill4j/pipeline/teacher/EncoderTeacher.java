package io.distill4j.pipeline.teacher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntConsumer;

import io.distill4j.api.ModelId;
import io.distill4j.api.TaskType;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.files.AtomicFiles;
import io.distill4j.engine.onnx.OnnxModelReader;
import io.distill4j.engine.onnx.OnnxModelWriter;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.repository.ModelFiles;
import io.distill4j.engine.repository.ModelManifest;
import io.distill4j.pipeline.data.TextDataset;
import io.distill4j.pipeline.data.TextExample;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns a text-embedding model of the engine's repository (for example all-MiniLM-L6-v2, or the
 * CLS-pooled bge-small-zh-v1.5) plus labelled data into a text-classification teacher: the engine embeds
 * the texts (with the pooling and normalization of the model's {@code model.json}), {@link HeadTrainer}
 * fits a head on the frozen embeddings, and {@link TeacherGraphs} writes encoder, the same pooling and
 * head as one model version that the engine serves. Within a job the vectors the head was fitted on also
 * give the soft targets ({@link HeadTargets}), so the encoder runs once per text.
 *
 * <pre>{@code
 * EncoderTeacher.Fitted teacher = EncoderTeacher.fit(engine, "minilm", train, validation,
 *         HeadTrainer.builder().build(), repository.resolve("banking77-teacher/1"), done -> {});
 * }</pre>
 */
public final class EncoderTeacher {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private EncoderTeacher() {
    }

    /**
     * Fits a head for {@code encoder} on the labelled examples of {@code train} (unlabelled ones are
     * ignored), early-stopped on {@code validation}, and writes the teacher as a model version folder
     * ({@code model.onnx}, the encoder's tokenizer, {@code model.json} of task
     * {@code text-classification} with the labels).
     *
     * @param engine an engine whose repository holds {@code encoder}; it is loaded if it is not yet
     * @param progress told the number of texts embedded so far, after each chunk
     * @throws DistillationException if the encoder is not a text-embedding model, {@code train} has no
     *     labelled example, or the version folder cannot be written
     */
    public static Fitted fit(OnnxInferenceEngine engine, String encoder, TextDataset train, TextDataset validation,
            HeadTrainer trainer, Path versionDirectory, IntConsumer progress) {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(validation, "validation");
        Objects.requireNonNull(trainer, "trainer");
        Objects.requireNonNull(versionDirectory, "versionDirectory");
        Objects.requireNonNull(progress, "progress");
        encoderFiles(engine, encoder);
        List<TextExample> trainExamples = labeled(train, encoder);
        List<TextExample> validationExamples = validationExamples(validation, train.labels());
        PooledTexts pooled = PooledTexts.embed(engine, encoder, List.of(trainExamples, validationExamples),
                Optional.empty(), (done, total) -> progress.accept(done), () -> false);
        return fit(engine, encoder, train, validation, trainer, versionDirectory, pooled);
    }

    /**
     * {@link #fit(OnnxInferenceEngine, String, TextDataset, TextDataset, HeadTrainer, Path, IntConsumer)}
     * on vectors embedded already: {@code pooled} holds every labelled text of {@code train} and
     * {@code validation}.
     */
    static Fitted fit(OnnxInferenceEngine engine, String encoder, TextDataset train, TextDataset validation,
            HeadTrainer trainer, Path versionDirectory, PooledTexts pooled) {
        ModelFiles files = encoderFiles(engine, encoder);
        ModelManifest manifest = files.manifest();
        List<String> labels = train.labels();
        List<TextExample> trainExamples = labeled(train, encoder);
        List<TextExample> validationExamples = validationExamples(validation, labels);
        HeadTrainer.Result result = trainer.fit(pooled.vectors(trainExamples), labelIndexes(trainExamples, labels),
                pooled.vectors(validationExamples), labelIndexes(validationExamples, labels), labels);
        ModelProto teacher = TeacherGraphs.encoderWithHead(OnnxModelReader.ofDefaults().read(files.model(),
                files.id().toString()), manifest.pooling(), manifest.normalize(), result.head());
        write(teacher, files, manifest, labels, versionDirectory, encoder, result);
        return new Fitted(result, versionDirectory, trainExamples.size(), validationExamples.size());
    }

    /**
     * The files of {@code encoder}'s newest version, loading it if it is not loaded yet.
     *
     * @throws DistillationException if it is not a text-embedding model
     */
    static ModelFiles encoderFiles(OnnxInferenceEngine engine, String encoder) {
        if (engine.loadedModels().stream().noneMatch(d -> d.id().name().equals(encoder))) {
            engine.load(encoder);
        }
        ModelId id = engine.describe(encoder).id();
        ModelFiles files = engine.repository().resolve(id);
        if (files.manifest().task() != TaskType.TEXT_EMBEDDING) {
            throw new DistillationException(null, "Encoder teacher '" + encoder + "' must be a text-embedding model, it is "
                    + files.manifest().task(), null);
        }
        return files;
    }

    /**
     * The labelled examples of {@code train}, which a head is fitted on.
     *
     * @throws DistillationException if there is none
     */
    static List<TextExample> labeled(TextDataset train, String encoder) {
        List<TextExample> examples = train.examples().stream().filter(TextExample::isLabeled).toList();
        if (examples.isEmpty() || train.labels().isEmpty()) {
            throw new DistillationException(null, "Fitting a head on '" + encoder + "' needs labelled training examples; "
                    + train.name() + " has none", null);
        }
        return examples;
    }

    /** The labelled examples of {@code validation} whose label the training data has. */
    private static List<TextExample> validationExamples(TextDataset validation, List<String> labels) {
        return validation.examples().stream().filter(TextExample::isLabeled)
                .filter(e -> labels.contains(e.label().orElseThrow())).toList();
    }

    private static int[] labelIndexes(List<TextExample> examples, List<String> labels) {
        int[] indexes = new int[examples.size()];
        for (int i = 0; i < indexes.length; i++) {
            indexes[i] = labels.indexOf(examples.get(i).label().orElseThrow());
        }
        return indexes;
    }

    private static void write(ModelProto teacher, ModelFiles encoderFiles, ModelManifest encoderManifest,
            List<String> labels, Path directory, String encoder, HeadTrainer.Result result) {
        try {
            Files.createDirectories(directory);
            OnnxModelWriter.write(teacher, directory.resolve("model.onnx"));
            Path tokenizer = encoderFiles.tokenizer().orElseThrow(() -> new DistillationException(null,
                    "Encoder '" + encoder + "' has no tokenizer to hand on to the teacher", null));
            Files.copy(tokenizer, directory.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
            ObjectNode manifest = MAPPER.createObjectNode();
            manifest.put("task", "text-classification");
            manifest.put("description", "Teacher: " + encoder + " (" + encoderManifest.pooling().name().toLowerCase(
                    Locale.ROOT) + " pooling) + a linear head fitted by Distill4j");
            manifest.put("tokenizer", "tokenizer.json");
            manifest.put("maxSequenceLength", encoderManifest.maxSequenceLength());
            manifest.put("output", TeacherGraphs.LOGITS);
            labels.forEach(manifest.putArray("labels")::add);
            ObjectNode provenance = manifest.putObject("provenance");
            provenance.put("encoder", encoder);
            provenance.put("headTrainAccuracy", Double.toString(result.trainAccuracy()));
            provenance.put("headValidationAccuracy", Double.toString(result.validationAccuracy()));
            provenance.put("headEpochs", Integer.toString(result.bestEpoch()));
            AtomicFiles.writeString(directory.resolve(ModelManifest.FILE_NAME),
                    MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(manifest));
        }
        catch (IOException ex) {
            throw new DistillationException(null, "Writing the teacher to " + directory + " failed: " + ex, ex);
        }
    }

    /**
     * A fitted encoder teacher.
     *
     * @param head the head and its training figures
     * @param directory the version folder written
     * @param trainExamples the labelled training examples the head saw
     * @param validationExamples the labelled validation examples used for early stopping
     */
    public record Fitted(HeadTrainer.Result head, Path directory, int trainExamples, int validationExamples) {
    }
}
