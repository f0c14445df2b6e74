package io.distill4j.engine.repository;

import java.nio.file.Path;
import java.util.Optional;

import io.distill4j.api.ModelId;

/**
 * The resolved, validated files of one model version; every path is inside the repository root.
 *
 * @param id model name and version
 * @param directory the version folder
 * @param model the {@code model.onnx} file
 * @param manifest the parsed {@code model.json}
 * @param tokenizer the tokenizer file, if the manifest names one
 */
public record ModelFiles(ModelId id, Path directory, Path model, ModelManifest manifest, Optional<Path> tokenizer) {
}
