package io.distill4j.pipeline.registry;

import java.nio.file.Path;
import java.util.Objects;

import io.distill4j.api.ModelId;
import io.distill4j.engine.repository.ModelManifest;

/**
 * A model version that {@link ModelRegistrar} published.
 *
 * @param id the model's name and its new version
 * @param directory the version folder, {@code <repository>/<name>/<version>}
 * @param manifest the {@code model.json} written there, as the engine reads it
 */
public record Registration(ModelId id, Path directory, ModelManifest manifest) {

    public Registration {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(manifest, "manifest");
    }

    /** The model's name. */
    public String name() {
        return this.id.name();
    }

    /** The new version. */
    public long version() {
        return this.id.version();
    }
}
