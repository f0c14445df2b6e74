/**
 * Spring Boot auto-configuration: the inference engine ({@code distill4j.inference.*}) and the gRPC
 * services ({@code distill4j.grpc.*}, served by Spring Boot's gRPC server).
 */
package io.distill4j.spring.autoconfigure;
