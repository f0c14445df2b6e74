package io.distill4j.engine.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Removes folder trees: staging folders, scratch space, checkpoints that are no longer needed.
 * Symbolic links are deleted, never followed, so nothing outside the tree is touched.
 *
 * <pre>{@code
 * FileTrees.delete(staging);
 * }</pre>
 */
public final class FileTrees {

    private FileTrees() {
    }

    /**
     * Deletes {@code root} and everything under it, deepest first; a {@code root} that is a file is
     * deleted alone. Nothing happens when {@code root} is null or does not exist; a file that
     * disappears between the walk and its deletion is skipped.
     *
     * @throws UncheckedIOException if the tree cannot be walked or something in it cannot be deleted;
     *     what was deleted before stays deleted
     */
    public static void delete(Path root) {
        if (root == null || !Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            List<Path> paths;
            try (Stream<Path> walk = Files.walk(root)) {
                paths = walk.sorted(Comparator.reverseOrder()).toList();
            }
            for (Path path : paths) {
                Files.deleteIfExists(path);
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
