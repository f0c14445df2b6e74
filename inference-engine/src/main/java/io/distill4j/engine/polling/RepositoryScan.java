package io.distill4j.engine.polling;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one scan of the repository found: each model folder with its complete and incomplete version
 * folders. A model folder missing from {@link #models()} is not on disk.
 *
 * @param models model folders by name
 */
record RepositoryScan(Map<String, ModelFolder> models) {

    RepositoryScan {
        models = Collections.unmodifiableMap(new TreeMap<>(models));
    }

    /**
     * One model folder.
     *
     * @param readable whether its version folders could be listed; the poller decides nothing for a
     *     folder it could not read, so a passing read error never unloads a model
     * @param complete the complete versions (their {@code model.json} exists), each with a stamp of its
     *     files (sizes and modification times) that changes when a file is rewritten
     * @param incomplete version folders without {@code model.json}: copies in progress
     */
    record ModelFolder(boolean readable, SortedMap<Long, String> complete, SortedSet<Long> incomplete) {

        ModelFolder {
            complete = Collections.unmodifiableSortedMap(new TreeMap<>(complete));
            incomplete = Collections.unmodifiableSortedSet(new TreeSet<>(incomplete));
        }

        /** A folder whose versions could not be listed. */
        static ModelFolder unreadable() {
            return new ModelFolder(false, new TreeMap<>(), new TreeSet<>());
        }
    }
}
