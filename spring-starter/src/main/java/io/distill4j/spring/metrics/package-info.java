/**
 * Micrometer meters for served models ({@link io.distill4j.spring.metrics.InferenceMetrics}) and
 * distillation jobs ({@link io.distill4j.spring.metrics.DistillationMetrics}).
 */
package io.distill4j.spring.metrics;
