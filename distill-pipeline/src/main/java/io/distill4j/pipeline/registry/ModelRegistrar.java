package io.distill4j.pipeline.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import io.distill4j.api.ElementType;
import io.distill4j.api.ModelId;
import io.distill4j.api.TaskType;
import io.distill4j.api.TensorInfo;
import io.distill4j.api.exception.ModelLoadException;
import io.distill4j.engine.onnx.OnnxModelReader;
import io.distill4j.engine.onnx.graph.OnnxElementType;
import io.distill4j.engine.onnx.proto.GraphProto;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.proto.StringStringEntryProto;
import io.distill4j.engine.onnx.proto.TensorProto;
import io.distill4j.engine.onnx.proto.TensorShapeProto;
import io.distill4j.engine.onnx.proto.TypeProto;
import io.distill4j.engine.onnx.proto.ValueInfoProto;
import io.distill4j.engine.repository.ModelManifest;
import io.distill4j.engine.repository.ModelRepository;
import io.distill4j.engine.text.Pooling;
import io.distill4j.pipeline.teacher.TeacherGraphs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Publishes ONNX models as new versions in a model repository on disk, the layout the engine's
 * {@link ModelRepository} serves: {@code <repository>/<name>/<version>/model.onnx}, {@code model.json},
 * {@code tokenizer.json} and any further files of the request.
 *
 * <pre>{@code
 * ModelRegistrar registrar = ModelRegistrar.inDirectory(Path.of("models"));
 * Registration registration = registrar.register(RegistrationRequest.builder("sentiment", studentInt8,
 *         TaskType.TEXT_CLASSIFICATION).tokenizer(tokenizerJson).build());
 * engine.load(registration.name(), registration.version());
 * }</pre>
 *
 * <p><b>How a version is published.</b> The ONNX file is read and checked first ({@link OnnxModelReader}:
 * a well-formed model, no tensor data in external files), and {@code model.json} is made from the request
 * and the graph and parsed with the engine's own {@link ModelManifest#parse}; nothing is written until both
 * pass. The checked bytes, the tokenizer, the further files and the manifest then go into a temporary
 * folder inside the model's folder ({@code .registering-<uuid>}, which the repository ignores since it is
 * not a number), each file forced to disk, and the folder is renamed to {@code <max existing version + 1>}
 * in one atomic step. A reader of the repository sees the whole version or none of it.
 *
 * <p><b>Concurrent registrations</b> of one model, in this process or in others, never get the same
 * number: renaming a folder onto an existing version folder fails (that folder is never empty), and the
 * registrar then tries the next number. No lock is needed, so a registration that crashed holds none.
 *
 * <p><b>Failures</b> leave the repository as it was: the temporary folder is deleted. A process killed
 * mid-way leaves a {@code .registering-*} folder, which the engine ignores; the next registration of that model
 * deletes such folders once they are older than {@link #STALE_AFTER} (a registration takes seconds, so one that
 * old belongs to no live registration). The model's folder is created if missing and kept, even empty.
 *
 * <p><b>The manifest.</b> {@code task}; {@code description} (the request's, else the model's
 * {@code doc_string}); {@code tokenizer} for text tasks; {@code maxSequenceLength} when set;
 * classification: {@code labels} (the request's, else the JSON array in the model's
 * {@value TeacherGraphs#LABELS_METADATA} metadata, else none); embedding: {@code pooling} (the request's,
 * else {@code none} for a {@code [batch, hidden]} output and {@code mean} for
 * {@code [batch, sequence, hidden]}) and {@code normalize}; {@code output}; {@code allowIncompatible} when
 * set; {@code inputs} and {@code outputs} as the graph declares them (name, element type, shape with
 * {@code -1} for a dynamic dimension), which the engine checks again on load; {@code provenance}: the
 * model's {@code distill4j.*} metadata but the labels, {@code source} (the file's name),
 * {@code registeredAt}, then the request's entries.
 *
 * <p>A registrar is immutable and thread-safe, and holds no resources.
 */
public final class ModelRegistrar {

    /** The name of the tokenizer file in a version folder. */
    public static final String TOKENIZER_FILE = "tokenizer.json";

    /** The prefix of the temporary folder a registration fills before it is renamed into place. */
    public static final String TEMPORARY_PREFIX = ".registering-";

    /** The age after which a {@code .registering-*} folder is a dead registration's leftover. */
    public static final Duration STALE_AFTER = Duration.ofHours(1);

    /** How many version numbers a registration tries before it gives up. */
    static final int MAX_ATTEMPTS = 1000;

    private static final Logger logger = LoggerFactory.getLogger(ModelRegistrar.class);

    private static final JsonMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final Path root;

    private final PublishHook hook;

    private ModelRegistrar(Path root, PublishHook hook) {
        this.root = root;
        this.hook = hook;
    }

    /**
     * A registrar for the repository in {@code root}, which is created if missing.
     *
     * @throws IllegalArgumentException if the folder cannot be created or is not a folder
     */
    public static ModelRegistrar inDirectory(Path root) {
        return inDirectory(root, (version, attempt) -> {
        });
    }

    /** A registrar that calls {@code hook} before each rename; tests use it to make registrations race. */
    static ModelRegistrar inDirectory(Path root, PublishHook hook) {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(hook, "hook");
        try {
            Files.createDirectories(root);
            return new ModelRegistrar(root.toRealPath(), hook);
        }
        catch (IOException ex) {
            throw new IllegalArgumentException("Model repository " + root + " cannot be created or read: " + ex, ex);
        }
    }

    /** The repository root, a real path. */
    public Path root() {
        return this.root;
    }

    /**
     * Registers the request's model as the next version of its name.
     *
     * @return the new version and its folder
     * @throws ModelLoadException if the ONNX file is missing, unreadable or not a well-formed model
     * @throws IllegalArgumentException if the model keeps tensor data in external files, or the request
     *     does not fit the graph (no such output, labels that do not match the classes, pooling for a
     *     shape that cannot be pooled) or gives a manifest the engine would refuse
     * @throws IOException if a file cannot be copied or written (for example a missing tokenizer), or the
     *     model's folder resolves outside the repository; nothing is published then
     */
    public Registration register(RegistrationRequest request) throws IOException {
        Objects.requireNonNull(request, "request");
        String name = request.modelName();
        OnnxModelReader.ParsedModel parsed = OnnxModelReader.ofDefaults().readWithBytes(request.model(), name);
        if (parsed.usesExternalData()) {
            throw new IllegalArgumentException("Model file " + request.model().getFileName() + " keeps tensor data "
                    + "in external files, which registration does not copy; save the model as one file");
        }
        ObjectNode manifestJson = manifest(request, parsed.model());
        String manifestText = MAPPER.writeValueAsString(manifestJson) + "\n";
        ModelManifest manifest = parseManifest(manifestText, name);

        Path modelDirectory = modelDirectory(name);
        sweepLeftovers(modelDirectory);
        Path staging = Files.createDirectory(modelDirectory.resolve(TEMPORARY_PREFIX + UUID.randomUUID()));
        try {
            write(staging.resolve(ModelRepository.MODEL_FILE), ByteBuffer.wrap(parsed.bytes()));
            if (request.tokenizer().isPresent()) {
                copy(request.tokenizer().get(), staging.resolve(TOKENIZER_FILE));
            }
            for (Map.Entry<String, Path> file : request.files().entrySet()) {
                copy(file.getValue(), staging.resolve(file.getKey()));
            }
            write(staging.resolve(ModelManifest.FILE_NAME), StandardCharsets.UTF_8.encode(manifestText));
            ModelId id = publish(staging, modelDirectory, name);
            logger.info("Registered model {} ({} bytes, task {}) from {}", id, parsed.bytes().length,
                    request.task().id(), request.model());
            return new Registration(id, modelDirectory.resolve(Long.toString(id.version())), manifest);
        }
        catch (IOException | RuntimeException | Error ex) {
            deleteQuietly(staging, ex);
            throw ex;
        }
    }

    /** The model's folder, created if missing, after checking that it lies inside the repository. */
    private Path modelDirectory(String name) throws IOException {
        Path directory = this.root.resolve(ModelId.requireValidName(name));
        Files.createDirectories(directory);
        Path real = directory.toRealPath();
        if (!real.startsWith(this.root) || !Files.isDirectory(real)) {
            throw new FileSystemException(directory.toString(), null,
                    "the folder of model " + name + " resolves outside the model repository " + this.root);
        }
        return real;
    }

    /** Renames {@code staging} to the next free version number, trying higher numbers while others win. */
    private ModelId publish(Path staging, Path modelDirectory, String name) throws IOException {
        ModelRepository repository = ModelRepository.open(this.root);
        long version = repository.latestVersion(name).orElse(0) + 1;
        for (int attempt = 1; ; attempt++) {
            Path target = modelDirectory.resolve(Long.toString(version));
            this.hook.beforeRename(version, attempt);
            try {
                // A plain rename(2): atomic, and it fails when the target is a non-empty folder or a file.
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                return ModelId.of(name, version);
            }
            catch (FileSystemException ex) {
                if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS) || attempt >= MAX_ATTEMPTS) {
                    throw ex;
                }
                logger.debug("Version {} of model {} was taken while registering; trying the next", version, name);
            }
            version = Math.max(version, repository.latestVersion(name).orElse(0)) + 1;
        }
    }

    private static ModelManifest parseManifest(String text, String name) {
        try {
            return ModelManifest.parse(text, name);
        }
        catch (ModelLoadException ex) {
            throw new IllegalArgumentException("The request gives a model.json the engine refuses: " + ex.getMessage(), ex);
        }
    }

    private static ObjectNode manifest(RegistrationRequest request, ModelProto model) {
        GraphProto graph = model.getGraph();
        String name = request.modelName();
        TaskType task = request.task();
        List<ValueInfoProto> inputs = graphInputs(graph);
        String output = request.output().orElseGet(() -> {
            if (graph.getOutputCount() == 0) {
                throw new IllegalArgumentException("The graph of model " + name + " has no output");
            }
            return graph.getOutput(0).getName();
        });
        ValueInfoProto result = graph.getOutputList().stream().filter(o -> o.getName().equals(output)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("output '" + output + "' is not an output of the graph; "
                        + "its outputs are " + graph.getOutputList().stream().map(ValueInfoProto::getName).toList()));
        int rank = shape(result).map(List::size).orElse(-1);

        ObjectNode json = MAPPER.createObjectNode();
        json.put("task", task.id());
        json.put("description", request.description().orElse(model.getDocString()));
        if (task != TaskType.RAW) {
            json.put("tokenizer", TOKENIZER_FILE);
        }
        request.maxSequenceLength().ifPresent(length -> json.put("maxSequenceLength", length));
        if (task == TaskType.TEXT_EMBEDDING) {
            Pooling pooling = request.pooling().orElse(rank == 2 ? Pooling.NONE : Pooling.MEAN);
            if (rank == 3 && pooling == Pooling.NONE || rank == 2 && pooling != Pooling.NONE) {
                throw new IllegalArgumentException("pooling " + pooling + " does not fit output '" + output + "' of rank "
                        + rank + ": use none for [batch, hidden], mean or cls for [batch, sequence, hidden]");
            }
            json.put("pooling", pooling.name().toLowerCase(Locale.ROOT));
            json.put("normalize", request.normalize());
        }
        if (task == TaskType.TEXT_CLASSIFICATION) {
            List<String> labels = request.labels().orElseGet(() -> metadataLabels(model));
            List<Long> dims = shape(result).orElse(List.of());
            if (!labels.isEmpty() && dims.size() == 2 && dims.get(1) != TensorInfo.DYNAMIC && dims.get(1) != labels.size()) {
                throw new IllegalArgumentException(labels.size() + " labels " + labels + " but output '" + output
                        + "' has " + dims.get(1) + " classes");
            }
            if (!labels.isEmpty()) {
                ArrayNode array = json.putArray("labels");
                labels.forEach(array::add);
            }
        }
        json.put("output", output);
        if (request.allowIncompatible()) {
            json.put("allowIncompatible", true);
        }
        putTensors(json.putArray("inputs"), inputs);
        putTensors(json.putArray("outputs"), graph.getOutputList());
        ObjectNode provenance = json.putObject("provenance");
        provenance(request, model).forEach(provenance::put);
        return json;
    }

    /** The graph inputs that are not initializers (before IR version 4 initializers are listed as inputs). */
    private static List<ValueInfoProto> graphInputs(GraphProto graph) {
        List<String> initializers = graph.getInitializerList().stream().map(TensorProto::getName).toList();
        return graph.getInputList().stream().filter(v -> !initializers.contains(v.getName())).toList();
    }

    /** Declares the tensors whose element type and shape the graph gives; others are left to the engine. */
    private static void putTensors(ArrayNode array, List<ValueInfoProto> tensors) {
        for (ValueInfoProto tensor : tensors) {
            ElementType type = elementType(tensor);
            List<Long> shape = shape(tensor).orElse(null);
            if (type == null || shape == null) {
                continue;
            }
            ObjectNode item = array.addObject();
            item.put("name", tensor.getName());
            item.put("type", type.name());
            ArrayNode dims = item.putArray("shape");
            shape.forEach(dims::add);
        }
    }

    private static ElementType elementType(ValueInfoProto tensor) {
        if (!tensor.getType().hasTensorType()) {
            return null;
        }
        try {
            return OnnxElementType.toElementType(tensor.getType().getTensorType().getElemType());
        }
        catch (IllegalArgumentException ex) {
            return null;
        }
    }

    private static Optional<List<Long>> shape(ValueInfoProto tensor) {
        TypeProto type = tensor.getType();
        if (!type.hasTensorType() || !type.getTensorType().hasShape()) {
            return Optional.empty();
        }
        List<Long> dims = new ArrayList<>();
        for (TensorShapeProto.Dimension dim : type.getTensorType().getShape().getDimList()) {
            dims.add(dim.hasDimValue() && dim.getDimValue() >= 0 ? dim.getDimValue() : TensorInfo.DYNAMIC);
        }
        return Optional.of(dims);
    }

    private static List<String> metadataLabels(ModelProto model) {
        for (StringStringEntryProto entry : model.getMetadataPropsList()) {
            if (entry.getKey().equals(TeacherGraphs.LABELS_METADATA)) {
                try {
                    List<String> labels = MAPPER.readValue(entry.getValue(), new TypeReference<List<String>>() {
                    });
                    return labels == null ? List.of() : labels;
                }
                catch (JacksonException ex) {
                    throw new IllegalArgumentException("The model's " + TeacherGraphs.LABELS_METADATA
                            + " metadata is not a JSON array of strings: " + entry.getValue(), ex);
                }
            }
        }
        return List.of();
    }

    private static Map<String, String> provenance(RegistrationRequest request, ModelProto model) {
        Map<String, String> provenance = new LinkedHashMap<>();
        for (StringStringEntryProto entry : model.getMetadataPropsList()) {
            if (entry.getKey().startsWith("distill4j.") && !entry.getKey().equals(TeacherGraphs.LABELS_METADATA)) {
                provenance.put(entry.getKey(), entry.getValue());
            }
        }
        provenance.put("source", String.valueOf(request.model().getFileName()));
        provenance.put("registeredAt", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        provenance.putAll(request.provenance());
        return provenance;
    }

    private static void copy(Path source, Path target) throws IOException {
        if (!Files.isRegularFile(source)) {
            throw Files.exists(source) ? new FileSystemException(source.toString(), null, "not a regular file")
                    : new NoSuchFileException(source.toString(), null, "cannot register a missing file");
        }
        Files.copy(source, target);
        try (FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    private static void write(Path target, ByteBuffer bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
    }

    /** Deletes the {@code .registering-*} folders of {@code modelDirectory} older than {@link #STALE_AFTER}. */
    private static void sweepLeftovers(Path modelDirectory) {
        Instant staleBefore = Instant.now().minus(STALE_AFTER);
        try (Stream<Path> children = Files.list(modelDirectory)) {
            for (Path child : children.filter(c -> c.getFileName().toString().startsWith(TEMPORARY_PREFIX)).toList()) {
                if (Files.getLastModifiedTime(child, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(staleBefore)) {
                    IOException failure = new IOException("sweeping " + child);
                    deleteQuietly(child, failure);
                    if (failure.getSuppressed().length == 0) {
                        logger.info("Deleted {}, left by a registration that did not finish", child);
                    }
                }
            }
        }
        catch (IOException | UncheckedIOException ex) {
            logger.warn("Could not look for leftovers of unfinished registrations in {}: {}", modelDirectory,
                    ex.toString());
        }
    }

    private static void deleteQuietly(Path folder, Throwable failure) {
        if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
        catch (IOException | UncheckedIOException ex) {
            failure.addSuppressed(ex);
            logger.warn("Could not delete the temporary folder {} of a failed registration: {}", folder, ex.toString());
        }
    }

    @Override
    public String toString() {
        return "ModelRegistrar[" + this.root + "]";
    }

    /** Called after a version number is chosen and before the staging folder is renamed onto it. */
    @FunctionalInterface
    interface PublishHook {

        /**
         * @param version the number chosen
         * @param attempt 1 for the first number tried, then 2, 3, … after losing races
         */
        void beforeRename(long version, int attempt) throws IOException;
    }
}
