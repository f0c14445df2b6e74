/**
 * gRPC adapters: the Open Inference Protocol v2 over the inference engine, and the one mapping from
 * Distill4j's exceptions to gRPC status codes.
 */
package io.distill4j.spring.grpc;
