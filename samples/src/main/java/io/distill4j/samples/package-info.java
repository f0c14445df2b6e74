/**
 * The platform server the README starts ({@link io.distill4j.samples.PlatformServer}: a Spring Boot
 * application on the starter serving the Open Inference Protocol v2 over gRPC and the admin endpoints on
 * the management port, optionally running a distillation spec file first) and the ONNX command-line tool.
 * The gRPC clients are in {@code io.distill4j.samples.client}.
 */
package io.distill4j.samples;
