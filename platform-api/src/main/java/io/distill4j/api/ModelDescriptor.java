package io.distill4j.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What is known about a loaded model: identity, task, inputs and outputs as the runtime reports them,
 * the execution provider actually in use and why it is not a preferred one, the verdict of the load-time
 * operator-compatibility check, and the manifest's description, labels and provenance.
 *
 * @param id model name and version
 * @param task what the model does
 * @param inputs graph inputs
 * @param outputs graph outputs
 * @param executionProvider the provider chosen for this model ({@code CPU}, {@code CUDA})
 * @param providerNote why the model runs on {@code executionProvider} rather than a provider preferred
 *     before it (CUDA asked for but unavailable, or failed to open); empty when it got its first choice
 * @param compatibility the verdict of the operator-compatibility check made when the model loaded;
 *     empty when the engine's check is off
 * @param description free text from the manifest, may be empty
 * @param labels class labels for classification models, else empty
 * @param provenance free-form key/value metadata from the manifest (producer, teacher, data fingerprint)
 */
public record ModelDescriptor(ModelId id, TaskType task, List<TensorInfo> inputs, List<TensorInfo> outputs,
        String executionProvider, String providerNote, Optional<CompatibilityVerdict> compatibility,
        String description, List<String> labels, Map<String, String> provenance) {

    public ModelDescriptor {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(task, "task");
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        Objects.requireNonNull(executionProvider, "executionProvider");
        providerNote = providerNote == null ? "" : providerNote;
        Objects.requireNonNull(compatibility, "compatibility");
        description = description == null ? "" : description;
        labels = labels == null ? List.of() : List.copyOf(labels);
        provenance = provenance == null ? Map.of() : Map.copyOf(provenance);
    }
}
