package io.distill4j.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One model name in the repository: the versions present on disk, the version being served, and what the
 * newest version on disk does.
 *
 * @param name model name
 * @param versions versions on disk, ascending
 * @param servedVersion the loaded version, or empty if the model is not loaded
 * @param task the task of the newest version on disk, from its manifest; empty if that cannot be read
 */
public record RepositoryEntry(String name, List<Long> versions, OptionalLong servedVersion, Optional<TaskType> task) {

    public RepositoryEntry {
        ModelId.requireValidName(name);
        versions = List.copyOf(versions);
        Objects.requireNonNull(servedVersion, "servedVersion");
        Objects.requireNonNull(task, "task");
    }

    /** Whether some version of this model is loaded and serving. */
    public boolean loaded() {
        return this.servedVersion.isPresent();
    }
}
