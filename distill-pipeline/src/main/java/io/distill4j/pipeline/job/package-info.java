/**
 * A distillation job and its stages. {@code PipelineJob} is the job's state machine and event list;
 * {@code JobRunner} runs one on a worker thread; {@code DistillationRun} is the orchestrator that calls
 * the stages in the order of {@link io.distill4j.api.distill.Stage} under one {@code StageClock} (time,
 * resident memory, progress and a time left from measured rates) and closes what they hold however the
 * job ends. One class per stage: {@code PreparedData} (prepare data), the teacher SPI of
 * {@code io.distill4j.pipeline.teacher} (teacher), {@code StudentData} and {@code SearchStage} (tuning
 * and student), {@code ExportStage}, {@code QuantizeStage}, {@code CompatibilityStage},
 * {@code ReportStage} and {@code RegisterStage}.
 */
package io.distill4j.pipeline.job;
