package io.distill4j.spring.grpc;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import io.distill4j.api.InferenceEngine;
import io.distill4j.api.ModelDescriptor;
import io.distill4j.api.Tensor;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.api.grpc.inference.GRPCInferenceServiceGrpc;
import io.distill4j.api.grpc.inference.ModelInferRequest;
import io.distill4j.api.grpc.inference.ModelInferResponse;
import io.distill4j.api.grpc.inference.ModelMetadataRequest;
import io.distill4j.api.grpc.inference.ModelMetadataResponse;
import io.distill4j.api.grpc.inference.ModelReadyRequest;
import io.distill4j.api.grpc.inference.ModelReadyResponse;
import io.distill4j.api.grpc.inference.RepositoryIndexRequest;
import io.distill4j.api.grpc.inference.RepositoryIndexResponse;
import io.distill4j.api.grpc.inference.ModelRepositoryParameter;
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
import io.distill4j.spring.inference.OpenInference;
import io.distill4j.spring.lifecycle.ServingGate;
import io.distill4j.spring.resilience.InferenceGuard;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.stub.StreamObserver;

/**
 * The Open Inference Protocol v2 over gRPC: a thin adapter of {@link OpenInference} (what text models take and
 * answer, strict input names, requested outputs, versions, the guard), every failure mapped by
 * {@link GrpcStatusMapper}. A request that sends {@code raw_input_contents} gets {@code raw_output_contents} back
 * (as Triton's clients expect), one with typed contents gets typed contents. The call's gRPC deadline is the time
 * left the guard and the engine's queue see: a request whose deadline passes before it runs is dropped
 * ({@code DEADLINE_EXCEEDED}).
 *
 * <p>The model-repository extension lists the repository ({@code READY} with the served version, or
 * {@code UNAVAILABLE} with the newest on disk), loads (or reloads, swapping in the newest version) and
 * unloads by name. Load and unload change what the server serves, so they are admin methods: unless the
 * service is built with {@code repositoryControl} they answer {@code PERMISSION_DENIED}; the starter turns
 * it on only when admin credentials are configured, and {@link GrpcAccess} checks them.
 *
 * <p>{@code ServerReady} is the {@link ServingGate}'s readiness: {@code false} from the moment the server starts
 * to shut down; from the moment the gate refuses, {@code ModelInfer} answers {@code UNAVAILABLE} (nothing ran;
 * retry elsewhere) while calls already running finish.
 */
public class OpenInferenceService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

    /** The name of a text model's input in its metadata. */
    public static final String TEXT_INPUT = OpenInference.TEXT_INPUT;

    public static final String EMBEDDING_OUTPUT = OpenInference.EMBEDDING_OUTPUT;

    public static final String LOGITS_OUTPUT = OpenInference.LOGITS_OUTPUT;

    public static final String LABEL_OUTPUT = OpenInference.LABEL_OUTPUT;

    /** The platform reported for every model. */
    public static final String PLATFORM = OpenInference.PLATFORM;

    private final OpenInference inference;

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
        this(engine, guard, new ServingGate(), serverName, serverVersion, repositoryControl);
    }

    /**
     * @param guard the policy every model call runs under (bulkhead, circuit breaker, time limiter), given
     * the call's remaining deadline
     * @param gate what {@code ServerReady} answers and what admits each {@code ModelInfer}; shared with the
     * server's other bindings and drained when it shuts down
     * @param repositoryControl whether RepositoryModelLoad and RepositoryModelUnload may change what is
     * loaded; give {@code true} only behind an authenticating interceptor
     */
    public OpenInferenceService(InferenceEngine engine, InferenceGuard guard, ServingGate gate, String serverName,
            String serverVersion, boolean repositoryControl) {
        this.inference = new OpenInference(Objects.requireNonNull(engine, "engine"), guard, gate);
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
        GrpcStatusMapper.unary(response, () -> ServerReadyResponse.newBuilder()
            .setReady(this.inference.serverReady()).build());
    }

    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> response) {
        GrpcStatusMapper.unary(response, () -> ModelReadyResponse.newBuilder()
            .setReady(this.inference.ready(request.getName(), request.getVersion())).build());
    }

    @Override
    public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> response) {
        GrpcStatusMapper.unary(response, () -> ServerMetadataResponse.newBuilder().setName(this.serverName)
            .setVersion(this.serverVersion).addExtensions("model_repository").build());
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> response) {
        GrpcStatusMapper.unary(response, () -> {
            ModelDescriptor model = this.inference.loaded(request.getName(), request.getVersion(), "name");
            ModelMetadataResponse.Builder out = ModelMetadataResponse.newBuilder().setName(model.id().name())
                .addVersions(Long.toString(model.id().version())).setPlatform(PLATFORM);
            OpenInference.inputs(model).forEach(spec -> out.addInputs(tensor(spec)));
            OpenInference.outputs(model).forEach(spec -> out.addOutputs(tensor(spec)));
            return out.build();
        });
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> response) {
        GrpcStatusMapper.unary(response, () -> {
            ModelDescriptor model = this.inference.loaded(request.getModelName(), request.getModelVersion(),
                    "model_name");
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
                long[] shape = input.getShapeList().stream().mapToLong(Long::longValue).toArray();
                OpenInference.addInput(model, inputs, i, input.getName(), TensorCodec.decode(name, input.getName(),
                        input.getDatatype(), shape, input.getContents(), raw ? request.getRawInputContents(i) : null));
            }
            List<String> requested = request.getOutputsList().stream()
                .map(ModelInferRequest.InferRequestedOutputTensor::getName).toList();
            Map<String, Tensor> outputs = this.inference.infer(model, inputs, requested, timeLeft());
            return encode(request, model, outputs, raw);
        });
    }

    @Override
    public void repositoryIndex(RepositoryIndexRequest request, StreamObserver<RepositoryIndexResponse> response) {
        GrpcStatusMapper.unary(response, () -> {
            RepositoryIndexResponse.Builder out = RepositoryIndexResponse.newBuilder();
            this.inference.repositoryIndex(request.getReady()).forEach(entry -> out.addModels(RepositoryIndexResponse
                .ModelIndex.newBuilder().setName(entry.name()).setVersion(entry.version()).setState(entry.state())
                .setReason(entry.reason())));
            return out.build();
        });
    }

    @Override
    public void repositoryModelLoad(RepositoryModelLoadRequest request,
            StreamObserver<RepositoryModelLoadResponse> response) {
        GrpcStatusMapper.unary(response, () -> {
            requireRepositoryControl("RepositoryModelLoad");
            ModelRepositoryParameter version = request.getParametersMap().get(OpenInference.VERSION_PARAMETER);
            this.inference.load(request.getModelName(), OpenInference.version(version == null ? null
                    : switch (version.getParameterChoiceCase()) {
                        case INT64_PARAM -> version.getInt64Param();
                        case STRING_PARAM -> version.getStringParam();
                        default -> version.toString().trim();
                    }, "parameters.version"), "model_name");
            return RepositoryModelLoadResponse.getDefaultInstance();
        });
    }

    @Override
    public void repositoryModelUnload(RepositoryModelUnloadRequest request,
            StreamObserver<RepositoryModelUnloadResponse> response) {
        GrpcStatusMapper.unary(response, () -> {
            requireRepositoryControl("RepositoryModelUnload");
            this.inference.unload(request.getModelName(), "model_name");
            return RepositoryModelUnloadResponse.getDefaultInstance();
        });
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

    private static ModelMetadataResponse.TensorMetadata tensor(OpenInference.TensorSpec spec) {
        return ModelMetadataResponse.TensorMetadata.newBuilder().setName(spec.name()).setDatatype(spec.datatype())
            .addAllShape(spec.shape()).build();
    }
}
