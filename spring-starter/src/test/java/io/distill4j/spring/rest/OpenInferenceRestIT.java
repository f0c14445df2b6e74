package io.distill4j.spring.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.distill4j.api.InferenceEngine;
import io.distill4j.spring.testing.AdminServer;
import io.distill4j.spring.testing.MiniLmRepository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Open Inference Protocol's REST binding on a real application (Tomcat, the starter's security chain), called
 * by a plain JDK HTTP client with JSON written from the public specification: the same embeddings as the
 * in-process engine, and every error answered with its status and a JSON error naming the field.
 */
class OpenInferenceRestIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String TEXTS = "[\"How do I reset my card PIN?\", \"Transfers abroad take a day.\"]";

    @TempDir
    static Path dir;

    private static AdminServer server;

    @BeforeAll
    static void start() throws Exception {
        Path repository = MiniLmRepository.install(dir.resolve("models"));
        MiniLmRepository.install(repository, "spare", 1);
        server = AdminServer.start("distill4j.inference.model-repository=" + repository,
                "distill4j.inference.load-on-startup=minilm", "distill4j.distill.work-directory=" + dir.resolve("work"),
                "distill4j.rest.max-request-size=1MB");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void healthServerAndModelMetadataFollowTheSpecification() throws Exception {
        assertThat(json(get("/v2/health/live"), 200).path("live").asBoolean()).isTrue();
        assertThat(json(get("/v2/health/ready"), 200).path("ready").asBoolean()).isTrue();
        assertThat(json(get("/v2"), 200).path("name").asString()).isEqualTo("distill4j");

        JsonNode metadata = json(get("/v2/models/minilm"), 200);
        assertThat(metadata.path("name").asString()).isEqualTo("minilm");
        assertThat(metadata.path("versions").get(0).asString()).isEqualTo("1");
        assertThat(metadata.path("inputs").get(0).toString())
            .isEqualTo("{\"name\":\"text\",\"datatype\":\"BYTES\",\"shape\":[-1]}");
        assertThat(metadata.path("outputs").get(0).toString())
            .isEqualTo("{\"name\":\"embedding\",\"datatype\":\"FP32\",\"shape\":[-1,384]}");
        assertThat(json(get("/v2/models/minilm/versions/1"), 200).path("name").asString()).isEqualTo("minilm");

        JsonNode ready = json(get("/v2/models/minilm/ready"), 200);
        assertThat(ready.path("ready").asBoolean()).isTrue();
        assertThat(json(get("/v2/models/spare/ready"), 503).path("ready").asBoolean()).isFalse();
    }

    @Test
    void textsGetTheEnginesEmbeddingsFlatOrNested() throws Exception {
        JsonNode answer = json(infer("minilm", "{\"id\": \"req-7\", \"inputs\": [{\"name\": \"text\", "
                + "\"datatype\": \"BYTES\", \"shape\": [2], \"data\": " + TEXTS + "}]}"), 200);
        assertThat(answer.path("id").asString()).isEqualTo("req-7");
        assertThat(answer.path("model_name").asString()).isEqualTo("minilm");
        assertThat(answer.path("model_version").asString()).isEqualTo("1");
        JsonNode output = answer.path("outputs").get(0);
        assertThat(output.path("name").asString()).isEqualTo("embedding");
        assertThat(output.path("datatype").asString()).isEqualTo("FP32");
        assertThat(output.path("shape").toString()).isEqualTo("[2,384]");

        List<float[]> expected = server.context().getBean(InferenceEngine.class).embed("minilm",
                List.of("How do I reset my card PIN?", "Transfers abroad take a day."));
        JsonNode data = output.path("data");
        assertThat(data.size()).isEqualTo(768);
        for (int i = 0; i < 768; i++) {
            assertThat(data.get(i).floatValue()).isCloseTo(expected.get(i / 384)[i % 384], within(1e-6f));
        }

        JsonNode nested = json(infer("minilm", "{\"inputs\": [{\"name\": \"text\", \"datatype\": \"BYTES\", "
                + "\"shape\": [2, 1], \"data\": [[\"How do I reset my card PIN?\"], "
                + "[\"Transfers abroad take a day.\"]]}],"
                + " \"outputs\": [{\"name\": \"embedding\"}]}"), 200);
        assertThat(nested.path("outputs").get(0).path("data")).isEqualTo(data);
        assertThat(nested.has("id")).isFalse();
    }

    @Test
    void badRequestsAnswerTheirStatusAndAJsonErrorNamingTheField() throws Exception {
        String text = "{\"inputs\": [{\"name\": \"text\", \"datatype\": \"BYTES\", \"shape\": [2], \"data\": " + TEXTS
                + "}]}";
        assertError(infer("nope", text), 404, "nope");
        assertError(infer("spare", text), 404, "spare");
        assertError(post("/v2/models/minilm/versions/3/infer", text), 404, "version 3 is not loaded");
        assertError(infer("minilm", "{not json"), 400, "body: is not valid JSON");
        assertError(infer("minilm", "[]"), 400, "body: must be a JSON object");
        assertError(infer("minilm", "{}"), 400, "inputs: must be a non-empty array");
        assertError(infer("minilm", text.replace("\"name\": \"text\"", "\"name\": \"sentence\"")), 400,
                "inputs[0].name: a text model's input is 'text', got 'sentence'");
        assertError(infer("minilm", "{\"inputs\": [" + input("[1]", "[\"a\"]") + ", " + input("[1]", "[\"b\"]")
                + "]}"), 400, "inputs[1].name: 'text' is given twice");
        assertError(infer("minilm", "{\"inputs\": [" + input("[3]", TEXTS) + "]}"), 400,
                "text: shape [3] needs 3 elements, the data hold 2");
        assertError(infer("minilm", "{\"inputs\": [" + input("[2]", "[1, 2]") + "]}"), 400,
                "text.data[0]: must be a string, got 1");
        assertError(infer("minilm", "{\"inputs\": [" + input("[-1]", "[]") + "]}"), 400,
                "text.shape: dimensions must be >= 0");
        assertError(infer("minilm", "{\"inputs\": [" + input("\"two\"", TEXTS) + "]}"), 400,
                "text.shape: must be an array of dimensions");
        assertError(infer("minilm", "{\"inputs\": [{\"name\": \"text\", \"datatype\": \"FP16\", \"shape\": [1], "
                + "\"data\": [1.0]}]}"), 400, "text.datatype: 'FP16' is not supported");
        assertError(infer("minilm", "{\"inputs\": [{\"name\": \"text\", \"shape\": [1], \"data\": [\"a\"]}]}"), 400,
                "inputs[0].datatype: must be a non-empty string");
        assertError(infer("minilm", "{\"inputs\": [" + input("[1, 2]", "[\"a\", \"b\"]") + "]}"), 400,
                "BYTES of shape [N] or [N, 1], got BYTES [1, 2]");
        assertError(infer("minilm", text.replace("}]}", "}], \"outputs\": [{\"name\": \"logits\"}]}")), 400,
                "outputs.logits: the model has no such output");
        assertError(get("/v2/models/nope"), 404, "nope");
        assertThat(post("/v2/repository/index", "{}").statusCode()).as("no admin configured: off, never open")
            .isEqualTo(403);
        assertThat(post("/v2/repository/models/minilm/unload", "").statusCode()).isEqualTo(403);
        String tooLarge = "{\"inputs\": [" + input("[1]", "[\"" + "x".repeat(2 * 1024 * 1024) + "\"]") + "]}";
        assertError(infer("minilm", tooLarge), 400,
                "body: must be at most 1048576 bytes (distill4j.rest.max-request-size)");
        // The server is as healthy afterwards.
        assertThat(json(infer("minilm", text), 200).path("outputs").get(0).path("shape").toString())
            .isEqualTo("[2,384]");
    }

    @Test
    void withAnInferenceTokenOnlyTheHealthPathsAreOpenAndTheRepositoryIsTheAdmins() throws Exception {
        Path repository = MiniLmRepository.install(dir.resolve("secured"));
        MiniLmRepository.install(repository, "spare", 1);
        try (AdminServer secured = AdminServer.start("distill4j.inference.model-repository=" + repository,
                "distill4j.inference.load-on-startup=minilm", "distill4j.distill.work-directory=" + dir.resolve("w2"),
                "distill4j.security.inference.token=t0ken", "distill4j.security.admin.token=4dmin")) {
            int port = secured.serverPort();
            assertThat(secured.send(port, "POST", "/v2/repository/index", "Bearer t0ken", "{}").statusCode())
                .as("the inference token is not an admin's").isIn(401, 403);
            HttpResponse<String> index = secured.send(port, "POST", "/v2/repository/index", "Bearer 4dmin", "{}");
            assertThat(index.statusCode()).as(index.body()).isEqualTo(200);
            assertThat(index.body()).contains(
                    "{\"name\":\"minilm\",\"version\":\"1\",\"state\":\"READY\",\"reason\":\"\"}",
                    "{\"name\":\"spare\",\"version\":\"1\",\"state\":\"UNAVAILABLE\",\"reason\":\"not loaded\"}");
            HttpResponse<String> noVersion = secured.send(port, "POST", "/v2/repository/models/spare/load",
                    "Bearer 4dmin", "{\"parameters\": {\"version\": 3}}");
            assertThat(noVersion.statusCode()).isEqualTo(404);
            assertThat(noVersion.body()).contains("no version 3");
            HttpResponse<String> badVersion = secured.send(port, "POST", "/v2/repository/models/spare/load",
                    "Bearer 4dmin", "{\"parameters\": {\"version\": \"two\"}}");
            assertThat(badVersion.statusCode()).isEqualTo(400);
            assertThat(badVersion.body()).contains("parameters.version");
            assertThat(secured.send(port, "POST", "/v2/repository/models/spare/load", "Bearer 4dmin",
                    "{\"parameters\": {\"version\": 1}}").statusCode()).isEqualTo(200);
            assertThat(secured.send(port, "GET", "/v2/models/spare/ready", "Bearer t0ken", null).statusCode())
                .isEqualTo(200);
            assertThat(secured.send(port, "POST", "/v2/repository/models/spare/unload", "Bearer 4dmin", "")
                .statusCode()).isEqualTo(200);
            HttpResponse<String> again = secured.send(port, "POST", "/v2/repository/models/spare/unload",
                    "Bearer 4dmin", "");
            assertThat(again.statusCode()).isEqualTo(404);
            assertThat(again.body()).contains("spare is not loaded");
            String text = "{\"inputs\": [" + input("[1]", "[\"a card\"]") + "]}";
            assertThat(secured.send(secured.serverPort(), "GET", "/v2/health/ready", null, null).statusCode())
                .isEqualTo(200);
            assertThat(secured.send(secured.serverPort(), "POST", "/v2/models/minilm/infer", null, text).statusCode())
                .isIn(401, 403);
            assertThat(secured.send(secured.serverPort(), "POST", "/v2/models/minilm/infer", "Bearer wrong", text)
                .statusCode()).isIn(401, 403);
            HttpResponse<String> ok = secured.send(secured.serverPort(), "POST", "/v2/models/minilm/infer",
                    "Bearer t0ken", text);
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        }
    }

    private static String input(String shape, String data) {
        return "{\"name\": \"text\", \"datatype\": \"BYTES\", \"shape\": " + shape + ", \"data\": " + data + "}";
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return server.send(server.serverPort(), "GET", path, null, null);
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return server.send(server.serverPort(), "POST", path, null, body);
    }

    private static HttpResponse<String> infer(String model, String body) throws Exception {
        return post("/v2/models/" + model + "/infer", body);
    }

    private static JsonNode json(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type)
            .startsWith("application/json"));
        return JSON.readTree(response.body());
    }

    private static void assertError(HttpResponse<String> response, int status, String message) {
        JsonNode error = json(response, status);
        assertThat(error.path("error").asString()).contains(message);
        assertThat(error.size()).as("only the error field").isEqualTo(1);
    }
}
