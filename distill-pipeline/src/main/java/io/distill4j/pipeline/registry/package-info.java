/**
 * Registration of a distilled student in the engine's model repository:
 * {@link io.distill4j.pipeline.registry.ModelRegistrar} copies an ONNX file (and its tokenizer) into
 * {@code <repository>/<name>/<version>/} as the next version, with a {@code model.json} that the
 * engine's {@link io.distill4j.engine.repository.ModelManifest} reads, and publishes the folder with
 * one atomic rename, so a server reading the repository never sees half a version and two concurrent
 * registrations never get the same number.
 */
package io.distill4j.pipeline.registry;
