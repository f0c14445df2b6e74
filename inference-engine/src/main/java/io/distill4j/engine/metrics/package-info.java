/**
 * Metrics hooks of the engine: a small {@link io.distill4j.engine.metrics.InferenceListener} interface
 * that the Spring starter implements with Micrometer, so the engine itself depends on no metrics
 * library.
 */
package io.distill4j.engine.metrics;
