package io.distill4j.spring.grpc;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.distill4j.api.InferenceEngine;
import io.distill4j.api.ModelDescriptor;
import io.distill4j.api.RepositoryEntry;
import io.distill4j.api.TaskType;
import io.distill4j.api.Tensor;
import io.distill4j.api.TensorInfo;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.api.exception.ModelNotFoundException;
import io.distill4j.api.grpc.inference.GRPCInferenceServiceGrpc;
import io.distill4j.api.grpc.inference.ModelInferRequest;
import io.distill4j.api.grpc.inference.ModelInferResponse;
import io.distill4j.api.grpc.inference.ModelMetadataRequest;
import io.distill4j.api.grpc.inference.ModelMetadataResponse;
import io.distill4j.api.grpc.inference.ModelReadyRequest;
import io.distill4j.api.grpc.inference.ModelReadyResponse;
import io.distill4j.api.grpc.inference.RepositoryIndexRequest;
import io.distill4j.api.grpc.inference.RepositoryIndexResponse;
import io.distill4j.api.grpc.inference.RepositoryModelLoadRequest;
import io.distill4j.api.grpc.inference.RepositoryModelLoadResponse;
import io.distill4j.api.grpc.inference.RepositoryModelUnloadRequest;
import io.distill4j.api.grpc.inference.RepositoryModelUnloadResponse;
import io.distill4j.api.grpc.inference.ServerLiveRequest;
import io.distill4j.api.grpc.inference.ServerLiveResponse;
import io.distill4j.api.grpc.inference.ServerMetadataRequest;
import io.distill4j.api.grpc.inference.ServerMetadataResponse;
import io.distill4j.api.grpc.inference.ServerReadyRequest;
import io.distill4j.api.grpc.inference.ServerReadyResponse;
import io.distill4j.spring.resilience.InferenceGuard;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.stub.StreamObserver;

/**
 * The Open Inference Protocol v2 over an {@link InferenceEngine}: a thin adapter, every failure mapped by
 * {@link GrpcStatusMapper}.
 *
 * <p><b>Text models</b> ({@code text-embedding}, {@code text-classification}) take one BYTES input named
 * {@value #TEXT_INPUT}, of shape {@code [N]} or {@code [N, 1]}, each element one UTF-8 text, and answer with
 * <ul>
 * <li>{@value #EMBEDDING_OUTPUT}: FP32 {@code [N, D]}, the model's (pooled, normalized as its manifest says) vectors;</li>
 * <li>{@value #LOGITS_OUTPUT}: FP32 {@code [N, C]} and {@value #LABEL_OUTPUT}: BYTES {@code [N]}, the top label,
 * for a classifier.</li>
 * </ul>
 * <b>Other models</b> take their ONNX inputs by name (an unknown name is refused by the engine) and return
 * their ONNX outputs. An input given twice is refused, naming it. Requested outputs
 * select among these (an unknown name is refused); none requested means all. A request that sends
 * {@code raw_input_contents} gets {@code raw_output_contents} back (as Triton's clients expect), one with
 * typed contents gets typed contents. A version, when given, must be the loaded one. Every model call
 * runs under the service's {@link InferenceGuard} and the call's deadline, which reaches the engine's
 * queue: a request whose deadline passes before it runs is dropped ({@code DEADLINE_EXCEEDED}).
 *
 * <p>The model-repository extension lists the repository ({@code READY} with the served version, or
 * {@code UNAVAILABLE} with the newest on disk), loads (or reloads, swapping in the newest version) and
 * unloads by name. Load and unload change what the server serves, so they are admin methods: unless the
 * service is built with {@code repositoryControl} they answer {@code PERMISSION_DENIED}; the starter turns
 * it on only when admin credentials are configured, and {@link GrpcAccess} checks them.
 */
public class OpenInferenceService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

    /** The name of a text model's input in its metadata. */
    public static final String TEXT_INPUT = "text";

    public static final String EMBEDDING_OUTPUT = "embedding";

    public static final String LOGITS_OUTPUT = "logits";

    public static final String LABEL_OUTPUT = "label";

    /** The platform reported for every model. */
    public static final String PLATFORM = "onnxruntime_onnx";

    private final InferenceEngine engine;

    private final InferenceGuard guard;

    private final String serverName;

    private final String serverVersion;

    private final boolean repositoryControl;

    /**
     * A service whose repository load and unload are refused and whose model calls are bounded only by
     * their deadlines; see the class comment.
     */
    public OpenInferenceService(InferenceEngine engine, String serverName, String serverVersion) {
        this(engine, InferenceGuard.deadlineOnly(engine), serverName, serverVersion, false);
    }

    /**
     * @param guard the policy every model call runs under (bulkhead, circuit breaker, time limiter), given
     * the call's remaining deadline
     * @param repositoryControl whether RepositoryModelLoad and RepositoryModelUnload may change what is
     * loaded; give {@code true} only behind an authenticating interceptor
     */
    public OpenInferenceService(InferenceEngine engine, InferenceGuard guard, String serverName, String serverVersion,
            boolean repositoryControl) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.guard = Objects.requireNonNull(guard, "guard");
        this.serverName = Objects.requireNonNull(serverName, "serverName");
        this.serverVersion = Objects.requireNonNull(serverVersion, "serverVersion");
        this.repositoryControl = repositoryControl;
    }

    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> response) {
        GrpcStatusMapper.unary(response, () -> ServerLiveResponse.newBuilder().setLive(true).build());
    }

    @Override
    public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> response) {
        GrpcStatusMapper.unary(response, () -> ServerReadyResponse.newBuilder().setReady(true).build());
    }

    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> response) {
        GrpcStatusMapper.unary(response, () -> {
            boolean ready = this.engine.loadedModels().stream().anyMatch(model -> model.id().name()
                .equals(request.getName()) && (request.getVersion().isEmpty()
                        || Long.toString(model.id().version()).equals(request.getVersion())));
            return ModelReadyResponse.newBuilder().setReady(ready).build();
        });
    }

    @Override
    public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> response) {
        GrpcStatusMapper.unary(response, () -> ServerMetadataResponse.newBuilder().setName(this.serverName)
            .setVersion(this.serverVersion).addExtensions("model_repository").build());
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> response) {
        GrpcStatusMapper.unary(response, () -> {
            ModelDescriptor model = loaded(request.getName(), request.getVersion());
            ModelMetadataResponse.Builder out = ModelMetadataResponse.newBuilder().setName(model.id().name())
                .addVersions(Long.toString(model.id().version())).setPlatform(PLATFORM);
            if (isText(model)) {
                out.addInputs(tensor(TEXT_INPUT, "BYTES", -1));
                if (model.task() == TaskType.TEXT_EMBEDDING) {
                    out.addOutputs(tensor(EMBEDDING_OUTPUT, "FP32", -1, width(model)));
                }
                else {
                    out.addOutputs(tensor(LOGITS_OUTPUT, "FP32", -1, model.labels().size()));
                    out.addOutputs(tensor(LABEL_OUTPUT, "BYTES", -1));
                }
            }
            else {
                model.inputs().forEach(info -> out.addInputs(tensor(info)));
                model.outputs().forEach(info -> out.addOutputs(tensor(info)));
            }
            return out.build();
        });
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> response) {
        GrpcStatusMapper.unary(response, () -> {
            ModelDescriptor model = loaded(request.getModelName(), request.getModelVersion());
            String name = model.id().name();
            boolean raw = request.getRawInputContentsCount() > 0;
            if (raw && request.getRawInputContentsCount() != request.getInputsCount()) {
                throw new InvalidInputException(name, "raw_input_contents", "needs one entry per input ("
                        + request.getInputsCount() + "), got " + request.getRawInputContentsCount());
            }
            Map<String, Tensor> inputs = new LinkedHashMap<>();
            for (int i = 0; i < request.getInputsCount(); i++) {
                ModelInferRequest.InferInputTensor input = request.getInputs(i);
                if (raw && input.hasContents()) {
                    throw new InvalidInputException(name, input.getName() + ".contents", "must be empty when "
                            + "raw_input_contents is used");
                }
                if (inputs.containsKey(input.getName())) {
                    throw new InvalidInputException(name, "inputs[" + i + "].name", "'" + input.getName()
                            + "' is given twice");
                }
                if (isText(model) && !input.getName().equals(TEXT_INPUT)) {
                    throw new InvalidInputException(name, "inputs[" + i + "].name", "a text model's input is '"
                            + TEXT_INPUT + "', got '" + input.getName() + "'");
                }
                long[] shape = input.getShapeList().stream().mapToLong(Long::longValue).toArray();
                inputs.put(input.getName(), TensorCodec.decode(name, input.getName(), input.getDatatype(), shape,
                        input.getContents(), raw ? request.getRawInputContents(i) : null));
            }
            Map<String, Tensor> outputs = this.guard.call(name, timeLeft(),
                    engine -> isText(model) ? runText(engine, model, inputs) : engine.infer(name, inputs));
            return encode(request, model, select(name, request, outputs), raw);
        });
    }

    @Override
    public void repositoryIndex(RepositoryIndexRequest request, StreamObserver<RepositoryIndexResponse> response) {
        GrpcStatusMapper.unary(response, () -> {
            RepositoryIndexResponse.Builder out = RepositoryIndexResponse.newBuilder();
            for (RepositoryEntry entry : this.engine.repositoryIndex()) {
                boolean ready = entry.servedVersion().isPresent();
                if (request.getReady() && !ready) {
                    continue;
                }
                long version = ready ? entry.servedVersion().getAsLong()
                        : entry.versions().isEmpty() ? 0 : entry.versions().get(entry.versions().size() - 1);
                out.addModels(RepositoryIndexResponse.ModelIndex.newBuilder().setName(entry.name())
                    .setVersion(version == 0 ? "" : Long.toString(version)).setState(ready ? "READY" : "UNAVAILABLE")
                    .setReason(ready ? "" : "not loaded"));
            }
            return out.build();
        });
    }

    @Override
    public void repositoryModelLoad(RepositoryModelLoadRequest request,
            StreamObserver<RepositoryModelLoadResponse> response) {
        GrpcStatusMapper.unary(response, () -> {
            requireRepositoryControl("RepositoryModelLoad");
            requireName(request.getModelName(), "model_name");
            this.engine.load(request.getModelName());
            return RepositoryModelLoadResponse.getDefaultInstance();
        });
    }

    @Override
    public void repositoryModelUnload(RepositoryModelUnloadRequest request,
            StreamObserver<RepositoryModelUnloadResponse> response) {
        GrpcStatusMapper.unary(response, () -> {
            requireRepositoryControl("RepositoryModelUnload");
            requireName(request.getModelName(), "model_name");
            if (!this.engine.unload(request.getModelName())) {
                throw new ModelNotFoundException(request.getModelName(), "Model " + request.getModelName()
                        + " is not loaded");
            }
            return RepositoryModelUnloadResponse.getDefaultInstance();
        });
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
        if (text.type() != io.distill4j.api.ElementType.STRING || shape.length == 0 || shape.length > 2
                || (shape.length == 2 && shape[1] != 1)) {
            throw new InvalidInputException(name, input.getKey(), "a text model takes BYTES of shape [N] or [N, 1], got "
                    + text.type().protocolName() + " " + java.util.Arrays.toString(shape));
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

    private static Map<String, Tensor> select(String model, ModelInferRequest request, Map<String, Tensor> outputs) {
        if (request.getOutputsCount() == 0) {
            return outputs;
        }
        Map<String, Tensor> selected = new LinkedHashMap<>();
        for (ModelInferRequest.InferRequestedOutputTensor requested : request.getOutputsList()) {
            Tensor tensor = outputs.get(requested.getName());
            if (tensor == null) {
                throw new InvalidInputException(model, "outputs." + requested.getName(), "the model has no such output;"
                        + " it has " + outputs.keySet());
            }
            selected.put(requested.getName(), tensor);
        }
        return selected;
    }

    private static ModelInferResponse encode(ModelInferRequest request, ModelDescriptor model,
            Map<String, Tensor> outputs, boolean raw) {
        ModelInferResponse.Builder out = ModelInferResponse.newBuilder().setModelName(model.id().name())
            .setModelVersion(Long.toString(model.id().version())).setId(request.getId());
        for (Map.Entry<String, Tensor> output : outputs.entrySet()) {
            Tensor tensor = output.getValue();
            ModelInferResponse.InferOutputTensor.Builder tensorOut = ModelInferResponse.InferOutputTensor.newBuilder()
                .setName(output.getKey()).setDatatype(tensor.type().protocolName());
            for (long dimension : tensor.shape()) {
                tensorOut.addShape(dimension);
            }
            if (raw) {
                out.addRawOutputContents(TensorCodec.raw(tensor));
            }
            else {
                tensorOut.setContents(TensorCodec.contents(tensor));
            }
            out.addOutputs(tensorOut);
        }
        return out.build();
    }

    /** The loaded model of that name; a version, when given, must be the loaded one. */
    private ModelDescriptor loaded(String name, String version) {
        requireName(name, "model_name");
        ModelDescriptor model = this.engine.describe(name);
        if (!version.isEmpty() && !Long.toString(model.id().version()).equals(version)) {
            throw new ModelNotFoundException(name, "Model " + name + " version " + version + " is not loaded; version "
                    + model.id().version() + " is");
        }
        return model;
    }

    /** The call's remaining time: its gRPC deadline, or {@code null} when it has none. */
    private static Duration timeLeft() {
        Deadline deadline = Context.current().getDeadline();
        return deadline == null ? null : Duration.ofNanos(deadline.timeRemaining(TimeUnit.NANOSECONDS));
    }

    private void requireRepositoryControl(String method) {
        if (!this.repositoryControl) {
            throw io.grpc.Status.PERMISSION_DENIED.withDescription(method + " is an admin method and admin access "
                    + "is not configured on this server").asRuntimeException();
        }
    }

    private static void requireName(String name, String field) {
        if (name.isEmpty()) {
            throw new InvalidInputException(null, field, "must name a model");
        }
    }

    private static boolean isText(ModelDescriptor model) {
        return Set.of(TaskType.TEXT_EMBEDDING, TaskType.TEXT_CLASSIFICATION).contains(model.task());
    }

    private static long width(ModelDescriptor model) {
        List<TensorInfo> outputs = model.outputs();
        if (outputs.isEmpty() || outputs.get(0).shape().isEmpty()) {
            return -1;
        }
        List<Long> shape = outputs.get(0).shape();
        return shape.get(shape.size() - 1);
    }

    private static ModelMetadataResponse.TensorMetadata tensor(String name, String datatype, long... shape) {
        ModelMetadataResponse.TensorMetadata.Builder out = ModelMetadataResponse.TensorMetadata.newBuilder()
            .setName(name).setDatatype(datatype);
        for (long dimension : shape) {
            out.addShape(dimension);
        }
        return out.build();
    }

    private static ModelMetadataResponse.TensorMetadata tensor(TensorInfo info) {
        return tensor(info.name(), info.type().protocolName(), info.shape().stream().mapToLong(Long::longValue).toArray());
    }
}
