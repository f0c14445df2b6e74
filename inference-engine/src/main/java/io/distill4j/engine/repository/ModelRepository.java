package io.distill4j.engine.repository;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import io.distill4j.api.ModelId;
import io.distill4j.api.exception.ModelLoadException;
import io.distill4j.api.exception.ModelNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model repository on disk: {@code <root>/<name>/<version>/model.onnx} plus {@code model.json}.
 * Versions are positive integers; folders that are not are ignored.
 *
 * <p>Every path handed out is checked to be inside the root after resolving symbolic links, so a
 * name, a manifest entry or a link can never reach a file outside the repository. Names are checked
 * against {@link ModelId#NAME_PATTERN} before any file system access.
 *
 * <p>Instances are immutable and thread-safe; the repository reads the disk on every call, so models
 * copied in while the engine runs are seen at the next call.
 */
public final class ModelRepository {

    private static final Logger logger = LoggerFactory.getLogger(ModelRepository.class);

    /** File name of the model inside a version folder. */
    public static final String MODEL_FILE = "model.onnx";

    private final Path root;

    private ModelRepository(Path root) {
        this.root = root;
    }

    /**
     * Opens a repository; the folder must exist.
     * @throws IllegalArgumentException if {@code root} is not a readable directory
     */
    public static ModelRepository open(Path root) {
        try {
            Path real = root.toRealPath();
            if (!Files.isDirectory(real)) {
                throw new IllegalArgumentException("Model repository " + root + " is not a directory");
            }
            return new ModelRepository(real);
        }
        catch (IOException ex) {
            throw new IllegalArgumentException("Model repository " + root + " does not exist or cannot be read: " + ex, ex);
        }
    }

    /** The repository root (a real path). */
    public Path root() {
        return this.root;
    }

    /** Names of the model folders, sorted; folders whose names are not valid model names are skipped. */
    public List<String> modelNames() {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(this.root, Files::isDirectory)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (ModelId.isValidName(name) && isInsideRoot(dir)) {
                    names.add(name);
                }
                else {
                    logger.debug("Skipping folder {} of the model repository: not a valid model name", name);
                }
            }
        }
        catch (IOException ex) {
            throw new ModelLoadException(null, "Cannot list the model repository " + this.root + ": " + ex.getMessage(), ex);
        }
        names.sort(null);
        return names;
    }

    /**
     * Versions of a model present on disk, ascending.
     * @throws ModelNotFoundException if the name is invalid or has no folder
     */
    public List<Long> versions(String name) {
        Path dir = modelDirectory(name);
        List<Long> versions = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path versionDir : dirs) {
                parseVersion(versionDir.getFileName().toString()).ifPresent(versions::add);
            }
        }
        catch (IOException ex) {
            throw new ModelLoadException(name, "Cannot list versions of model " + name + ": " + ex.getMessage(), ex);
        }
        versions.sort(null);
        return versions;
    }

    /** The highest version on disk, complete or not, or empty if the model has no version folder. */
    public OptionalLong latestVersion(String name) {
        List<Long> versions = versions(name);
        return versions.isEmpty() ? OptionalLong.empty() : OptionalLong.of(versions.get(versions.size() - 1));
    }

    /**
     * The highest {@link #isComplete complete} version on disk — what "the newest version" means to a reader,
     * so that a version still being copied in is never picked — or empty if there is none.
     */
    public OptionalLong latestCompleteVersion(String name) {
        List<Long> versions = versions(name);
        for (int i = versions.size() - 1; i >= 0; i--) {
            if (isComplete(ModelId.of(name, versions.get(i)))) {
                return OptionalLong.of(versions.get(i));
            }
        }
        return OptionalLong.empty();
    }

    /**
     * Whether a version folder is complete: it holds its {@code model.json}. Whoever writes a version into
     * a repository that a server reads (a copy, a sync, the distiller's registration) copies every other
     * file first and writes {@code model.json} last, or renames a finished folder into place; a folder
     * without it is a copy in progress, which the repository poller never loads. A complete folder may
     * still fail to load (a corrupt file); completeness says only that its writer is done.
     * @return false also when the model or version folder does not exist or the name is invalid
     */
    public boolean isComplete(ModelId id) {
        if (!ModelId.isValidName(id.name())) {
            return false;
        }
        Path manifest = this.root.resolve(id.name()).resolve(Long.toString(id.version())).resolve(ModelManifest.FILE_NAME);
        return Files.isRegularFile(manifest) && isInsideRoot(manifest);
    }

    /**
     * Resolves and validates the files of one model version and parses its manifest.
     * @throws ModelNotFoundException if the name is invalid or the version folder does not exist
     * @throws ModelLoadException if a file is missing, unreadable, outside the root, or the manifest is invalid
     */
    public ModelFiles resolve(ModelId id) {
        String modelId = id.toString();
        Path versionDir = modelDirectory(id.name()).resolve(Long.toString(id.version()));
        if (!Files.isDirectory(versionDir)) {
            throw new ModelNotFoundException(modelId, "Model " + id.name() + " has no version " + id.version()
                    + " in the repository (versions: " + versions(id.name()) + ")");
        }
        requireInsideRoot(modelId, versionDir, "version folder");
        Path model = requireFile(modelId, versionDir.resolve(MODEL_FILE), MODEL_FILE);
        Path manifestFile = requireFile(modelId, versionDir.resolve(ModelManifest.FILE_NAME), ModelManifest.FILE_NAME);
        ModelManifest manifest = ModelManifest.read(manifestFile, modelId);
        Optional<Path> tokenizer = Optional.empty();
        if (manifest.tokenizer() != null) {
            Path file = requireFile(modelId, versionDir.resolve(manifest.tokenizer()).normalize(), "tokenizer");
            Path versionReal = realPath(modelId, versionDir);
            if (!realPath(modelId, file).startsWith(versionReal)) {
                throw new ModelLoadException(modelId, "Tokenizer file " + manifest.tokenizer()
                        + " resolves outside the version folder");
            }
            tokenizer = Optional.of(file);
        }
        return new ModelFiles(id, versionDir, model, manifest, tokenizer);
    }

    private Path modelDirectory(String name) {
        if (!ModelId.isValidName(name)) {
            throw new ModelNotFoundException(name, "Invalid model name '" + name + "': must match " + ModelId.NAME_PATTERN);
        }
        Path dir = this.root.resolve(name);
        if (!Files.isDirectory(dir)) {
            throw new ModelNotFoundException(name, "Model " + name + " is not in the repository");
        }
        requireInsideRoot(name, dir, "model folder");
        return dir;
    }

    private Path requireFile(String modelId, Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException(modelId, what + " is missing: expected a file at " + this.root.relativize(file));
        }
        requireInsideRoot(modelId, file, what);
        return file;
    }

    private void requireInsideRoot(String modelId, Path path, String what) {
        if (!realPath(modelId, path).startsWith(this.root)) {
            throw new ModelLoadException(modelId, "The " + what + " " + this.root.relativize(path)
                    + " resolves outside the model repository");
        }
    }

    private boolean isInsideRoot(Path path) {
        try {
            return path.toRealPath().startsWith(this.root);
        }
        catch (IOException ex) {
            return false;
        }
    }

    private static Path realPath(String modelId, Path path) {
        try {
            return path.toRealPath();
        }
        catch (IOException ex) {
            throw new ModelLoadException(modelId, "Cannot resolve " + path + ": " + ex.getMessage(), ex);
        }
    }

    private static Optional<Long> parseVersion(String folder) {
        if (folder.isEmpty() || folder.length() > 18 || folder.charAt(0) == '0' || !folder.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        long version = Long.parseLong(folder);
        return version >= 1 ? Optional.of(version) : Optional.empty();
    }

    @Override
    public String toString() {
        return "ModelRepository[" + this.root + "]";
    }

}
