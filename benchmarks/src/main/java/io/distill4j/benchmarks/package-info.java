/**
 * Hand-run benchmarks, each a main class with the command that runs it in its javadoc; every build
 * compiles them and runs their unit tests, only {@code -Pbench} runs a benchmark.
 * {@link io.distill4j.benchmarks.EmbeddingBenchmark} puts Distill4j's inference engine beside what a Java
 * user would otherwise pick for the same job: a plain ONNX Runtime loop (the floor for per-call
 * overhead), LangChain4j's in-process MiniLM embeddings and Spring AI's {@code TransformersEmbeddingModel},
 * all on the same all-MiniLM-L6-v2 fp32 files and the STS-B test sentences; each system is an {@link
 * io.distill4j.benchmarks.EmbeddingSystem}, which a {@link io.distill4j.benchmarks.LoadDriver} drives with
 * concurrent callers. {@link io.distill4j.benchmarks.QuantizationBenchmark} puts the engine's INT8
 * quantizer beside ONNX Runtime's own quantization of the same model and the fp32 original: size,
 * latency at batch 1 and 32, and STS-B accuracy. {@link io.distill4j.benchmarks.DistillerBenchmark} runs
 * the distiller end to end on Banking77, SST-2 or STS-B, {@link io.distill4j.benchmarks.DistillationProbe}
 * the pipeline's pieces on Banking77, {@link io.distill4j.benchmarks.TrainingSpeedBenchmark} DJL's training
 * steps against PyTorch's on the same student, {@link io.distill4j.benchmarks.FineTuningSpeedBenchmark} the
 * same for full fine-tuning of all-MiniLM-L6-v2 with a classification head, and {@link
 * io.distill4j.benchmarks.ServingBenchmark} gRPC ModelInfer against the in-process engine, and {@link
 * io.distill4j.benchmarks.ColdStartBenchmark} a model's load to first answer in a fresh JVM and the server's
 * process start to ready. Their markdown
 * tables are written with a {@link io.distill4j.benchmarks.Report}.
 */
package io.distill4j.benchmarks;
