/**
 * Spring Boot integration of Distill4j: auto-configuration and properties ({@code autoconfigure}), the
 * Open Inference Protocol and distillation-job gRPC services ({@code grpc}), Resilience4j around every
 * served call ({@code resilience}), admin endpoints ({@code actuate}) behind Spring Security
 * ({@code security}), Micrometer meters ({@code metrics}), Spring AI adapters ({@code ai}) and spec files
 * ({@code spec}).
 */
package io.distill4j.spring;
