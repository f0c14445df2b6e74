/**
 * Resilience for served models: {@link io.distill4j.spring.resilience.InferenceGuard} puts every model
 * call of the gRPC services behind Resilience4j's per-model bulkhead, circuit breaker and time limiter,
 * bounded by the caller's own deadline.
 */
package io.distill4j.spring.resilience;
