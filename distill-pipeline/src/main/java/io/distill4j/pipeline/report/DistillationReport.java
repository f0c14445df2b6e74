package io.distill4j.pipeline.report;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import io.distill4j.api.Checks;
import io.distill4j.api.distill.DistillationResult.GateOutcome;
import io.distill4j.api.distill.DistillationResult.ModelFigures;
import io.distill4j.api.distill.DistillationTask;
import io.distill4j.api.distill.Stage;

/**
 * Everything a finished distillation job reports, as one immutable value that
 * {@link DistillationReportWriter} writes as JSON and as a self-contained HTML page.
 *
 * <pre>{@code
 * DistillationReport report = DistillationReport.builder("job-42", DistillationTask.TEXT_CLASSIFICATION)
 *         .name("banking77 student")
 *         .figures(teacher, studentFp32, studentInt8)
 *         .stage(StageRecord.of(Stage.TEACHER, elapsed, rssBefore, rssAfter, peak))
 *         .hyperParameters(Map.of("hidden", "256", "temperature", "4"))
 *         .trial(TrialRecord.completed("t1", 0, Map.of("hidden", "256"), 2, 0.88, Duration.ofSeconds(40)))
 *         .epoch(new EpochRecord(1, 0.83, 0.86, 0.001, Duration.ofSeconds(9)))
 *         .gate(new GateOutcome("accuracy after INT8 >= 97.0 % of the teacher's", 0.91, 0.90, true))
 *         .build();
 * DistillationReportWriter.writeHtml(report, outputDir.resolve("report.html"));
 * }</pre>
 *
 * @param jobId the job
 * @param name a title for people, for example the student's model name
 * @param task what the student does
 * @param metric the metric compared, e.g. {@code accuracy}
 * @param created when the report was made
 * @param teacher the teacher's figures
 * @param studentFp32 the exported student's figures
 * @param studentInt8 the INT8 student's figures
 * @param stages one record per stage that ran, in the order they ran; no stage twice
 * @param hyperParameters the chosen settings by name (kept sorted by name)
 * @param trials the auto-tuning trials, in the order they ran; ids unique
 * @param chosenTrial the id of the trial whose settings were chosen, one of {@code trials}; empty when
 *     the settings were fixed by the spec
 * @param trainingCurve the final student's training, one record per epoch, epochs ascending
 * @param gates each quality gate's outcome, in the spec's order
 * @param data the data used
 * @param quantization what INT8 quantization did; empty if it did not run
 * @param compatibility the operator-compatibility verdict per execution provider, e.g.
 *     {@code CPU -> "compatible"}, in the caller's order
 * @param warnings things the reader should know, in the order they arose
 * @param teacherChoice for an encoder teacher of a classification job, whether it was fine-tuned or kept
 *     frozen with a fitted head, and why; empty for the other teachers
 * @param labelling for a labelling-model (LLM) teacher, what it asked, left out and spent; empty for the others
 */
public record DistillationReport(String jobId, String name, DistillationTask task, String metric, Instant created,
        ModelFigures teacher, ModelFigures studentFp32, ModelFigures studentInt8, List<StageRecord> stages,
        Map<String, String> hyperParameters, List<TrialRecord> trials, Optional<String> chosenTrial,
        List<EpochRecord> trainingCurve, List<GateOutcome> gates, DataSummary data,
        Optional<QuantizationSummary> quantization, Map<String, String> compatibility, List<String> warnings,
        Optional<TeacherChoice> teacherChoice, Optional<LabellingSummary> labelling) {

    /**
     * The {@link #hyperParameters()} key that says whether the student learned the teacher's hidden states and
     * attention ({@code on}, or {@code off} with the reason); its weights and layer mapping are under the keys
     * that start with it and a dot.
     */
    public static final String INTERMEDIATE_DISTILLATION = "intermediateDistillation";

    public DistillationReport {
        Checks.notBlank(jobId, "jobId");
        Checks.notBlank(name, "name");
        Checks.notNull(task, "task");
        Checks.notBlank(metric, "metric");
        Checks.notNull(created, "created");
        Checks.notNull(teacher, "teacher");
        Checks.notNull(studentFp32, "studentFp32");
        Checks.notNull(studentInt8, "studentInt8");
        stages = List.copyOf(Checks.notNull(stages, "stages"));
        Set<Stage> seenStages = new HashSet<>();
        for (StageRecord stage : stages) {
            if (!seenStages.add(stage.stage())) {
                throw new IllegalArgumentException("stages holds stage " + stage.stage() + " twice");
            }
        }
        hyperParameters = Checks.sortedCopy(hyperParameters, "hyperParameters");
        trials = List.copyOf(Checks.notNull(trials, "trials"));
        Set<String> trialIds = new HashSet<>();
        for (TrialRecord trial : trials) {
            if (!trialIds.add(trial.id())) {
                throw new IllegalArgumentException("trials holds trial id '" + trial.id() + "' twice");
            }
        }
        Checks.notNull(chosenTrial, "chosenTrial");
        chosenTrial.ifPresent(id -> {
            if (!trialIds.contains(id)) {
                throw new IllegalArgumentException("chosenTrial '" + id + "' is not among the trials " + trialIds);
            }
        });
        trainingCurve = List.copyOf(Checks.notNull(trainingCurve, "trainingCurve"));
        for (int i = 1; i < trainingCurve.size(); i++) {
            if (trainingCurve.get(i).epoch() <= trainingCurve.get(i - 1).epoch()) {
                throw new IllegalArgumentException("trainingCurve epochs must ascend, epoch "
                        + trainingCurve.get(i).epoch() + " follows epoch " + trainingCurve.get(i - 1).epoch());
            }
        }
        gates = List.copyOf(Checks.notNull(gates, "gates"));
        for (GateOutcome gate : gates) {
            Checks.notNull(gate, "gates[]");
            Checks.notBlank(gate.description(), "gates[].description");
        }
        Checks.notNull(data, "data");
        Checks.notNull(quantization, "quantization");
        compatibility = Checks.orderedCopy(compatibility, "compatibility");
        warnings = List.copyOf(Checks.notNull(warnings, "warnings"));
        Checks.notNull(teacherChoice, "teacherChoice");
        Checks.notNull(labelling, "labelling");
    }

    /** A builder; the name defaults to the job id, the metric to the task's primary metric, the time to now. */
    public static Builder builder(String jobId, DistillationTask task) {
        return new Builder(jobId, task);
    }

    /** Whether every gate passed (true when there were none). */
    public boolean gatesPassed() {
        return this.gates.stream().allMatch(GateOutcome::passed);
    }

    /** The record of {@code stage}, if it ran. */
    public Optional<StageRecord> stage(Stage stage) {
        return this.stages.stream().filter(s -> s.stage() == stage).findFirst();
    }

    /**
     * Collects a report as a job runs. Not thread-safe. {@link #build()} may be called more than once,
     * for example for a report written before registration and again after.
     */
    public static final class Builder {

        private final String jobId;

        private final DistillationTask task;

        private String name;

        private String metric;

        private Instant created = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        private ModelFigures teacher;

        private ModelFigures studentFp32;

        private ModelFigures studentInt8;

        private final List<StageRecord> stages = new ArrayList<>();

        private final Map<String, String> hyperParameters = new TreeMap<>();

        private final List<TrialRecord> trials = new ArrayList<>();

        private String chosenTrial;

        private final List<EpochRecord> trainingCurve = new ArrayList<>();

        private final List<GateOutcome> gates = new ArrayList<>();

        private DataSummary data = DataSummary.empty();

        private QuantizationSummary quantization;

        private final Map<String, String> compatibility = new LinkedHashMap<>();

        private final List<String> warnings = new ArrayList<>();

        private TeacherChoice teacherChoice;

        private LabellingSummary labelling;

        private Builder(String jobId, DistillationTask task) {
            this.jobId = Checks.notBlank(jobId, "jobId");
            this.task = Checks.notNull(task, "task");
            this.name = jobId;
            this.metric = task.primaryMetric();
        }

        /** A title for people (default: the job id). */
        public Builder name(String name) {
            this.name = Checks.notBlank(name, "name");
            return this;
        }

        /** The metric compared (default: the task's primary metric). */
        public Builder metric(String metric) {
            this.metric = Checks.notBlank(metric, "metric");
            return this;
        }

        /** When the report was made (default: when the builder was created). */
        public Builder created(Instant created) {
            this.created = Checks.notNull(created, "created");
            return this;
        }

        /** The figures of the teacher and of the student before and after INT8 (all required). */
        public Builder figures(ModelFigures teacher, ModelFigures studentFp32, ModelFigures studentInt8) {
            this.teacher = Checks.notNull(teacher, "teacher");
            this.studentFp32 = Checks.notNull(studentFp32, "studentFp32");
            this.studentInt8 = Checks.notNull(studentInt8, "studentInt8");
            return this;
        }

        /** Adds the record of a stage that ran. */
        public Builder stage(StageRecord stage) {
            this.stages.add(Checks.notNull(stage, "stage"));
            return this;
        }

        /** Adds chosen settings; a name given again is replaced. */
        public Builder hyperParameters(Map<String, String> hyperParameters) {
            this.hyperParameters.putAll(Checks.sortedCopy(hyperParameters, "hyperParameters"));
            return this;
        }

        /** Adds a tuning trial. */
        public Builder trial(TrialRecord trial) {
            this.trials.add(Checks.notNull(trial, "trial"));
            return this;
        }

        /** The id of the trial whose settings were chosen. */
        public Builder chosenTrial(String trialId) {
            this.chosenTrial = Checks.notBlank(trialId, "chosenTrial");
            return this;
        }

        /** Adds one epoch of the final student's training. */
        public Builder epoch(EpochRecord epoch) {
            this.trainingCurve.add(Checks.notNull(epoch, "epoch"));
            return this;
        }

        /** Adds a quality gate's outcome. */
        public Builder gate(GateOutcome gate) {
            this.gates.add(Checks.notNull(gate, "gate"));
            return this;
        }

        /** The data used (default: {@link DataSummary#empty()}). */
        public Builder data(DataSummary data) {
            this.data = Checks.notNull(data, "data");
            return this;
        }

        /** What INT8 quantization did. */
        public Builder quantization(QuantizationSummary quantization) {
            this.quantization = Checks.notNull(quantization, "quantization");
            return this;
        }

        /** The compatibility verdict for one execution provider; a provider given again is replaced. */
        public Builder compatibility(String provider, String verdict) {
            this.compatibility.put(Checks.notBlank(provider, "provider"), Checks.notBlank(verdict, "verdict"));
            return this;
        }

        /** Adds a warning. */
        public Builder warning(String warning) {
            this.warnings.add(Checks.notBlank(warning, "warning"));
            return this;
        }

        /** What the encoder teacher became and why. */
        public Builder teacherChoice(TeacherChoice teacherChoice) {
            this.teacherChoice = Checks.notNull(teacherChoice, "teacherChoice");
            return this;
        }

        /**
         * The report.
         *
         * @throws IllegalArgumentException if the figures were not given, or the parts contradict each
         *     other (a stage twice, a trial id twice, a chosen trial that is not a trial, epochs out of order)
         */
        public Builder labelling(LabellingSummary labelling) {
            this.labelling = Checks.notNull(labelling, "labelling");
            return this;
        }

        public DistillationReport build() {
            if (this.teacher == null) {
                throw new IllegalArgumentException("figures (teacher, studentFp32, studentInt8) must be given");
            }
            return new DistillationReport(this.jobId, this.name, this.task, this.metric, this.created, this.teacher,
                    this.studentFp32, this.studentInt8, this.stages, this.hyperParameters, this.trials,
                    Optional.ofNullable(this.chosenTrial), this.trainingCurve, this.gates, this.data,
                    Optional.ofNullable(this.quantization), this.compatibility, this.warnings,
                    Optional.ofNullable(this.teacherChoice), Optional.ofNullable(this.labelling));
        }
    }
}
