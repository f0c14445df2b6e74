package io.distill4j.spring.inference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Objects;

import io.distill4j.api.ElementType;
import io.distill4j.api.InferenceEngine;
import io.distill4j.api.ModelDescriptor;
import io.distill4j.api.RepositoryEntry;
import io.distill4j.api.TaskType;
import io.distill4j.api.Tensor;
import io.distill4j.api.TensorInfo;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.api.exception.ModelNotFoundException;
import io.distill4j.spring.lifecycle.ServingGate;
import io.distill4j.spring.resilience.InferenceGuard;

/**
 * The Open Inference Protocol v2 over an {@link InferenceEngine}, for any binding.
 *
 * <p><b>Text models</b> ({@code text-embedding}, {@code text-classification}) take one BYTES input named
 * {@value #TEXT_INPUT}, of shape {@code [N]} or {@code [N, 1]}, each element one UTF-8 text, and answer with
 * <ul>
 * <li>{@value #EMBEDDING_OUTPUT}: FP32 {@code [N, D]}, the model's (pooled, normalized as its manifest says)
 *     vectors;</li>
 * <li>{@value #LOGITS_OUTPUT}: FP32 {@code [N, C]} and {@value #LABEL_OUTPUT}: BYTES {@code [N]}, the top label,
 *     for a classifier.</li>
 * </ul>
 * <b>Other models</b> take their ONNX inputs by name (an unknown name is refused by the engine) and return their
 * ONNX outputs. An input given twice is refused, naming it. Requested outputs select among the outputs (an
 * unknown name is refused); none requested means all. A version, when given, must be the loaded one. Every model
 * call runs under the {@link InferenceGuard} and the call's time left, which reaches the engine's queue.
 *
 * <p>The server's readiness and whether it still takes inference calls are its {@link ServingGate}'s: once the
 * gate refuses (the server is shutting down) a call fails with a
 * {@link io.distill4j.api.exception.ServerShuttingDownException} before it reaches the guard, and a call admitted
 * before runs to its end.
 */
public final class OpenInference {

    /** The name of a text model's input. */
    public static final String TEXT_INPUT = "text";

    public static final String EMBEDDING_OUTPUT = "embedding";

    public static final String LOGITS_OUTPUT = "logits";

    public static final String LABEL_OUTPUT = "label";

    /** The platform reported for every model. */
    public static final String PLATFORM = "onnxruntime_onnx";

    /** The name server metadata reports. */
    public static final String SERVER_NAME = "distill4j";

    /** The repository extension's load parameter naming the version to serve (the protocol leaves them open). */
    public static final String VERSION_PARAMETER = "version";

    private final InferenceEngine engine;

    private final InferenceGuard guard;

    private final ServingGate gate;

    /** Calls under {@code guard}, on a server that is always ready (nothing drains its gate). */
    public OpenInference(InferenceEngine engine, InferenceGuard guard) {
        this(engine, guard, new ServingGate());
    }

    /** Calls under {@code guard}, admitted by {@code gate}, which also answers readiness. */
    public OpenInference(InferenceEngine engine, InferenceGuard guard, ServingGate gate) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.guard = Objects.requireNonNull(guard, "guard");
        this.gate = Objects.requireNonNull(gate, "gate");
    }

    /** The version server metadata reports: the starter jar's, or {@code development} when run from classes. */
    public static String serverVersion() {
        String version = OpenInference.class.getPackage().getImplementationVersion();
        return version != null ? version : "development";
    }

    /** The engine the calls run on. */
    public InferenceEngine engine() {
        return this.engine;
    }

    /** Whether the server is ready (the protocol's server-ready): false from the moment it starts to shut down. */
    public boolean serverReady() {
        return this.gate.ready();
    }

    /** Whether the server is shutting down (not ready for good, refusing or about to). */
    public boolean shuttingDown() {
        return this.gate.draining();
    }

    /** A tensor as the protocol's metadata describes it: name, datatype and shape ({@code -1} for any size). */
    public record TensorSpec(String name, String datatype, List<Long> shape) {

        public TensorSpec {
            shape = List.copyOf(shape);
        }

        static TensorSpec of(String name, String datatype, long... shape) {
            return new TensorSpec(name, datatype, Arrays.stream(shape).boxed().toList());
        }
    }

    /**
     * The loaded model of that name; a version, when given (not empty), must be the loaded one.
     *
     * @param field the request's field that names the model, for the error when it is empty
     * @throws ModelNotFoundException when it is not loaded, or another version is
     */
    public ModelDescriptor loaded(String name, String version, String field) {
        requireName(name, field);
        ModelDescriptor model = this.engine.describe(name);
        if (!version.isEmpty() && !Long.toString(model.id().version()).equals(version)) {
            throw new ModelNotFoundException(name, "Model " + name + " version " + version + " is not loaded; version "
                    + model.id().version() + " is");
        }
        return model;
    }

    /** Whether the model is loaded (in that version, when one is given). */
    public boolean ready(String name, String version) {
        return this.engine.loadedModels().stream().anyMatch(model -> model.id().name().equals(name)
                && (version.isEmpty() || Long.toString(model.id().version()).equals(version)));
    }

    /** The model's inputs as the protocol describes them. */
    public static List<TensorSpec> inputs(ModelDescriptor model) {
        if (isText(model)) {
            return List.of(TensorSpec.of(TEXT_INPUT, "BYTES", -1));
        }
        return model.inputs().stream().map(OpenInference::spec).toList();
    }

    /** The model's outputs as the protocol describes them. */
    public static List<TensorSpec> outputs(ModelDescriptor model) {
        if (model.task() == TaskType.TEXT_EMBEDDING) {
            return List.of(TensorSpec.of(EMBEDDING_OUTPUT, "FP32", -1, width(model)));
        }
        if (model.task() == TaskType.TEXT_CLASSIFICATION) {
            return List.of(TensorSpec.of(LOGITS_OUTPUT, "FP32", -1, model.labels().size()),
                    TensorSpec.of(LABEL_OUTPUT, "BYTES", -1));
        }
        return model.outputs().stream().map(OpenInference::spec).toList();
    }

    /**
     * Adds a request's input {@code index} to {@code inputs}, refusing a name given twice and, for a text model,
     * a name other than {@value #TEXT_INPUT}.
     */
    public static void addInput(ModelDescriptor model, Map<String, Tensor> inputs, int index, String name,
            Tensor tensor) {
        if (inputs.containsKey(name)) {
            throw new InvalidInputException(model.id().name(), "inputs[" + index + "].name", "'" + name
                    + "' is given twice");
        }
        if (isText(model) && !name.equals(TEXT_INPUT)) {
            throw new InvalidInputException(model.id().name(), "inputs[" + index + "].name", "a text model's input is '"
                    + TEXT_INPUT + "', got '" + name + "'");
        }
        inputs.put(name, tensor);
    }

    /**
     * Runs the model on {@code inputs} under the guard and returns the outputs {@code requested} (all when empty),
     * in the order requested.
     *
     * @param timeLeft the call's remaining time, or {@code null} when it has no deadline
     * @throws io.distill4j.api.exception.ServerShuttingDownException without running the model, once the server
     *     refuses new calls
     */
    public Map<String, Tensor> infer(ModelDescriptor model, Map<String, Tensor> inputs, List<String> requested,
            Duration timeLeft) {
        String name = model.id().name();
        Map<String, Tensor> outputs = this.gate.admit(name, () -> this.guard.call(name, timeLeft,
                engine -> isText(model) ? runText(engine, model, inputs) : engine.infer(name, inputs)));
        if (requested.isEmpty()) {
            return outputs;
        }
        Map<String, Tensor> selected = new LinkedHashMap<>();
        for (String output : requested) {
            Tensor tensor = outputs.get(output);
            if (tensor == null) {
                throw new InvalidInputException(name, "outputs." + output, "the model has no such output; it has "
                        + outputs.keySet());
            }
            selected.put(output, tensor);
        }
        return selected;
    }

    /** The engine type of a protocol datatype: FP32, FP64, INT64, INT32, INT8, UINT8, BOOL or BYTES (text). */
    public static ElementType elementType(String model, String tensor, String datatype) {
        return switch (datatype == null ? "" : datatype.toUpperCase(Locale.ROOT)) {
            case "FP32" -> ElementType.FLOAT32;
            case "FP64" -> ElementType.FLOAT64;
            case "INT64" -> ElementType.INT64;
            case "INT32" -> ElementType.INT32;
            case "INT8" -> ElementType.INT8;
            case "UINT8" -> ElementType.UINT8;
            case "BOOL" -> ElementType.BOOL;
            case "BYTES" -> ElementType.STRING;
            default -> throw new InvalidInputException(model, tensor + ".datatype", "'" + datatype
                    + "' is not supported; use FP32, FP64, INT64, INT32, INT8, UINT8, BOOL or BYTES");
        };
    }

    /** The number of elements {@code shape} holds: every dimension {@code >= 0}, at most {@code 2^31 - 1}. */
    public static int elementCount(String model, String tensor, long[] shape) {
        long count = 1;
        for (long dimension : shape) {
            if (dimension < 0) {
                throw new InvalidInputException(model, tensor + ".shape", "dimensions must be >= 0, got "
                        + Arrays.toString(shape));
            }
            count = dimension > Integer.MAX_VALUE ? Long.MAX_VALUE : count * dimension;
            if (count > Integer.MAX_VALUE) {
                throw new InvalidInputException(model, tensor + ".shape", "at most " + Integer.MAX_VALUE
                        + " elements, got " + Arrays.toString(shape));
            }
        }
        return (int) count;
    }

    /**
     * A tensor of {@code data} (an array of {@code type}'s Java type), refusing data whose length is not what
     * {@code shape} holds.
     *
     * @param source what held the data, for the error ("contents", "data")
     */
    public static Tensor tensor(String model, String name, ElementType type, Object data, long[] shape,
            String source) {
        int elements = elementCount(model, name, shape);
        int length = java.lang.reflect.Array.getLength(data);
        if (length != elements) {
            throw new InvalidInputException(model, name, "shape " + Arrays.toString(shape) + " needs " + elements
                    + " elements, the " + source + " hold " + length);
        }
        return Tensor.of(type, data, shape);
    }

    /**
     * One model of the repository as the repository extension lists it: {@code READY} with the served version, or
     * {@code UNAVAILABLE} ("not loaded") with the newest version on disk (empty when it has none).
     */
    public record IndexEntry(String name, String version, String state, String reason) {
    }

    /** The repository's models, only those served when {@code readyOnly}. */
    public List<IndexEntry> repositoryIndex(boolean readyOnly) {
        List<IndexEntry> index = new ArrayList<>();
        for (RepositoryEntry entry : this.engine.repositoryIndex()) {
            boolean ready = entry.servedVersion().isPresent();
            if (readyOnly && !ready) {
                continue;
            }
            long version = ready ? entry.servedVersion().getAsLong()
                    : entry.versions().isEmpty() ? 0 : entry.versions().get(entry.versions().size() - 1);
            index.add(new IndexEntry(entry.name(), version == 0 ? "" : Long.toString(version),
                    ready ? "READY" : "UNAVAILABLE", ready ? "" : "not loaded"));
        }
        return index;
    }

    /** Loads the model, or swaps in its newest version when it is served. */
    public void load(String name, String field) {
        load(name, OptionalLong.empty(), field);
    }

    /**
     * Loads the model in the given version — or its newest when none is given — hot-swapping when another
     * version is served (the repository extension's {@code version} load parameter).
     */
    public void load(String name, OptionalLong version, String field) {
        requireName(name, field);
        if (version.isPresent()) {
            this.engine.load(name, version.getAsLong());
        }
        else {
            this.engine.load(name);
        }
    }

    /**
     * The {@code version} load parameter: absent, or a whole number from 1 (a string of digits or an integer).
     * @throws InvalidInputException naming {@code field} when it is anything else
     */
    public static OptionalLong version(Object value, String field) {
        if (value == null) {
            return OptionalLong.empty();
        }
        long version;
        try {
            version = value instanceof Number number && (number instanceof Long || number instanceof Integer)
                    ? number.longValue() : Long.parseLong(value.toString());
        }
        catch (NumberFormatException ex) {
            version = 0;
        }
        if (version < 1) {
            throw new InvalidInputException(null, field, "must be a model version, a whole number from 1, got '"
                    + value + "'");
        }
        return OptionalLong.of(version);
    }

    /** Unloads the model; a model that is not loaded is a {@link ModelNotFoundException}. */
    public void unload(String name, String field) {
        requireName(name, field);
        if (!this.engine.unload(name)) {
            throw new ModelNotFoundException(name, "Model " + name + " is not loaded");
        }
    }

    /** Refuses an empty model name, naming {@code field}. */
    public static void requireName(String name, String field) {
        if (name == null || name.isEmpty()) {
            throw new InvalidInputException(null, field, "must name a model");
        }
    }

    private static Map<String, Tensor> runText(InferenceEngine engine, ModelDescriptor model,
            Map<String, Tensor> inputs) {
        String name = model.id().name();
        if (inputs.size() != 1) {
            throw new InvalidInputException(name, "inputs", "a text model takes one BYTES input ('" + TEXT_INPUT
                    + "'), got " + inputs.size());
        }
        Map.Entry<String, Tensor> input = inputs.entrySet().iterator().next();
        Tensor text = input.getValue();
        long[] shape = text.shape();
        if (text.type() != ElementType.STRING || shape.length == 0 || shape.length > 2
                || (shape.length == 2 && shape[1] != 1)) {
            throw new InvalidInputException(name, input.getKey(), "a text model takes BYTES of shape [N] or [N, 1], "
                    + "got " + text.type().protocolName() + " " + Arrays.toString(shape));
        }
        List<String> texts = List.of(text.strings());
        int rows = texts.size();
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        if (model.task() == TaskType.TEXT_EMBEDDING) {
            outputs.put(EMBEDDING_OUTPUT, matrix(engine.embed(name, texts), rows));
        }
        else {
            List<float[]> logits = engine.logits(name, texts);
            outputs.put(LOGITS_OUTPUT, matrix(logits, rows));
            List<String> labels = model.labels();
            String[] top = new String[rows];
            for (int i = 0; i < rows; i++) {
                float[] row = logits.get(i);
                int best = 0;
                for (int j = 1; j < row.length; j++) {
                    if (row[j] > row[best]) {
                        best = j;
                    }
                }
                top[i] = best < labels.size() ? labels.get(best) : Integer.toString(best);
            }
            outputs.put(LABEL_OUTPUT, Tensor.ofStrings(top, rows));
        }
        return outputs;
    }

    private static Tensor matrix(List<float[]> rows, int count) {
        int width = rows.isEmpty() ? 0 : rows.get(0).length;
        float[] flat = new float[count * width];
        for (int i = 0; i < count; i++) {
            System.arraycopy(rows.get(i), 0, flat, i * width, width);
        }
        return Tensor.ofFloats(flat, count, width);
    }

    private static boolean isText(ModelDescriptor model) {
        return model.task() == TaskType.TEXT_EMBEDDING || model.task() == TaskType.TEXT_CLASSIFICATION;
    }

    private static long width(ModelDescriptor model) {
        List<TensorInfo> outputs = model.outputs();
        if (outputs.isEmpty() || outputs.get(0).shape().isEmpty()) {
            return -1;
        }
        List<Long> shape = outputs.get(0).shape();
        return shape.get(shape.size() - 1);
    }

    private static TensorSpec spec(TensorInfo info) {
        return new TensorSpec(info.name(), info.type().protocolName(), new ArrayList<>(info.shape()));
    }
}
