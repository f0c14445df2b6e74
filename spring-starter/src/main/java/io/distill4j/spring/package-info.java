/**
 * Spring Boot auto-configuration for Distill4j: configuration properties, the inference engine and
 * distiller beans, gRPC services, Resilience4j wiring, actuator endpoints and Micrometer metrics.
 * Nothing is implemented yet: this module is built out in wave 1, step 4.
 */
package io.distill4j.spring;
