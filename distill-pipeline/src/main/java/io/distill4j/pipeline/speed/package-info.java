/**
 * Short speed probes of a loaded text model on the inference engine — median latency of one text and
 * throughput at a fixed batch — that a distillation's report shows for the teacher and each student.
 */
package io.distill4j.pipeline.speed;
