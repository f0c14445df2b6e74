/**
 * The Open Inference Protocol v2's meaning, apart from its bindings: which model a request names, what a model's
 * metadata says, how text models take texts, and how a call runs under the guard. The gRPC service and the REST
 * controller translate their messages to and from {@link io.distill4j.spring.inference.OpenInference} and do
 * nothing else, so both bindings answer the same request the same way.
 */
package io.distill4j.spring.inference;
