/**
 * The distillation contract: {@link io.distill4j.api.distill.Distiller} runs a
 * {@link io.distill4j.api.distill.DistillationSpec} (teacher, data, task, student, budget, gates) as a
 * {@link io.distill4j.api.distill.DistillationJob} and returns a
 * {@link io.distill4j.api.distill.DistillationResult}. Plain Java values; the pipeline module implements
 * the interfaces.
 */
package io.distill4j.api.distill;
