package io.distill4j.pipeline.tune;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.distill4j.api.distill.StudentSpec;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.api.exception.ModelLoadException;
import io.distill4j.pipeline.finetune.FineTunedInternals;
import io.distill4j.pipeline.student.LayeredBlock;
import io.distill4j.pipeline.student.StudentOutput;
import io.distill4j.pipeline.student.StudentShape;
import io.distill4j.pipeline.student.transformer.BertEncoderWeights;
import io.distill4j.pipeline.train.IntermediateDistillationLoss;
import io.distill4j.pipeline.train.IntermediateTraining;
import io.distill4j.pipeline.train.TeacherInternals;

/**
 * Whether a job's Transformer students learn the teacher's hidden states and attention, with which weights,
 * from which encoder, or why not: the decision {@link StudentCatalog} documents, taken once per job.
 *
 * @param encoder the teacher's readable BERT-family encoder when enabled
 * @param teacherLayers the encoder's layers {@code N} when enabled
 * @param maxPositions the longest sequence the teacher will be given
 * @param reason why it is off, for the report; empty when on
 */
record IntermediatePlan(boolean enabled, float hiddenWeight, float attentionWeight, Path encoder, int teacherLayers,
        int maxPositions, String reason) {

    static final String FIELD = "student.intermediateDistillation";

    static IntermediatePlan of(StudentSpec spec, Optional<Path> teacherEncoder, int maxSequenceLength) {
        Optional<StudentSpec.IntermediateDistillation> asked = spec.intermediateDistillation();
        boolean fixedTransformer = spec instanceof StudentSpec.Transformer || spec instanceof StudentSpec.TeacherLayers;
        if (asked.isPresent() && !asked.get().enabled()) {
            return off("off (as asked)");
        }
        if (asked.isEmpty() && !fixedTransformer) {
            return off("off (the auto search's default: it would add a teacher forward pass to every step)");
        }
        StudentSpec.IntermediateDistillation settings = asked.orElse(StudentSpec.IntermediateDistillation.on());
        String problem = null;
        BertEncoderWeights weights = null;
        if (teacherEncoder.isEmpty() || !Files.isReadable(teacherEncoder.get())) {
            problem = "the teacher is not an ONNX encoder whose file can be read";
        }
        else {
            try {
                weights = BertEncoderWeights.read(teacherEncoder.get());
            }
            catch (ModelLoadException ex) {
                problem = "the teacher's encoder is not one of the BERT family this reader understands ("
                        + ex.getMessage() + ")";
            }
        }
        if (problem != null) {
            if (asked.isPresent()) {
                throw new InvalidInputException(null, FIELD, "needs a teacher with a BERT-family ONNX encoder "
                        + "(all-MiniLM-L6-v2, for one): " + problem + "; turn it off or choose such a teacher");
            }
            return off("off (skipped, the default only: " + problem + ")");
        }
        return new IntermediatePlan(true, settings.hiddenWeight(), settings.attentionWeight(), teacherEncoder.get(),
                weights.layers(), Math.min(maxSequenceLength, weights.maxPositions()), "");
    }

    private static IntermediatePlan off(String reason) {
        return new IntermediatePlan(false, 0f, 0f, null, 0, 0, reason);
    }

    /** The student layers of a shape whose students have them; empty for the other architectures. */
    static OptionalInt studentLayers(StudentShape shape) {
        // A block without initialised parameters holds no native memory.
        if (shape.factory().build(1, 1, StudentOutput.EMBEDDING).newBlock() instanceof LayeredBlock layered) {
            return OptionalInt.of(layered.layers());
        }
        return OptionalInt.empty();
    }

    /** What a Transformer candidate's settings say about it. */
    Map<String, String> describe(int studentLayers) {
        Map<String, String> settings = new LinkedHashMap<>();
        if (!this.enabled) {
            settings.put(StudentCatalog.INTERMEDIATE_DISTILLATION, this.reason);
            return settings;
        }
        settings.put(StudentCatalog.INTERMEDIATE_DISTILLATION, "on");
        settings.put(StudentCatalog.INTERMEDIATE_DISTILLATION + ".hiddenWeight", Float.toString(this.hiddenWeight));
        settings.put(StudentCatalog.INTERMEDIATE_DISTILLATION + ".attentionWeight",
                Float.toString(this.attentionWeight));
        settings.put(StudentCatalog.INTERMEDIATE_DISTILLATION + ".layerMapping",
                IntermediateDistillationLoss.describeMapping(studentLayers, this.teacherLayers));
        return settings;
    }

    /**
     * Reads the teacher into a frozen model; the caller closes the returned teacher. A teacher fine-tuned in
     * the JVM ({@code teacherFolder} holds its parameters) is read as fine-tuned, so the student learns the
     * internals of the teacher whose outputs it learns; otherwise the encoder as it is.
     *
     * @param teacherFolder the version folder of the teacher that made the soft targets, if it is a model
     */
    IntermediateTraining open(long[] keptIds, Optional<Path> teacherFolder) {
        BertEncoderWeights weights = BertEncoderWeights.read(this.encoder);
        Optional<Path> fineTuned = teacherFolder.filter(FineTunedInternals::isFineTuned)
                .filter(folder -> FineTunedInternals.maxPositions(folder) >= this.maxPositions);
        TeacherInternals internals = fineTuned.isPresent() ? FineTunedInternals.open(fineTuned.get(), weights, keptIds)
                : weights.internals(this.maxPositions, keptIds);
        return IntermediateTraining.of(internals, this.hiddenWeight, this.attentionWeight);
    }
}
