/**
 * gRPC adapters: the Open Inference Protocol v2 over the inference engine, the distillation-job service,
 * who may call which method, and the one mapping from Distill4j's exceptions to gRPC status codes.
 */
package io.distill4j.spring.grpc;
