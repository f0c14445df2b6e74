package io.distill4j.engine.onnx.compat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import ai.onnxruntime.OrtProvider;
import io.distill4j.api.exception.Distill4jException;
import io.distill4j.engine.session.ExecutionProvider;
import io.distill4j.engine.session.ModelSession;
import io.distill4j.engine.session.SessionConfig;

/**
 * Proves what the kernel tables can only predict: for each provider of a {@link CompatibilityTarget},
 * creates a real ONNX Runtime session on the model with that provider and reports whether it
 * {@link Status#LOADED loaded}, {@link Status#FAILED failed} (with ONNX Runtime's message) or could not
 * be tried because this ONNX Runtime build has no such provider ({@link Status#UNAVAILABLE}, for example
 * CUDA on the CPU-only build).
 *
 * <pre>{@code
 * CompatibilityReport report = CompatibilityChecker.check(model, target)
 *         .withPreflight(Preflight.run(bytes, target, SessionConfig.ofDefaults()));
 * }</pre>
 *
 * <p>ONNX Runtime's Java API does not say on which provider it placed each node, so a preflight does
 * not list fallbacks: those in the report come from the kernel tables, while the preflight proves that
 * the session loads. A session that loads with the CUDA provider may still run some nodes on CPU.
 *
 * <p>Each session, with its options, is closed before the next one is created, also when creation
 * fails, so a preflight holds no native resource after it returns. Loading a large model once per
 * provider takes time and memory: this is a tool for checks before deployment, not for every request.
 */
public final class Preflight {

    private Preflight() {
    }

    /**
     * Loads {@code model}, an {@code .onnx} file's bytes, once per provider of {@code target}, with the
     * threads, optimization level and CUDA device of {@code config} (its providers are ignored). A
     * model with external data must be given by its path instead.
     */
    public static List<Result> run(byte[] model, CompatibilityTarget target, SessionConfig config) {
        Objects.requireNonNull(model, "model");
        return run(target, config, options -> ModelSession.open("preflight", model, options));
    }

    /** Loads the model in {@code modelFile} once per provider of {@code target}, as {@link #run(byte[], CompatibilityTarget, SessionConfig)}. */
    public static List<Result> run(Path modelFile, CompatibilityTarget target, SessionConfig config) {
        Objects.requireNonNull(modelFile, "modelFile");
        return run(target, config, options -> ModelSession.open("preflight", modelFile, options));
    }

    private static List<Result> run(CompatibilityTarget target, SessionConfig config,
            Function<SessionConfig, ModelSession> open) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(config, "config");
        List<Result> results = new ArrayList<>();
        for (ExecutionProvider provider : target.providers()) {
            if (provider == ExecutionProvider.CUDA
                    && !ModelSession.environment().getAvailableProviders().contains(OrtProvider.CUDA)) {
                results.add(new Result(provider, Status.UNAVAILABLE, "this ONNX Runtime build has no CUDA provider "
                        + "(onnxruntime_gpu, built with -Pcuda, has one)"));
                continue;
            }
            SessionConfig only = SessionConfig.builder()
                    .intraOpThreads(config.intraOpThreads())
                    .interOpThreads(config.interOpThreads())
                    .optimizationLevel(config.optimizationLevel())
                    .cudaDeviceId(config.cudaDeviceId())
                    .executionProviders(provider)
                    .build();
            try (ModelSession session = open.apply(only)) {
                if (session.provider() == provider) {
                    results.add(new Result(provider, Status.LOADED, provider == ExecutionProvider.CPU ? ""
                            : "nodes without a " + provider + " kernel run on CPU"));
                }
                else {
                    // ModelSession fell back to CPU; its note says why the provider could not be used.
                    results.add(new Result(provider, Status.FAILED, session.providerNote()));
                }
            }
            catch (Distill4jException ex) {
                results.add(new Result(provider, Status.FAILED, ex.getMessage()));
            }
        }
        return List.copyOf(results);
    }

    /** What happened when a session was created with one provider. */
    public enum Status {
        /** ONNX Runtime created the session. */
        LOADED,
        /** ONNX Runtime refused the model with this provider. */
        FAILED,
        /** This ONNX Runtime build has no such provider, so it was not tried. */
        UNAVAILABLE
    }

    /**
     * The preflight of one provider.
     *
     * @param provider the provider the session was created with
     * @param status whether it loaded
     * @param message ONNX Runtime's message for a failure, why a provider is unavailable, or a note;
     *     may be empty
     */
    public record Result(ExecutionProvider provider, Status status, String message) {

        public Result {
            Objects.requireNonNull(provider, "provider");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(message, "message");
        }
    }
}
