package io.distill4j.spring.autoconfigure;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

import io.distill4j.api.InferenceEngine;
import io.distill4j.engine.polling.RepositoryPoller;
import io.distill4j.spring.testing.AdminServer;
import io.distill4j.spring.testing.MiniLmRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real application with {@code distill4j.inference.repository-poll-interval}: a new version of a startup model
 * is served, a model that load-on-startup does not name is left alone, and a model unloaded through the admin
 * endpoint stays unloaded while new versions arrive, until the endpoint loads it again. Waits are bounded
 * polls, not timings.
 */
class RepositoryPollingIT {

    private static final long DEADLINE_NANOS = 3L * 60 * 1_000_000_000;

    @TempDir
    Path dir;

    @Test
    void followsTheRepositoryAndRespectsAnUnloadThroughTheAdminEndpoint() throws Exception {
        Path repository = MiniLmRepository.install(this.dir.resolve("models"));
        try (AdminServer server = AdminServer.start("distill4j.inference.model-repository=" + repository,
                "distill4j.inference.load-on-startup=minilm", "distill4j.inference.repository-poll-interval=1s",
                "distill4j.inference.session.intra-op-threads=1",
                "distill4j.distill.work-directory=" + this.dir.resolve("work"),
                "management.endpoints.web.exposure.include=models", "distill4j.security.admin.token=s3cret")) {
            InferenceEngine engine = server.context().getBean(InferenceEngine.class);
            RepositoryPoller poller = server.context().getBean(RepositoryPollingLifecycle.class).poller();
            assertThat(poller.isRunning()).isTrue();

            MiniLmRepository.install(repository, "minilm", 2);
            MiniLmRepository.install(repository, "other", 1);
            await(() -> engine.describe("minilm").id().version() == 2);
            awaitPolls(poller, 2);
            assertThat(engine.loadedModels()).extracting(m -> m.id().name()).containsExactly("minilm");

            HttpResponse<String> unloaded = server.send("DELETE", "/actuator/models/minilm", "Bearer s3cret", null);
            assertThat(unloaded.statusCode()).as(unloaded.body()).isEqualTo(200);
            MiniLmRepository.install(repository, "minilm", 3);
            awaitPolls(poller, 3);
            assertThat(engine.loadedModels()).as("unloaded through the admin endpoint, not reloaded").isEmpty();

            HttpResponse<String> loaded = server.send("POST", "/actuator/models/minilm", "Bearer s3cret", "{}");
            assertThat(loaded.statusCode()).as(loaded.body()).isEqualTo(200);
            assertThat(engine.describe("minilm").id().version()).isEqualTo(3);
            MiniLmRepository.install(repository, "minilm", 4);
            await(() -> engine.describe("minilm").id().version() == 4);

            server.close();
            assertThat(poller.isRunning()).as("stopped with the context").isFalse();
        }
    }

    private static void awaitPolls(RepositoryPoller poller, int polls) throws InterruptedException {
        long target = poller.polls() + polls;
        await(() -> poller.polls() >= target);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited past the deadline").isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
