/**
 * Public contracts of Distill4j: model identity, tensor descriptions, task types and the in-process
 * {@link io.distill4j.api.InferenceEngine} that the Spring starter and the distillation pipeline
 * program against. This package holds no framework and no native library; implementations live in
 * {@code distill4j-engine}.
 */
package io.distill4j.api;
