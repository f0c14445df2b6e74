package io.distill4j.pipeline.finetune;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

import io.distill4j.api.Checks;
import io.distill4j.api.distill.FineTuning;
import io.distill4j.pipeline.data.TextDataset;
import io.distill4j.pipeline.student.transformer.TransformerConfig;

/**
 * What a {@link FineTuner} fine-tunes, on what, and how.
 *
 * @param jobId the job, for error messages and the export's provenance (may be null)
 * @param baseName the encoder's name, for provenance and messages
 * @param encoder the encoder's ONNX file (a BERT-family export that {@code BertEncoderWeights} reads)
 * @param tokenizer its HuggingFace {@code tokenizer.json}
 * @param pooling how the encoder's token vectors become one vector (the encoder's own pooling)
 * @param labels the classes in logit order; examples with another label are left out
 * @param train the labelled examples fine-tuned on (unlabelled ones are ignored)
 * @param validation the labelled examples early stopping scores
 * @param settings the fine-tuning settings
 * @param seed the seed used (the settings' or the spec's)
 * @param maxSequenceLength tokens per text in fine-tuning, and the longest text the exported teacher takes
 *        (the settings' or the distiller's)
 * @param memoryLimitBytes the memory the job may use; a fine-tuning estimated past it is refused before it
 *        starts (see {@code MemoryPlanner.fineTuningBytes})
 * @param threads PyTorch's intra-op threads while it fine-tunes, 1 to 256 (the distiller's {@code threads}:
 *        the teacher stage has the machine to itself); the count before is restored afterwards
 */
public record FineTuneInputs(String jobId, String baseName, Path encoder, Path tokenizer,
        TransformerConfig.Pooling pooling, List<String> labels, TextDataset train, TextDataset validation,
        FineTuning settings, long seed, int maxSequenceLength, long memoryLimitBytes, int threads) {

    public FineTuneInputs {
        Checks.notBlank(baseName, "baseName");
        Checks.path(encoder, "encoder");
        Checks.path(tokenizer, "tokenizer");
        Objects.requireNonNull(pooling, "pooling");
        labels = List.copyOf(labels);
        if (labels.size() < 2) {
            throw new IllegalArgumentException("labels must hold at least 2 classes, was " + labels);
        }
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(validation, "validation");
        Objects.requireNonNull(settings, "settings");
        Checks.inRange(maxSequenceLength, 8, 512, "maxSequenceLength");
        Checks.atLeast(memoryLimitBytes, 1, "memoryLimitBytes");
        Checks.inRange(threads, 1, 256, "threads");
    }
}
