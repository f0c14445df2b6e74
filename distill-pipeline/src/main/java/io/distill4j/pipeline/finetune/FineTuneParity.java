package io.distill4j.pipeline.finetune;

import java.util.List;
import java.util.Locale;

import io.distill4j.api.exception.DistillationException;
import io.distill4j.engine.OnnxInferenceEngine;

/**
 * Proves that a fine-tuned teacher, as the engine serves it, computes what was trained: the served
 * logits of {@link FineTuneResult#parityTexts()} against the ones DJL computed before the model was
 * closed. A difference past {@value #TOLERANCE} on any logit, or a text whose top class changes, fails.
 */
public final class FineTuneParity {

    /** The largest difference allowed between DJL's and ONNX Runtime's logits. */
    public static final double TOLERANCE = 1e-4;

    private FineTuneParity() {
    }

    /**
     * @param engine an engine whose repository holds the fine-tuned teacher as {@code name}
     * @return the largest absolute difference seen
     * @throws DistillationException if the export differs from the trained model past the tolerance
     */
    public static double check(OnnxInferenceEngine engine, String name, FineTuneResult result, String jobId) {
        List<String> texts = result.parityTexts();
        List<float[]> served = engine.logits(name, texts);
        double worst = 0;
        int disagreements = 0;
        for (int i = 0; i < texts.size(); i++) {
            float[] trained = result.parityLogits()[i];
            float[] exported = served.get(i);
            if (exported.length != trained.length) {
                throw new DistillationException(jobId, "The exported fine-tuned teacher '" + name + "' gives "
                        + exported.length + " logits, the trained one " + trained.length, null);
            }
            for (int c = 0; c < trained.length; c++) {
                worst = Math.max(worst, Math.abs(trained[c] - exported[c]));
            }
            disagreements += argmax(trained) == argmax(exported) ? 0 : 1;
        }
        if (!(worst <= TOLERANCE) || disagreements > 0) {
            throw new DistillationException(jobId, String.format(Locale.ROOT, "The exported fine-tuned teacher '%s' "
                    + "differs from the trained one: max |diff| %.3e (limit %.0e), %d of %d predictions disagree",
                    name, worst, TOLERANCE, disagreements, texts.size()), null);
        }
        return worst;
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
