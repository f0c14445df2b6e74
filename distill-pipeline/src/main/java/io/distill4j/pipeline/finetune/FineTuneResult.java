package io.distill4j.pipeline.finetune;

import java.nio.file.Path;
import java.util.List;

import io.distill4j.pipeline.train.TrainingResult;

/**
 * A fine-tuned teacher written as a model version folder.
 *
 * @param directory the version folder: {@code model.onnx}, {@code tokenizer.json}, {@code model.json} and
 *        {@value FineTuner#PARAMETERS_FILE}
 * @param training the trainer's result (best epoch, history, elapsed time)
 * @param validationAccuracy the best epoch's validation accuracy
 * @param trainExamples the labelled training examples fine-tuned on
 * @param validationExamples the labelled validation examples scored
 * @param parityTexts validation texts whose logits the fine-tuned model computed in DJL before it was closed
 * @param parityLogits those logits, one row per text, for {@link FineTuneParity}
 */
public record FineTuneResult(Path directory, TrainingResult training, double validationAccuracy, int trainExamples,
        int validationExamples, List<String> parityTexts, float[][] parityLogits) {

    public FineTuneResult {
        parityTexts = List.copyOf(parityTexts);
        if (parityLogits.length != parityTexts.size()) {
            throw new IllegalArgumentException("parityLogits must have one row per parity text: " + parityLogits.length
                    + " and " + parityTexts.size());
        }
    }
}
