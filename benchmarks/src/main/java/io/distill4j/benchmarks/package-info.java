/**
 * Hand-run benchmarks that put Distill4j's inference engine beside what a Java user would otherwise
 * pick for the same job: a plain ONNX Runtime loop (the floor for per-call overhead), LangChain4j's
 * in-process MiniLM embeddings and Spring AI's {@code TransformersEmbeddingModel}, all on the same
 * all-MiniLM-L6-v2 fp32 files and the STS-B test sentences. Each system is an {@link
 * io.distill4j.benchmarks.EmbeddingSystem}; a {@link io.distill4j.benchmarks.LoadDriver} drives it
 * with concurrent callers, and a {@link io.distill4j.benchmarks.Report} writes the markdown tables.
 * The entry point and the command that runs it are in {@link io.distill4j.benchmarks.EmbeddingBenchmark}.
 */
package io.distill4j.benchmarks;
