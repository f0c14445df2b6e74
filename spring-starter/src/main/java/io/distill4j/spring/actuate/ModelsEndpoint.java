package io.distill4j.spring.actuate;

import java.util.List;
import java.util.Optional;

import io.distill4j.api.CompatibilityVerdict;
import io.distill4j.api.InferenceEngine;
import io.distill4j.api.ModelDescriptor;
import io.distill4j.api.RepositoryEntry;
import io.distill4j.api.TaskType;
import io.distill4j.api.exception.ModelNotFoundException;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.ServingPlan;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code models} endpoint: the model repository with what is served, and its control.
 *
 * <pre>
 * GET    /actuator/models              every model: versions on disk, served version, state, provider, verdict
 * GET    /actuator/models/{name}       one model (404 if the repository has no such model)
 * POST   /actuator/models/{name}       load the newest version, or {"version": N} to load or hot-swap to N
 * DELETE /actuator/models/{name}       unload (404 if it is not loaded)
 * </pre>
 *
 * A hot swap serves new requests from the new version at once; requests in flight finish on the old one,
 * which closes when drained. Over HTTP, {@link ModelsEndpointWebExtension} turns failures into statuses.
 */
@Endpoint(id = "models")
public class ModelsEndpoint {

    /** The state of a model with a served version. */
    public static final String READY = "READY";

    /** The state of a model on disk that is not served. */
    public static final String UNAVAILABLE = "UNAVAILABLE";

    /** The compatibility shown for a model loaded without the engine's compatibility check. */
    public static final String NOT_CHECKED = "not checked";

    private final InferenceEngine engine;

    public ModelsEndpoint(InferenceEngine engine) {
        this.engine = engine;
    }

    /** Every model in the repository, by name. */
    @ReadOperation
    public Models models() {
        return new Models(this.engine.repositoryIndex().stream().map(this::describe).toList());
    }

    /** One model; {@code null} (404 over HTTP) if the repository has none of that name. */
    @ReadOperation
    public @Nullable Model model(@Selector String name) {
        return entry(name).map(this::describe).orElse(null);
    }

    /**
     * Loads a model: the given version, or the newest on disk; swaps to it if another version is served.
     * @throws ModelNotFoundException if the model or version is not on disk
     * @throws io.distill4j.api.exception.InvalidInputException if the version is below 1
     */
    @WriteOperation
    public Model load(@Selector String name, @Nullable Long version) {
        if (version == null) {
            this.engine.load(name);
        }
        else {
            this.engine.load(name, version);
        }
        return model(name);
    }

    /**
     * Stops serving a model; requests in flight finish first.
     * @throws ModelNotFoundException if it is not loaded
     */
    @DeleteOperation
    public Model unload(@Selector String name) {
        if (!this.engine.unload(name)) {
            throw new ModelNotFoundException(name, "Model " + name + " is not loaded");
        }
        return model(name);
    }

    private Optional<RepositoryEntry> entry(String name) {
        return this.engine.repositoryIndex().stream().filter(entry -> entry.name().equals(name)).findFirst();
    }

    private Model describe(RepositoryEntry entry) {
        String name = entry.name();
        if (entry.loaded()) {
            try {
                ModelDescriptor served = this.engine.describe(name);
                return new Model(name, READY, served.id().version(), entry.versions(), served.task().id(),
                        served.executionProvider(), providerNote(served), verdict(served), served.description(),
                        this.engine instanceof OnnxInferenceEngine onnx ? onnx.servingPlan(name) : null);
            }
            catch (ModelNotFoundException ex) {
                // Unloaded between the index and the description: report it as on disk only.
            }
        }
        return new Model(name, UNAVAILABLE, null, entry.versions(), entry.task().map(TaskType::id).orElse(null), null,
                null, null, null, null);
    }

    /** The descriptor's provider note, {@code null} when the model got its first choice. */
    static @Nullable String providerNote(ModelDescriptor model) {
        return model.providerNote().isEmpty() ? null : model.providerNote();
    }

    /** The descriptor's compatibility verdict in words, {@value #NOT_CHECKED} when the engine's check is off. */
    static String verdict(ModelDescriptor model) {
        return model.compatibility().map(CompatibilityVerdict::label).orElse(NOT_CHECKED);
    }

    /**
     * The repository.
     * @param models every model, by name
     */
    public record Models(List<Model> models) implements OperationResponseBody {
    }

    /**
     * One model.
     * @param name the model name
     * @param state {@value #READY} or {@value #UNAVAILABLE}
     * @param servedVersion the version served, or {@code null}
     * @param versions the versions on disk, ascending
     * @param task what it does ({@code text-embedding}, ...)
     * @param provider the execution provider of the served version ({@code CPU}, {@code CUDA})
     * @param providerNote why it is not on a preferred provider, if that is the case
     * @param compatibility the operator-compatibility verdict of the served version
     * @param description the manifest's description
     * @param serving how the served version runs: instances, sessions, batching and what the adaptive batch policy
     *     measured ({@code null} when not served, or with an engine other than {@link OnnxInferenceEngine})
     */
    public record Model(String name, String state, @Nullable Long servedVersion, List<Long> versions,
            @Nullable String task, @Nullable String provider, @Nullable String providerNote,
            @Nullable String compatibility, @Nullable String description, @Nullable ServingPlan serving)
            implements OperationResponseBody {
    }
}
