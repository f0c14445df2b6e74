/**
 * The {@code distill4j} command line ({@link io.distill4j.cli.Distill4jCli}): serve, distill, jobs, models,
 * infer and onnx, on picocli, with the exit statuses of {@link io.distill4j.cli.ExitCodes}.
 */
package io.distill4j.cli;
