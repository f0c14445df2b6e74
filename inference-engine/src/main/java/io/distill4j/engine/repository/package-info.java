/**
 * The on-disk model repository, laid out like Triton's: {@code <root>/<name>/<version>/model.onnx}
 * beside a {@code model.json} manifest ({@link io.distill4j.engine.repository.ModelManifest}). The
 * repository lists names and versions and resolves a {@link io.distill4j.api.ModelId} to its files,
 * refusing anything that would reach outside the root ({@code ..}, absolute paths, symbolic links
 * pointing out).
 */
package io.distill4j.engine.repository;
