package io.distill4j.api.distill;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import io.distill4j.api.Checks;

/**
 * What a successful distillation produced. Whether the student met the spec's gates is part of the
 * result ({@link #gatesPassed()}), not an exception: a job that ran to the end succeeded even if its
 * student falls short, and the report says by how much.
 *
 * @param jobId the job
 * @param task what the student does
 * @param metric the metric compared, e.g. {@code accuracy}
 * @param teacher the teacher's figures
 * @param studentFp32 the student before quantization
 * @param studentInt8 the student after INT8 quantization (the one registered and served)
 * @param files where the models and the report were written
 * @param registeredModel the model name the student was registered under, if it was
 * @param registeredVersion its version, if it was registered
 * @param hyperParameters the chosen settings (architecture, sizes, temperature, alpha, learning rate, the
 *     epochs the chosen student trained, …)
 * @param trials the tuning trials run
 * @param gates each gate's outcome, in the spec's order
 * @param stageDurations wall-clock time per stage that ran
 * @param teacherCacheHit whether the teacher stage was served from the soft-target cache
 */
public record DistillationResult(String jobId, DistillationTask task, String metric, ModelFigures teacher,
        ModelFigures studentFp32, ModelFigures studentInt8, Files files, Optional<String> registeredModel,
        OptionalLong registeredVersion, Map<String, String> hyperParameters, int trials, List<GateOutcome> gates,
        Map<Stage, Duration> stageDurations, boolean teacherCacheHit) {

    public DistillationResult {
        Checks.notBlank(jobId, "jobId");
        Checks.notNull(task, "task");
        Checks.notBlank(metric, "metric");
        Checks.notNull(teacher, "teacher");
        Checks.notNull(studentFp32, "studentFp32");
        Checks.notNull(studentInt8, "studentInt8");
        Checks.notNull(files, "files");
        Checks.notNull(registeredModel, "registeredModel");
        Checks.notNull(registeredVersion, "registeredVersion");
        hyperParameters = Map.copyOf(Checks.notNull(hyperParameters, "hyperParameters"));
        gates = List.copyOf(Checks.notNull(gates, "gates"));
        stageDurations = Map.copyOf(Checks.notNull(stageDurations, "stageDurations"));
    }

    /** Whether every gate passed (true when the spec had none). */
    public boolean gatesPassed() {
        return this.gates.stream().allMatch(GateOutcome::passed);
    }

    /** A few lines for a log or a terminal. */
    public String summary() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s: teacher %.4f, student fp32 %.4f, student INT8 %.4f (%s)%n",
                this.metric, this.teacher.metric(), this.studentFp32.metric(), this.studentInt8.metric(),
                this.task));
        out.append(String.format(Locale.ROOT, "parameters: teacher %s, student %,d; INT8 file %,d bytes%n",
                this.teacher.hasModel() ? String.format(Locale.ROOT, "%,d", this.teacher.parameters())
                        : "not measured (no model)", this.studentInt8.parameters(), this.studentInt8.fileBytes()));
        for (GateOutcome gate : this.gates) {
            out.append(gate.passed() ? "passed: " : "FAILED: ").append(gate.description()).append(String.format(
                    Locale.ROOT, " (measured %.4f, required %.4f)%n", gate.measured(), gate.required()));
        }
        this.registeredModel.ifPresent(name -> out.append("registered as ").append(name)
                .append(this.registeredVersion.isPresent() ? " version " + this.registeredVersion.getAsLong() : "")
                .append('\n'));
        out.append("report: ").append(this.files.reportHtml()).append('\n');
        return out.toString();
    }

    /**
     * One model's figures on the test split (validation split when there is no test split). A teacher
     * the job did not run as a model (precomputed logits) has only its metric: its parameters and file
     * size are {@code -1} and its latency and throughput {@code NaN}, see {@link #metricOnly(double)}.
     *
     * @param metric the value of the result's metric
     * @param parameters the number of parameters; {@code -1} when there is no model
     * @param fileBytes the size of its ONNX file; {@code -1} when there is no model
     * @param p50LatencyMillis median latency of one text on the engine; {@code NaN} when not measured
     * @param throughput texts per second on the engine at batch 32; {@code NaN} when not measured
     */
    public record ModelFigures(double metric, long parameters, long fileBytes, double p50LatencyMillis,
            double throughput) {

        /** The figures of a teacher known only by its outputs: the metric, nothing about a model. */
        public static ModelFigures metricOnly(double metric) {
            return new ModelFigures(metric, -1, -1, Double.NaN, Double.NaN);
        }

        /** Whether there was a model to count and measure ({@code parameters} and {@code fileBytes} known). */
        public boolean hasModel() {
            return this.parameters >= 0 && this.fileBytes >= 0;
        }
    }

    /**
     * The files a job wrote.
     *
     * @param directory the output folder
     * @param studentFp32 the exported student
     * @param studentInt8 its INT8 version
     * @param reportJson the report for machines
     * @param reportHtml the self-contained report page
     */
    public record Files(Path directory, Path studentFp32, Path studentInt8, Path reportJson, Path reportHtml) {

        public Files {
            Checks.path(directory, "files.directory");
            Checks.path(studentFp32, "files.studentFp32");
            Checks.path(studentInt8, "files.studentInt8");
            Checks.path(reportJson, "files.reportJson");
            Checks.path(reportHtml, "files.reportHtml");
        }
    }

    /**
     * How the student fared against one gate.
     *
     * @param description the gate in words
     * @param measured the student's value
     * @param required the value it had to reach
     * @param passed whether it did
     */
    public record GateOutcome(String description, double measured, double required, boolean passed) {
    }
}
