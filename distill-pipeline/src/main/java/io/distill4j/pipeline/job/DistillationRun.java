package io.distill4j.pipeline.job;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import io.distill4j.api.distill.DistillationResult;
import io.distill4j.api.distill.MemoryMode;
import io.distill4j.api.distill.Stage;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.teacher.TeacherOutcome;

/**
 * One distillation job from spec to result: the orchestrator of its {@linkplain JobStages stages}, in
 * the order of {@link Stage}. Each stage runs under the job's {@link StageClock} — timed, its resident
 * memory recorded, its progress published — and a cancellation request stops the job at the next report
 * or the next stage's start. What a stage returns that holds native memory (the teacher's online engine,
 * the student tokenizer and mapped soft targets, the student, the evaluation engine) is closed when the
 * job ends, in the reverse order, whether it succeeds, fails or is cancelled; the trained student as soon
 * as it is exported. The teacher is released before the first student is built unless the spec asks for
 * {@link MemoryMode#ONLINE}.
 *
 * <p>Runs on the distiller's worker thread; one instance runs once.
 */
final class DistillationRun {

    private final RunContext run;

    private final JobStages stages;

    DistillationRun(PipelineJob job, DistillerConfig config, Path output) {
        this.run = new RunContext(job, config, output, new StageClock(job));
        this.stages = new PipelineStages(this.run);
    }

    DistillationRun(RunContext run, JobStages stages) {
        this.run = run;
        this.stages = stages;
    }

    /** The stage running now, or the last one that ran, for a failure's message. */
    Stage stage() {
        return this.run.clock().stage();
    }

    DistillationResult run() {
        StageClock clock = this.run.clock();
        clock.pending(Stage.TEACHER);
        clock.pending(Stage.TUNING);
        PreparedData data = stage(Stage.PREPARE_DATA, this.stages::prepareData);
        Stage search = this.stages.searchStage();
        if (search != Stage.TUNING) {
            clock.expect(Stage.TUNING, Duration.ZERO);
            clock.pending(search);
        }
        try (TeacherOutcome teacher = stage(Stage.TEACHER, () -> this.stages.teacher(data));
                StudentData students = studentData(data, teacher);
                Searched searched = stage(search, () -> this.stages.search(students));
                Evaluation evaluation = this.stages.evaluation()) {
            if (searched.tuned()) {
                stage(Stage.STUDENT, () -> {
                    this.stages.chosen(searched);
                    return searched;
                });
            }
            ExportStage.Exported exported = stage(Stage.EXPORT, () -> this.stages.export(evaluation, searched,
                    students));
            // The trained student is not needed past its export: its memory goes before quantization.
            searched.close();
            QuantizeStage.Quantized quantized = stage(Stage.QUANTIZE, () -> this.stages.quantize(evaluation,
                    exported, students));
            CompatibilityStage.Compatibility compatibility = stage(Stage.COMPATIBILITY,
                    () -> this.stages.compatibility(quantized));
            ReportStage.Written report = stage(Stage.REPORT, () -> this.stages.report(new ReportStage.Inputs(data,
                    teacher, students, searched, exported, quantized, compatibility)));
            OptionalLong version = OptionalLong.empty();
            if (this.run.spec().register().isPresent()) {
                version = OptionalLong.of(stage(Stage.REGISTER, () -> this.stages.register(quantized, students)));
            }
            this.stages.succeeded();
            return result(teacher, searched, exported, quantized, report, version);
        }
    }

    /** The student stages' data; a job cancelled during the teacher stage stops before encoding it. */
    private StudentData studentData(PreparedData data, TeacherOutcome teacher) {
        this.run.clock().throwIfCancelled();
        return this.stages.studentData(data, teacher);
    }

    private DistillationResult result(TeacherOutcome teacher, Searched searched, ExportStage.Exported exported,
            QuantizeStage.Quantized quantized, ReportStage.Written report, OptionalLong version) {
        Map<Stage, Duration> durations = new EnumMap<>(Stage.class);
        this.run.clock().records().forEach((stage, record) -> durations.put(stage, record.duration()));
        Optional<String> registered = version.isPresent() ? this.run.spec().register() : Optional.empty();
        return new DistillationResult(this.run.id(), this.run.spec().task(), this.run.metricName(), report.teacher(),
                report.fp32(), report.int8(), new DistillationResult.Files(this.run.output(), exported.file(),
                        quantized.file(), report.json(), report.html()), registered, version,
                report.hyperParameters(), searched.trials().size(), report.gates(), durations, teacher.allCached());
    }

    /** Runs one stage's work under the clock; an I/O failure fails the job naming the stage. */
    private <T> T stage(Stage stage, StageWork<T> work) {
        StageClock clock = this.run.clock();
        clock.begin(stage);
        try {
            T result = work.run();
            clock.end();
            return result;
        }
        catch (IOException ex) {
            throw new DistillationException(this.run.id(), "I/O error in " + stage + ": " + ex.getMessage(), ex);
        }
    }

    /** The work of one stage. */
    @FunctionalInterface
    private interface StageWork<T> {

        T run() throws IOException;
    }
}
