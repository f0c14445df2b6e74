package io.distill4j.pipeline.job;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.distill4j.api.distill.Stage;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.text.TextTokenizer;
import io.distill4j.pipeline.export.ExportOptions;
import io.distill4j.pipeline.export.StudentExporter;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.vocab.VocabularyPruning;

/**
 * {@link Stage#EXPORT}: writes the trained student to {@code student-fp32.onnx} (provenance in its
 * metadata), serves it on the evaluation engine and compares the served outputs with the trained model's
 * on the check texts. A difference past {@value #PARITY_TOLERANCE}, or a classifier whose top class
 * changes on any text, fails the job: an export that does not compute what was trained is never shipped.
 */
final class ExportStage {

    /** Largest difference between the trained student and its ONNX export, on logits or vectors. */
    static final double PARITY_TOLERANCE = 1e-4;

    private ExportStage() {
    }

    /**
     * @param file the exported student
     * @param model the exported graph
     * @param parity the largest difference seen between trained and served outputs
     */
    record Exported(Path file, ModelProto model, double parity) {
    }

    static Exported run(RunContext run, Evaluation evaluation, StudentModel student, StudentData data)
            throws IOException {
        Path file = run.outputFile("student-fp32.onnx");
        ExportOptions.Builder options = ExportOptions.builder().jobId(run.id()).labels(data.labels().names())
            .teacherHash(data.teacherHash());
        data.pruning().ifPresent(p -> options.vocabularyRemap(p.remap()));
        ModelProto model = StudentExporter.write(student, options.build(), file);
        evaluation.add(Evaluation.FP32, file, data.tokenizerFile(), data.labels().names());
        double parity = parity(run, evaluation, student, data.tokenizer(), data.pruning(), data.checkTexts());
        run.clock().report(1, 1, 1, Map.of("parity_max_abs_diff", parity), String.format(Locale.ROOT,
                "exported %s: parity max |diff| %.2e", file.getFileName(), parity));
        return new Exported(file, model, parity);
    }

    private static double parity(RunContext run, Evaluation evaluation, StudentModel student,
            TextTokenizer tokenizer, Optional<VocabularyPruning> pruning, List<String> texts) {
        List<float[]> served = evaluation.outputs(Evaluation.FP32, texts);
        double worst = 0;
        int disagreements = 0;
        for (int i = 0; i < texts.size(); i++) {
            long[] tokenIds = tokenizer.encode(texts.get(i)).ids();
            long[] ids = pruning.map(p -> p.apply(new long[][] {tokenIds})[0]).orElse(tokenIds);
            long[] mask = new long[ids.length];
            Arrays.fill(mask, 1);
            float[] trained = student.predict(new long[][] {ids}, new long[][] {mask})[0];
            float[] exported = served.get(i);
            for (int c = 0; c < trained.length; c++) {
                worst = Math.max(worst, Math.abs(trained[c] - exported[c]));
            }
            disagreements += run.embedding() || Labels.argmax(trained) == Labels.argmax(exported) ? 0 : 1;
        }
        if (worst > PARITY_TOLERANCE || disagreements > 0) {
            throw run.failure(String.format(Locale.ROOT, "The exported student differs from the trained one: "
                    + "max |diff| %.3e (limit %.0e), %d of %d predictions disagree", worst, PARITY_TOLERANCE,
                    disagreements, texts.size()));
        }
        return worst;
    }
}
