/**
 * Command-line gRPC clients of the platform server, with no Spring on their class path:
 * {@link io.distill4j.samples.grpcclients.InferClient} calls the Open Inference Protocol's ModelInfer with
 * texts, {@link io.distill4j.samples.grpcclients.DistillClient} submits a distillation spec file (read by the
 * starter's Spring-free {@link io.distill4j.spring.spec.DistillationSpecFiles}) and follows the job with a
 * {@link io.distill4j.samples.grpcclients.JobProgressBar}, which the platform server also draws for its own
 * {@code --distill}.
 */
package io.distill4j.samples.grpcclients;
