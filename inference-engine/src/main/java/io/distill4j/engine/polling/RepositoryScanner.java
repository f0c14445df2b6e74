package io.distill4j.engine.polling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import io.distill4j.api.ModelId;
import io.distill4j.api.exception.ModelNotFoundException;
import io.distill4j.engine.repository.ModelManifest;
import io.distill4j.engine.repository.ModelRepository;
import io.distill4j.engine.polling.RepositoryScan.ModelFolder;

/** Takes a {@link RepositoryScan}; the poller's view of the disk, replaced by a fake in tests. */
@FunctionalInterface
interface RepositoryScanner {

    /**
     * Scans the repository.
     * @throws RuntimeException if the repository itself cannot be listed; the poll then changes nothing
     */
    RepositoryScan scan();

    /** Scans a repository on disk, by {@link ModelRepository#isComplete}'s rule. */
    static RepositoryScanner of(ModelRepository repository) {
        return () -> {
            Map<String, ModelFolder> models = new TreeMap<>();
            for (String name : repository.modelNames()) {
                try {
                    SortedMap<Long, String> complete = new TreeMap<>();
                    SortedSet<Long> incomplete = new TreeSet<>();
                    for (long version : repository.versions(name)) {
                        ModelId id = ModelId.of(name, version);
                        if (repository.isComplete(id)) {
                            complete.put(version, stamp(repository.root().resolve(name).resolve(Long.toString(version))));
                        }
                        else {
                            incomplete.add(version);
                        }
                    }
                    models.put(name, new ModelFolder(true, complete, incomplete));
                }
                catch (ModelNotFoundException removed) {
                    // Removed between the listing of the root and of its versions: not on disk.
                }
                catch (RuntimeException unreadable) {
                    models.put(name, ModelFolder.unreadable());
                }
            }
            return new RepositoryScan(models);
        };
    }

    /** Sizes and modification times of a version's manifest and model, which change when either is rewritten. */
    private static String stamp(Path versionFolder) {
        return fileStamp(versionFolder.resolve(ModelManifest.FILE_NAME)) + ";"
                + fileStamp(versionFolder.resolve(ModelRepository.MODEL_FILE));
    }

    private static String fileStamp(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return attributes.size() + "@" + attributes.lastModifiedTime();
        }
        catch (IOException ex) {
            return "absent";
        }
    }
}
