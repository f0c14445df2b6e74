/**
 * The Open Inference Protocol v2 over HTTP/REST (the binding KServe and Triton expose by default): a Spring MVC
 * controller over {@link io.distill4j.spring.inference.OpenInference}, JSON tensors, and the one mapping of
 * Distill4j's exceptions to HTTP statuses.
 */
package io.distill4j.spring.rest;
