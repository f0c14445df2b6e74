package io.distill4j.pipeline.job;

import java.io.IOException;

import io.distill4j.api.distill.Stage;
import io.distill4j.pipeline.teacher.TeacherOutcome;

/**
 * The stages of a distillation job as the {@link DistillationRun} orchestrator calls them, in this order.
 * Each method does the work of one stage; the orchestrator times it, reports it and owns what it returns
 * (closing the {@link AutoCloseable} results when the job ends, however it ends). {@link PipelineStages}
 * is the implementation; tests substitute their own to pin the orchestrator's order, cancellation and
 * cleanup.
 */
interface JobStages {

    /** {@link Stage#PREPARE_DATA}: reads, checks and splits the data. */
    PreparedData prepareData();

    /** {@link Stage#TEACHER}: the teacher's soft targets of every split, in the cache. */
    TeacherOutcome teacher(PreparedData data);

    /** The splits tokenized and paired with the teacher's rows (no stage of its own: part of the search). */
    StudentData studentData(PreparedData data, TeacherOutcome teacher);

    /** The stage the search runs as: {@link Stage#TUNING}, or {@link Stage#STUDENT} for a fixed student. */
    Stage searchStage();

    /** Finds and trains the student. */
    Searched search(StudentData data);

    /** {@link Stage#STUDENT} after tuning: announces the chosen student. */
    void chosen(Searched searched);

    /** The engine the exported students are checked and measured on. */
    Evaluation evaluation();

    /** {@link Stage#EXPORT}: the student in ONNX, proven to compute what was trained. */
    ExportStage.Exported export(Evaluation evaluation, Searched searched, StudentData data) throws IOException;

    /** {@link Stage#QUANTIZE}: the INT8 student behind its accuracy gate, both students measured. */
    QuantizeStage.Quantized quantize(Evaluation evaluation, ExportStage.Exported exported, StudentData data)
            throws IOException;

    /** {@link Stage#COMPATIBILITY}: the INT8 student's operators against the execution providers. */
    CompatibilityStage.Compatibility compatibility(QuantizeStage.Quantized quantized) throws IOException;

    /** {@link Stage#REPORT}: the gates judged and the JSON and HTML reports written. */
    ReportStage.Written report(ReportStage.Inputs inputs) throws IOException;

    /** {@link Stage#REGISTER}: the INT8 student as the next version in the repository; its version. */
    long register(QuantizeStage.Quantized quantized, StudentData data);

    /** Called once the job succeeded: drops what only a crashed job's rerun would need. */
    void succeeded();
}
