package io.distill4j.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What is known about a loaded model: identity, task, inputs and outputs as the runtime reports them,
 * the execution provider actually in use, and the manifest's description, labels and provenance.
 *
 * @param id model name and version
 * @param task what the model does
 * @param inputs graph inputs
 * @param outputs graph outputs
 * @param executionProvider the provider chosen for this model ({@code CPU}, {@code CUDA})
 * @param description free text from the manifest, may be empty
 * @param labels class labels for classification models, else empty
 * @param provenance free-form key/value metadata from the manifest (producer, teacher, data fingerprint)
 */
public record ModelDescriptor(ModelId id, TaskType task, List<TensorInfo> inputs, List<TensorInfo> outputs,
        String executionProvider, String description, List<String> labels, Map<String, String> provenance) {

    public ModelDescriptor {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(task, "task");
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        Objects.requireNonNull(executionProvider, "executionProvider");
        description = description == null ? "" : description;
        labels = labels == null ? List.of() : List.copyOf(labels);
        provenance = provenance == null ? Map.of() : Map.copyOf(provenance);
    }
}
