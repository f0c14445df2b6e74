package io.distill4j.pipeline.teacher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.distill4j.api.distill.Pooling;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.engine.files.FileTrees;
import io.distill4j.engine.repository.ModelManifest;
import io.distill4j.pipeline.cache.CacheKey;
import io.distill4j.pipeline.data.TextDataset;
import io.distill4j.pipeline.data.TextExample;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Puts a teacher given as files ({@code TeacherSpec.onnxClassifier}, {@code onnxEncoder}) into the
 * distiller's teacher repository, {@code <cacheDirectory>/teachers}, as a model version the engine can
 * load: {@code <name>/1/} with {@code model.onnx} (a hard link to the user's file where the file system
 * allows, a copy otherwise), {@code tokenizer.json} and a {@code model.json}. Folder names are derived
 * from a hash of the files (and, for a fitted teacher, of the data and settings it was fitted with), so a
 * second job with the same teacher (or the same fine-tuning) finds it in place, and the soft-target cache, keyed by the same bytes,
 * hits. Every folder appears atomically (written under a temporary name, then renamed).
 */
final class TeacherFolders {

    /** Folder of the teacher repository under the cache directory. */
    static final String TEACHERS = "teachers";

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private TeacherFolders() {
    }

    /**
     * Installs an encoder as a {@code text-embedding} model whose manifest carries {@code pooling} and
     * {@code normalize}, so that the engine's embeddings, a head's graph and the cache keys all pool the
     * same way (mean pooling with L2 normalization is the sentence-transformers convention of
     * all-MiniLM-L6-v2 and its kin; the BGE family pools the {@code [CLS]} token).
     *
     * @return the model's name in the teacher repository
     */
    static String installEncoder(Path repository, Path model, Path tokenizer, Pooling pooling, boolean normalize,
            int maxSequenceLength, String jobId) {
        String name = "encoder-" + hash(model, tokenizer, Map.of("maxSequenceLength", maxSequenceLength, "pooling",
                pooling.id(), "normalize", normalize));
        ObjectNode manifest = MAPPER.createObjectNode().put("task", "text-embedding").put("tokenizer", "tokenizer.json")
                .put("maxSequenceLength", maxSequenceLength).put("pooling", pooling.id()).put("normalize", normalize)
                .put("description", "encoder teacher from " + model.getFileName());
        install(repository, name, model, tokenizer, manifest, jobId);
        return name;
    }

    /**
     * Installs a classifier whose single output is logits, one column per label in {@code labels}' order.
     *
     * @return the model's name in the teacher repository
     */
    static String installClassifier(Path repository, Path model, Path tokenizer, List<String> labels,
            int maxSequenceLength, String jobId) {
        String name = "classifier-" + hash(model, tokenizer, Map.of("maxSequenceLength", maxSequenceLength,
                "labels", String.join("\u001f", labels)));
        ObjectNode manifest = MAPPER.createObjectNode().put("task", "text-classification")
                .put("tokenizer", "tokenizer.json").put("maxSequenceLength", maxSequenceLength)
                .put("description", "classifier teacher from " + model.getFileName());
        manifest.putArray("labels").addAll(labels.stream().map(MAPPER.getNodeFactory()::textNode).toList());
        install(repository, name, model, tokenizer, manifest, jobId);
        return name;
    }

    /**
     * The name a fitted encoder teacher gets: it changes with the encoder, the labelled data it is fitted
     * on, and the head's settings.
     */
    static String fittedName(Path encoder, Path tokenizer, TextDataset train, TextDataset validation,
            Map<String, ?> settings) {
        return fittedName("fitted-", encoder, tokenizer, train, validation, settings);
    }

    /** {@link #fittedName(Path, Path, TextDataset, TextDataset, Map)} with another prefix than {@code fitted-}. */
    static String fittedName(String prefix, Path encoder, Path tokenizer, TextDataset train, TextDataset validation,
            Map<String, ?> settings) {
        List<String> texts = new ArrayList<>();
        for (TextDataset data : List.of(train, validation)) {
            texts.add("#split " + data.size());
            for (TextExample example : data) {
                texts.add(example.label().orElse("") + "\t" + example.text());
            }
        }
        return prefix + CacheKey.builder().teacher(encoder).tokenizer(tokenizer).data(texts).preprocessing(settings)
                .build().hex().substring(0, 16);
    }

    /** Whether {@code <repository>/<name>/1} holds a model version. */
    static boolean isInstalled(Path repository, String name) {
        return Files.isRegularFile(repository.resolve(name).resolve("1").resolve(ModelManifest.FILE_NAME));
    }

    /**
     * A fresh temporary folder for writing a model version that {@link #publish} then renames to
     * {@code <repository>/<name>}; the version folder to write into is {@code <returned>/1}.
     */
    static Path staging(Path repository, String name) {
        try {
            Files.createDirectories(repository);
            return Files.createDirectory(repository.resolve(".staging-" + name + "-" + UUID.randomUUID()));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** Renames a staged model folder into place; if another job got there first its copy is kept and ours deleted. */
    static void publish(Path staged, Path repository, String name) {
        Path target = repository.resolve(name);
        try {
            try {
                Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
            }
            catch (AtomicMoveNotSupportedException ex) {
                Files.move(staged, target);
            }
        }
        catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException ex) {
            FileTrees.delete(staged);
        }
        catch (IOException ex) {
            FileTrees.delete(staged);
            throw new UncheckedIOException(ex);
        }
    }

    private static void install(Path repository, String name, Path model, Path tokenizer, ObjectNode manifest,
            String jobId) {
        if (isInstalled(repository, name)) {
            return;
        }
        Path staged = staging(repository, name);
        try {
            Path version = Files.createDirectory(staged.resolve("1"));
            linkOrCopy(model, version.resolve("model.onnx"));
            Files.copy(tokenizer, version.resolve("tokenizer.json"));
            Files.writeString(version.resolve(ModelManifest.FILE_NAME), MAPPER.writeValueAsString(manifest));
            ModelManifest.read(version.resolve(ModelManifest.FILE_NAME), name);
        }
        catch (IOException ex) {
            FileTrees.delete(staged);
            throw new DistillationException(jobId, "Cannot install the teacher " + model + " into " + repository + ": "
                    + ex.getMessage(), ex);
        }
        publish(staged, repository, name);
    }

    private static void linkOrCopy(Path source, Path target) throws IOException {
        try {
            Files.createLink(target, source.toRealPath());
        }
        catch (IOException | UnsupportedOperationException ex) {
            Files.copy(source, target);
        }
    }

    private static String hash(Path model, Path tokenizer, Map<String, ?> settings) {
        return CacheKey.builder().teacher(model).tokenizer(tokenizer).data(List.of()).preprocessing(settings).build()
                .hex().substring(0, 16);
    }
}
