/**
 * The report of a finished distillation: {@link io.distill4j.pipeline.report.DistillationReport} holds
 * what a job did and measured (teacher and students compared, stage timings and memory, the tuning
 * trials, the training curve, the quality gates, the data, INT8 quantization, operator compatibility
 * per execution provider, warnings) as immutable records, and
 * {@link io.distill4j.pipeline.report.DistillationReportWriter} writes it as JSON for machines (and reads
 * it back) and as one self-contained HTML page for people: inline CSS and inline SVG charts, nothing
 * loaded from anywhere else. {@link io.distill4j.pipeline.report.GenerationReport} and
 * {@link io.distill4j.pipeline.report.GenerationReportWriter} do the same for a data-generation run: what each
 * filter removed per label, and how varied the kept texts are.
 */
package io.distill4j.pipeline.report;
