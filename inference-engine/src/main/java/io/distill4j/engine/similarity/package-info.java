/**
 * Similarity of embedding vectors, with one documented rule for the corner cases (zero vectors, NaN)
 * that the quantizer's accuracy gate, the distiller's validation and metrics, and the benchmarks all
 * share ({@link io.distill4j.engine.similarity.Similarity}).
 */
package io.distill4j.engine.similarity;
