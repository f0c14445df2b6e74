package io.distill4j.pipeline.finetune;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

import io.distill4j.api.distill.FineTuning;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.engine.files.AtomicFiles;
import io.distill4j.engine.repository.ModelManifest;
import io.distill4j.pipeline.export.ExportOptions;
import io.distill4j.pipeline.export.StudentExporter;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.student.transformer.TransformerConfig;
import io.distill4j.pipeline.train.TrainingResult;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a fine-tuned model as a model version folder the engine serves: {@code model.onnx} (the
 * student exporter's graph, provenance in its metadata), the encoder's {@code tokenizer.json}, a
 * {@code model.json} of task {@code text-classification} with the labels and the fine-tuning's provenance
 * (base encoder, epochs, validation accuracy, every setting), and the DJL parameters
 * ({@value FineTuner#PARAMETERS_FILE}).
 */
final class FineTunedFolder {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private FineTunedFolder() {
    }

    static void write(StudentModel model, FineTuneInputs inputs, Path directory, TrainingResult result,
            int trainExamples, int validationExamples) {
        FineTuning settings = inputs.settings();
        TransformerConfig config = (TransformerConfig) model.config();
        try {
            Files.createDirectories(directory);
            ExportOptions.Builder options = ExportOptions.builder().labels(inputs.labels())
                    .metadata("distill4j.teacher.base", inputs.baseName())
                    .metadata("distill4j.fine_tuning.settings", settings.toString())
                    .metadata("distill4j.fine_tuning.seed", Long.toString(inputs.seed()))
                    .metadata("distill4j.fine_tuning.validation_accuracy", Double.toString(result.bestValidationScore()));
            if (inputs.jobId() != null) {
                options.jobId(inputs.jobId());
            }
            StudentExporter.write(model, options.build(), directory.resolve("model.onnx"));
            Files.copy(inputs.tokenizer(), directory.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
            model.saveParameters(directory.resolve(FineTuner.PARAMETERS_FILE));
            ObjectNode manifest = MAPPER.createObjectNode();
            manifest.put("task", "text-classification");
            manifest.put("description", String.format(Locale.ROOT, "Teacher: %s (%d layers, %s pooling) fine-tuned "
                    + "with a classification head by Distill4j", inputs.baseName(), config.layers(),
                    inputs.pooling().name().toLowerCase(Locale.ROOT)));
            manifest.put("tokenizer", "tokenizer.json");
            manifest.put("maxSequenceLength", config.maxPositions());
            manifest.put("output", model.config().output().tensorName());
            inputs.labels().forEach(manifest.putArray("labels")::add);
            ObjectNode provenance = manifest.putObject("provenance");
            provenance.put("baseEncoder", inputs.baseName());
            provenance.put("baseEncoderFile", String.valueOf(inputs.encoder().getFileName()));
            provenance.put("epochs", Integer.toString(result.epochs()));
            provenance.put("bestEpoch", Integer.toString(result.bestEpoch()));
            provenance.put("validationAccuracy", Double.toString(result.bestValidationScore()));
            provenance.put("trainExamples", Integer.toString(trainExamples));
            provenance.put("validationExamples", Integer.toString(validationExamples));
            provenance.put("settings", settings.toString());
            provenance.put("seed", Long.toString(inputs.seed()));
            provenance.put("maxSequenceLength", Integer.toString(inputs.maxSequenceLength()));
            provenance.put("djlParameters", FineTuner.PARAMETERS_FILE);
            provenance.put("studentConfig", MAPPER.writeValueAsString(model.config()));
            AtomicFiles.writeString(directory.resolve(ModelManifest.FILE_NAME),
                    MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(manifest));
            ModelManifest.read(directory.resolve(ModelManifest.FILE_NAME), inputs.baseName());
        }
        catch (IOException ex) {
            throw new DistillationException(inputs.jobId(), "Writing the fine-tuned teacher to " + directory
                    + " failed: " + ex, ex);
        }
    }
}
