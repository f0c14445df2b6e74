package io.distill4j.cli;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicBoolean;

import io.distill4j.api.InferenceEngine;
import io.distill4j.api.ModelDescriptor;
import io.distill4j.api.distill.DistillationJob;
import io.distill4j.api.distill.DistillationResult;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.Distiller;

/**
 * Runs one distillation on a {@link Distiller} in this process with its progress shown, prints the result's
 * summary once, and, when an engine is given, serves the registered student. A JVM shutdown (Ctrl-C) while it
 * runs cancels the job.
 */
final class LocalDistillation {

    private LocalDistillation() {
    }

    /**
     * @return the result
     * @throws io.distill4j.api.exception.DistillationException when the job fails, or
     * {@link io.distill4j.api.exception.DistillationCancelledException} when it is cancelled
     */
    static DistillationResult run(Distiller distiller, InferenceEngine engine, DistillationSpec spec,
            JobProgress.Mode mode, boolean terminal, PrintStream out) {
        DistillationJob job = distiller.submit(spec);
        out.println("Distilling " + spec.name() + " (job " + job.id() + ")");
        AtomicBoolean ended = new AtomicBoolean();
        Thread cancelOnExit = new Thread(() -> {
            if (!ended.get()) {
                job.cancel();
            }
        }, "distill4j-cancel-on-exit");
        Runtime.getRuntime().addShutdownHook(cancelOnExit);
        DistillationResult result;
        try (JobProgress progress = JobProgress.open(mode, spec.name(), out, terminal)) {
            DistillationJob.Subscription subscription = job.subscribe(event -> progress.update(event.state().name(),
                    event.stage().name(), event.step(), event.totalSteps(), event.fraction(), event.metrics(),
                    event.eta().orElse(null)));
            try {
                result = job.await();
            }
            finally {
                subscription.close();
                ended.set(true);
                removeHook(cancelOnExit);
            }
        }
        out.print(result.summary());
        if (engine != null) {
            result.registeredModel().ifPresent(name -> {
                ModelDescriptor model = engine.load(name);
                out.printf("Serving %s  %s  provider=%s  %s%n", model.id(), model.task().id(),
                        model.executionProvider(), model.description());
            });
        }
        return result;
    }

    static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (IllegalStateException ex) {
            // The JVM is shutting down: the hook runs and sees that the job ended.
        }
    }
}
