package io.distill4j.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import io.distill4j.api.ModelId;
import io.distill4j.api.TaskType;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.engine.digest.Sha256;
import io.distill4j.engine.repository.ModelFiles;
import io.distill4j.engine.repository.ModelManifest;
import io.distill4j.engine.repository.ModelRepository;
import org.apache.spark.sql.SparkSession;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A model version folder shipped to the executors ({@code SparkContext.addFile}) and what an executor needs to
 * serve it: the name Spark ships it under, the intra-op threads, the engine's text limit and how long an idle
 * engine stays open. Serializable: tasks carry it.
 *
 * <p>The folder ships as {@code distill4j-model-<hash>/1/} (model files linked or copied, never symbolic links,
 * which the engine's repository refuses), so on an executor the folder of Spark's files is itself a model
 * repository and the model is served from where Spark put it, without another copy.
 *
 * @param shippedName the model's name, and its folder's among the job's files: {@code distill4j-model-<hash>}
 *     (unique per content, so two models never collide)
 * @param threads ONNX Runtime intra-op threads of the executor's session; {@code 0}: the executor's cores
 * @param maxTextBytes the longest text the engine accepts, in UTF-8 bytes
 * @param idleSeconds how long an engine no task uses stays open; 0 closes it with the last task
 * @param description the model for logs, e.g. {@code models/minilm/1 (text-embedding)}
 */
public record SparkModel(String shippedName, int threads, int maxTextBytes, int idleSeconds, String description)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The default {@link #maxTextBytes()}: 1 MiB (a teacher reads its first tokens only). */
    public static final int DEFAULT_MAX_TEXT_BYTES = 1 << 20;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The default {@link #idleSeconds()}. */
    public static final int DEFAULT_IDLE_SECONDS = 10;

    /** The registry key of this model in an executor. */
    String key() {
        return this.shippedName + "/" + this.threads + "/" + this.maxTextBytes;
    }

    /**
     * A model as the driver sees it: the version folder checked and laid out as a repository, and shipped.
     *
     * @param files the version's files, resolved through the repository layout (for identity and task)
     * @param model what the tasks carry
     */
    public record Shipped(ModelFiles files, SparkModel model) {

        /** The model's task. */
        public TaskType task() {
            return this.files.manifest().task();
        }
    }

    /**
     * Checks {@code folder} (a model version: {@code model.onnx}, {@code model.json} and the tokenizer it
     * names, as in the engine's repository) and ships it to the executors of {@code spark}.
     *
     * @param maxSequenceLength tokens per text, replacing the manifest's; 0 keeps the manifest's
     * @throws InvalidInputException naming {@code field} if the folder is not a text model's version
     */
    public static Shipped ship(SparkSession spark, Path folder, String field, int maxSequenceLength, int threads,
            int maxTextBytes, int idleSeconds) {
        Path version = folder.toAbsolutePath().normalize();
        if (!Files.isRegularFile(version.resolve(ModelRepository.MODEL_FILE))
                || !Files.isRegularFile(version.resolve(ModelManifest.FILE_NAME))) {
            throw new InvalidInputException(null, field, version + " is not a model version folder: it needs "
                    + ModelRepository.MODEL_FILE + " and " + ModelManifest.FILE_NAME + " (a folder such as "
                    + "models/<name>/<version> of a model repository)");
        }
        try {
            Path stage = Files.createTempDirectory("distill4j-spark-stage-");
            String shippedName = "distill4j-model-" + contentHash(version, maxSequenceLength);
            Path shipped = Files.createDirectories(stage.resolve(shippedName));
            Path staged = Files.createDirectories(shipped.resolve("1"));
            List<Path> files;
            try (var list = Files.list(version)) {
                files = list.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path file : files) {
                if (maxSequenceLength > 0 && file.getFileName().toString().equals(ModelManifest.FILE_NAME)) {
                    ObjectNode manifest = (ObjectNode) JSON.readTree(file.toFile());
                    manifest.put("maxSequenceLength", maxSequenceLength);
                    Files.writeString(staged.resolve(ModelManifest.FILE_NAME), JSON.writeValueAsString(manifest));
                }
                else {
                    linkOrCopy(file.toRealPath(), staged.resolve(file.getFileName()));
                }
            }
            ModelFiles resolved = ModelRepository.open(stage).resolve(ModelId.of(shippedName, 1));
            TaskType task = resolved.manifest().task();
            if (task != TaskType.TEXT_CLASSIFICATION && task != TaskType.TEXT_EMBEDDING) {
                throw new InvalidInputException(null, field, version + " is a " + task + " model; text-classification "
                        + "and text-embedding models run here");
            }
            if (resolved.tokenizer().isEmpty()) {
                throw new InvalidInputException(null, field, version + " has no tokenizer; its " + ModelManifest.FILE_NAME
                        + " must name one");
            }
            spark.sparkContext().addFile(shipped.toString(), true);
            return new Shipped(resolved, new SparkModel(shippedName, threads, maxTextBytes, idleSeconds,
                    version + " (" + task.id() + ")"));
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot stage the model " + version + " for Spark", ex);
        }
        catch (RuntimeException ex) {
            if (ex instanceof InvalidInputException) {
                throw ex;
            }
            throw new InvalidInputException(null, field, version + " cannot be read as a model version: "
                    + ex.getMessage());
        }
    }

    /** A SHA-256 over the folder's files (names and bytes) and the sequence length, 16 hex digits. */
    private static String contentHash(Path folder, int maxSequenceLength) throws IOException {
        Sha256 sha = Sha256.start().update("maxSequenceLength=" + maxSequenceLength);
        try (var list = Files.list(folder)) {
            for (Path file : list.filter(Files::isRegularFile).sorted().toList()) {
                sha.update(file.getFileName().toString());
                sha.update(file);
            }
        }
        return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    }

    /** A hard link where the file system allows (no bytes copied), a copy otherwise. */
    private static void linkOrCopy(Path file, Path link) throws IOException {
        try {
            Files.createLink(link, file);
        }
        catch (UnsupportedOperationException | IOException ex) {
            Files.copy(file, link);
        }
    }
}
