package io.distill4j.pipeline.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.distill4j.api.distill.Stage;
import io.distill4j.pipeline.registry.ModelRegistrar;
import io.distill4j.pipeline.registry.RegistrationRequest;

/**
 * {@link Stage#REGISTER}: adds the INT8 student to the distiller's model repository as the next version
 * of the spec's {@code register} name, with its tokenizer, labels and the job's provenance. An embedding
 * student's vectors are L2-normalized by the engine that serves it.
 */
final class RegisterStage {

    private RegisterStage() {
    }

    /** Registers the student under the spec's name; returns the new version. */
    static long run(RunContext run, String name, Path int8File, Path tokenizer, Labels labels) {
        Path repository = run.config().modelRepository().orElseThrow(() -> run.failure("register: the distiller "
                + "has no modelRepository to register '" + name + "' in"));
        long version = register(run, repository, name, int8File, tokenizer, labels.names(), run.embedding());
        run.clock().report(1, 1, 1, Map.of(), "registered " + name + " version " + version);
        return version;
    }

    /**
     * Registers {@code onnx} as the next version of {@code name} in the repository at {@code root}.
     *
     * @param normalize whether the engine L2-normalizes an embedding model's vectors
     */
    static long register(RunContext run, Path root, String name, Path onnx, Path tokenizer, List<String> labels,
            boolean normalize) {
        RegistrationRequest.Builder request = RegistrationRequest.builder(name, onnx, run.spec().task().taskType())
            .tokenizer(tokenizer)
            .normalize(normalize);
        if (!run.embedding()) {
            request.labels(labels);
        }
        try {
            return ModelRegistrar.inDirectory(root).register(request
                .maxSequenceLength(run.config().maxSequenceLength())
                .description(run.spec().name() + " student of " + run.spec().teacher().name() + " (job " + run.id()
                        + ")")
                .provenance("distill4j.job.id", run.id())
                .build()).id().version();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
