package io.distill4j.api;

import java.util.List;
import java.util.OptionalLong;

/**
 * One model name in the repository: the versions present on disk and the version being served.
 *
 * @param name model name
 * @param versions versions on disk, ascending
 * @param servedVersion the loaded version, or empty if the model is not loaded
 */
public record RepositoryEntry(String name, List<Long> versions, OptionalLong servedVersion) {

    public RepositoryEntry {
        ModelId.requireValidName(name);
        versions = List.copyOf(versions);
    }

    /** Whether some version of this model is loaded and serving. */
    public boolean loaded() {
        return this.servedVersion.isPresent();
    }
}
