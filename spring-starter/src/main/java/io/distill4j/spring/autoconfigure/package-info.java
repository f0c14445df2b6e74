/**
 * Spring Boot auto-configuration: the inference engine ({@code distill4j.inference.*}), the gRPC services
 * ({@code distill4j.grpc.*}, served by Spring Boot's gRPC server), the credentials checked by Spring Security
 * ({@code distill4j.security.*}) and the admin actuator endpoints ({@code distill4j.actuator.*}).
 */
package io.distill4j.spring.autoconfigure;
