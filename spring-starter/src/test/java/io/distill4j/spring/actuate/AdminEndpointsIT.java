package io.distill4j.spring.actuate;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import io.distill4j.api.InferenceEngine;
import io.distill4j.api.distill.DataSpec;
import io.distill4j.api.distill.DistillationJob;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.Distiller;
import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.spring.testing.AdminServer;
import io.distill4j.spring.testing.MiniLmRepository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static io.distill4j.spring.testing.AdminServer.basic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The admin endpoints on a real management port of a real application (MiniLM as versions 1 and 2, a second
 * model on disk only), with admin credentials configured: what they answer, and to whom.
 */
class AdminEndpointsIT {

    private static final String ADMIN = basic("ops", "pa:ss");

    private static final String TOKEN = "Bearer s3cret";

    private static final JsonMapper json = JsonMapper.builder().build();

    @TempDir
    static Path dir;

    private static AdminServer server;

    @BeforeAll
    static void start() throws Exception {
        Path repository = MiniLmRepository.install(dir.resolve("models"));
        MiniLmRepository.install(repository, "minilm", 2);
        MiniLmRepository.install(repository, "spare", 1);
        server = AdminServer.start("distill4j.inference.model-repository=" + repository,
                "distill4j.inference.load-on-startup=minilm", "distill4j.distill.work-directory=" + dir.resolve("work"),
                "management.endpoints.web.exposure.include=health,info,models,distillations",
                "management.endpoint.health.show-details=when-authorized",
                "management.endpoint.health.roles=DISTILL4J_ADMIN", "distill4j.security.admin.username=ops",
                "distill4j.security.admin.password=pa:ss", "distill4j.security.admin.token=s3cret");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void healthAndInfoAreOpenAndHealthDetailsAreShownToTheAdminOnly() throws Exception {
        HttpResponse<String> anonymous = server.send("GET", "/actuator/health", null, null);
        assertThat(anonymous.statusCode()).isEqualTo(200);
        assertThat(tree(anonymous).path("status").asString()).isEqualTo("UP");
        assertThat(tree(anonymous).has("components")).isFalse();

        JsonNode health = tree(server.send("GET", "/actuator/health", ADMIN, null)).path("components");
        assertThat(health.path("distill4jEngine").path("status").asString()).isEqualTo("UP");
        assertThat(health.path("distill4jEngine").path("details").path("loadedModels").asInt()).isEqualTo(1);
        JsonNode minilm = health.path("distill4jModels").path("components").path("minilm");
        assertThat(minilm.path("status").asString()).isEqualTo("UP");
        assertThat(minilm.path("details").path("version").asLong()).isEqualTo(2);
        assertThat(minilm.path("details").path("provider").asString()).isEqualTo("CPU");
        assertThat(minilm.path("details").path("compatibility").asString()).isEqualTo("compatible");
        assertThat(health.path("distill4jDistiller").path("status").asString()).isEqualTo("UP");
        assertThat(health.path("distill4jDistiller").path("details").has("running")).isTrue();

        HttpResponse<String> info = server.send("GET", "/actuator/info", null, null);
        assertThat(info.statusCode()).isEqualTo(200);
        JsonNode distill4j = tree(info).path("distill4j");
        assertThat(distill4j.path("engine").path("name").asString()).isEqualTo("ONNX Runtime");
        assertThat(distill4j.path("engine").path("version").asString()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(distill4j.path("engine").path("providers").toString()).contains("CPU");
        assertThat(distill4j.path("models").get(0).path("model").asString()).isEqualTo("minilm/2");
        assertThat(distill4j.path("models").get(0).path("provider").asString()).isEqualTo("CPU");
        assertThat(distill4j.path("models").get(0).path("compatibility").asString()).isEqualTo("compatible");
    }

    @Test
    void adminEndpointsAnswer401WithoutOrWithWrongCredentialsAnd200WithBasicOrBearer() throws Exception {
        for (String path : new String[] { "/actuator/models", "/actuator/distillations" }) {
            HttpResponse<String> none = server.send("GET", path, null, null);
            assertThat(none.statusCode()).as(path).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Basic realm=\"distill4j\"");
            assertThat(server.send("GET", path, basic("ops", "wrong"), null).statusCode()).as(path).isEqualTo(401);
            assertThat(server.send("GET", path, basic("root", "pa:ss"), null).statusCode()).as(path).isEqualTo(401);
            assertThat(server.send("GET", path, "Bearer wrong", null).statusCode()).as(path).isEqualTo(401);
            assertThat(server.send("GET", path, ADMIN, null).statusCode()).as(path).isEqualTo(200);
            assertThat(server.send("GET", path, TOKEN, null).statusCode()).as(path).isEqualTo(200);
        }
        // Writes are guarded as well (and need no CSRF token: no session, credentials on every request).
        assertThat(server.send("POST", "/actuator/models/spare", null, "{}").statusCode()).isEqualTo(401);
        assertThat(server.send("DELETE", "/actuator/models/minilm", "Bearer wrong", null).statusCode()).isEqualTo(401);
        assertThat(server.context().getBean(InferenceEngine.class).describe("minilm").id().version()).isEqualTo(2);
    }

    @Test
    void modelsListsTheRepositoryWithVersionsStateTaskProviderAndVerdict() throws Exception {
        JsonNode models = tree(server.send("GET", "/actuator/models", ADMIN, null)).path("models");
        assertThat(models.size()).isEqualTo(2);
        JsonNode minilm = models.get(0);
        assertThat(minilm.path("name").asString()).isEqualTo("minilm");
        assertThat(minilm.path("state").asString()).isEqualTo("READY");
        assertThat(minilm.path("servedVersion").asLong()).isEqualTo(2);
        assertThat(minilm.path("versions").toString()).isEqualTo("[1,2]");
        assertThat(minilm.path("task").asString()).isEqualTo("text-embedding");
        assertThat(minilm.path("provider").asString()).isEqualTo("CPU");
        assertThat(minilm.path("compatibility").asString()).startsWith("compatible");
        assertThat(minilm.path("description").asString()).isEqualTo("MiniLM as minilm version 2");
        JsonNode spare = models.get(1);
        assertThat(spare.path("name").asString()).isEqualTo("spare");
        assertThat(spare.path("state").asString()).isEqualTo("UNAVAILABLE");
        assertThat(absent(spare.path("servedVersion"))).isTrue();
        assertThat(spare.path("task").asString()).isEqualTo("text-embedding");

        assertThat(tree(server.send("GET", "/actuator/models/minilm", TOKEN, null)).path("servedVersion").asLong())
            .isEqualTo(2);
    }

    @Test
    void aModelIsLoadedHotSwappedAndUnloadedThroughTheEndpoint() throws Exception {
        InferenceEngine engine = server.context().getBean(InferenceEngine.class);
        try {
            HttpResponse<String> swapped = server.send("POST", "/actuator/models/minilm", ADMIN, "{\"version\": 1}");
            assertThat(swapped.statusCode()).as(swapped.body()).isEqualTo(200);
            assertThat(tree(swapped).path("servedVersion").asLong()).isEqualTo(1);
            assertThat(engine.describe("minilm").id().version()).isEqualTo(1);
            assertThat(engine.embed("minilm", "still serving")).hasSize(384);
            HttpResponse<String> newest = server.send("POST", "/actuator/models/minilm", TOKEN, "{}");
            assertThat(tree(newest).path("servedVersion").asLong()).as(newest.body()).isEqualTo(2);

            HttpResponse<String> loaded = server.send("POST", "/actuator/models/spare", ADMIN, "{}");
            assertThat(loaded.statusCode()).as(loaded.body()).isEqualTo(200);
            assertThat(tree(loaded).path("state").asString()).isEqualTo("READY");
            HttpResponse<String> unloaded = server.send("DELETE", "/actuator/models/spare", ADMIN, null);
            assertThat(unloaded.statusCode()).isEqualTo(200);
            assertThat(tree(unloaded).path("state").asString()).isEqualTo("UNAVAILABLE");
            assertThat(engine.loadedModels()).extracting(model -> model.id().name()).containsExactly("minilm");
        }
        finally {
            engine.load("minilm", 2);
            engine.unload("spare");
        }
    }

    @Test
    void unknownModelsAndBadVersionsAnswerWithTheirStatusAndAMessage() throws Exception {
        assertThat(server.send("GET", "/actuator/models/nope", ADMIN, null).statusCode()).isEqualTo(404);
        HttpResponse<String> unknown = server.send("POST", "/actuator/models/nope", ADMIN, "{}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(tree(unknown).path("error").asString()).isEqualTo("MODEL_NOT_FOUND");
        assertThat(tree(unknown).path("message").asString()).contains("nope");
        HttpResponse<String> missingVersion = server.send("POST", "/actuator/models/minilm", ADMIN, "{\"version\": 7}");
        assertThat(missingVersion.statusCode()).isEqualTo(404);
        assertThat(tree(missingVersion).path("message").asString()).contains("7");
        HttpResponse<String> zero = server.send("POST", "/actuator/models/minilm", ADMIN, "{\"version\": 0}");
        assertThat(zero.statusCode()).isEqualTo(400);
        assertThat(tree(zero).path("message").asString()).contains("version").contains(">= 1");
        assertThat(server.send("POST", "/actuator/models/minilm", ADMIN, "{\"version\": \"two\"}").statusCode())
            .isEqualTo(400);
        HttpResponse<String> notLoaded = server.send("DELETE", "/actuator/models/spare", ADMIN, null);
        assertThat(notLoaded.statusCode()).isEqualTo(404);
        assertThat(tree(notLoaded).path("message").asString()).contains("spare is not loaded");
        assertThat(server.context().getBean(InferenceEngine.class).describe("minilm").id().version()).isEqualTo(2);
    }

    @Test
    void distillationsAreListedReadAndCancelled() throws Exception {
        Distiller distiller = server.context().getBean(Distiller.class);
        DistillationJob job = distiller.submit(DistillationSpec.builder().name("missing-data")
            .teacher(TeacherSpec.repositoryModel("minilm")).data(DataSpec.csv(dir.resolve("no-such.csv"))).build());
        assertThatExceptionOfType(DistillationException.class).isThrownBy(() -> job.await(Duration.ofMinutes(2)));

        JsonNode jobs = tree(server.send("GET", "/actuator/distillations", ADMIN, null)).path("jobs");
        assertThat(jobs.toString()).contains(job.id());
        JsonNode one = tree(server.send("GET", "/actuator/distillations/" + job.id(), TOKEN, null));
        assertThat(one.path("state").asString()).isEqualTo("FAILED");
        assertThat(one.path("name").asString()).isEqualTo("missing-data");
        assertThat(one.path("error").asString()).contains("no-such.csv");
        assertThat(absent(one.path("result"))).isTrue();
        // Cancelling a job that has ended changes nothing; an unknown job is 404.
        HttpResponse<String> cancelled = server.send("DELETE", "/actuator/distillations/" + job.id(), ADMIN, null);
        assertThat(cancelled.statusCode()).isEqualTo(200);
        assertThat(tree(cancelled).path("state").asString()).isEqualTo("FAILED");
        assertThat(server.send("GET", "/actuator/distillations/none-1", ADMIN, null).statusCode()).isEqualTo(404);
        assertThat(server.send("DELETE", "/actuator/distillations/none-1", ADMIN, null).statusCode()).isEqualTo(404);
    }

    /** The endpoints leave out null fields. */
    private static boolean absent(JsonNode node) {
        return node.isMissingNode() || node.isNull();
    }

    private static JsonNode tree(HttpResponse<String> response) {
        return json.readTree(response.body());
    }
}
