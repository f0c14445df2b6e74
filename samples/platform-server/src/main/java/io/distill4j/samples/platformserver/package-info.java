/**
 * The platform server the README starts ({@link io.distill4j.samples.platformserver.PlatformServer}): a
 * Spring Boot application on the starter, built as an executable jar, serving the Open Inference Protocol
 * v2 over gRPC and the admin endpoints on the management port, optionally running a distillation spec
 * file (read by the starter's {@link io.distill4j.spring.spec.DistillationSpecFiles}) first.
 */
package io.distill4j.samples.platformserver;
