package io.distill4j.pipeline.teacher;

import java.util.Objects;
import java.util.Set;

/**
 * A teacher put in place in the engine's repository, ready for {@link TeacherStage}: its model name, and
 * the splits whose soft targets installing it already computed into the cache (a fitted encoder teacher
 * computes them from the pooled vectors it fitted its head on), which the stage then finds cached but
 * which count as computed by this job, not as cache hits.
 *
 * @param name the model name in the repository
 * @param computedSplits the splits written to the cache while installing
 */
record InstalledTeacher(String name, Set<String> computedSplits) {

    InstalledTeacher {
        Objects.requireNonNull(name, "name");
        computedSplits = Set.copyOf(computedSplits);
    }

    /** A teacher whose soft targets are all left to the stage. */
    static InstalledTeacher of(String name) {
        return new InstalledTeacher(name, Set.of());
    }
}
