/**
 * Sample gRPC clients of the platform server: {@link io.distill4j.samples.client.InferClient} calls the
 * Open Inference Protocol's ModelInfer with texts, {@link io.distill4j.samples.client.DistillClient}
 * submits a distillation spec file and follows the job with a progress bar; spec files (YAML in the shape
 * of the {@code distill4j.distill.v1.DistillationSpec} message) are read by
 * {@link io.distill4j.samples.client.DistillationSpecFiles}.
 */
package io.distill4j.samples.client;
