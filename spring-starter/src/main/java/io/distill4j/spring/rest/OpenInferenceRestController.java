package io.distill4j.spring.rest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import io.distill4j.api.ModelDescriptor;
import io.distill4j.api.Tensor;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.spring.inference.OpenInference;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The Open Inference Protocol v2 over HTTP/REST, written from the public specification: a thin adapter of
 * {@link OpenInference} — the same engine call, guard and validation as the gRPC binding.
 *
 * <pre>
 * GET  /v2/health/live                                       {"live": true}
 * GET  /v2/health/ready                                      {"ready": true}: 200 when ready, 503 when not
 * GET  /v2                                                   {"name", "version", "extensions"}
 * GET  /v2/models/{name}[/versions/{version}]                {"name", "versions", "platform", "inputs", "outputs"}
 * GET  /v2/models/{name}[/versions/{version}]/ready          {"name", "ready"}: 200 when ready, 503 when not
 * POST /v2/models/{name}[/versions/{version}]/infer          {"id", "inputs": [...], "outputs": [...]}
 * </pre>
 *
 * Tensors are JSON ({@link JsonTensors}: BYTES as strings). The request is read strictly: {@code inputs} must be
 * an array of objects with {@code name}, {@code datatype}, {@code shape} and {@code data}; an input the model
 * does not have, one given twice, or a shape the data does not fill is a 400 naming the field. Every failure
 * answers {@code {"error": "..."}} with the status of {@link HttpStatusMapper}; 429 and 503 carry
 * {@code Retry-After}. A request body over the configured size is refused without being read whole.
 *
 * <p>Readiness is the server's {@link io.distill4j.spring.lifecycle.ServingGate}'s: {@code /v2/health/ready}
 * answers 503 from the moment the server starts to shut down. From then on inference answers carry
 * {@code Connection: close}, so that a kept-alive client reconnects through its load balancer; once the gate
 * refuses, an inference request is a 503 with {@code Retry-After} (nothing ran; retry elsewhere).
 *
 * <p>The repository extension (Triton's): {@code POST /v2/repository/index} lists the repository,
 * {@code POST /v2/repository/models/{name}/load} loads (or swaps in the newest version) and {@code .../unload}
 * unloads — admin calls: refused (403) unless the controller was built with {@code repositoryControl}, which the
 * starter gives only when admin credentials are configured, and its security chain checks them.
 */
@RestController
@RequestMapping(path = "/v2", produces = MediaType.APPLICATION_JSON_VALUE)
public class OpenInferenceRestController {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final OpenInference inference;

    private final String serverName;

    private final String serverVersion;

    private final long maxRequestBytes;

    private final boolean repositoryControl;

    /**
     * @param maxRequestBytes the largest inference request body read; a larger one is refused (400, naming the
     *     limit) without being read whole
     * @param repositoryControl whether the repository extension may load and unload; give {@code true} only when
     *     admin credentials are configured and checked in front of {@code /v2/repository}
     */
    public OpenInferenceRestController(OpenInference inference, String serverName, String serverVersion,
            long maxRequestBytes, boolean repositoryControl) {
        this.inference = Objects.requireNonNull(inference, "inference");
        this.serverName = Objects.requireNonNull(serverName, "serverName");
        this.serverVersion = Objects.requireNonNull(serverVersion, "serverVersion");
        if (maxRequestBytes < 1 || maxRequestBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("distill4j.rest.max-request-size must be 1 B to 2 GB, was "
                    + maxRequestBytes + " bytes");
        }
        this.maxRequestBytes = maxRequestBytes;
        this.repositoryControl = repositoryControl;
    }

    @GetMapping("/health/live")
    public ObjectNode live() {
        return NODES.objectNode().put("live", true);
    }

    @GetMapping("/health/ready")
    public ResponseEntity<ObjectNode> ready() {
        boolean ready = this.inference.serverReady();
        return ResponseEntity.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
            .body(NODES.objectNode().put("ready", ready));
    }

    @GetMapping({ "", "/" })
    public ObjectNode server() {
        ObjectNode out = NODES.objectNode().put("name", this.serverName).put("version", this.serverVersion);
        out.putArray("extensions").add("model_repository");
        return out;
    }

    /** The repository extension's index: {@code {"ready": true}} in the body lists only the served models. */
    @PostMapping(path = "/repository/index", consumes = MediaType.ALL_VALUE)
    public ArrayNode repositoryIndex(InputStream body) throws IOException {
        String text = read(null, body);
        JsonNode request = text.isEmpty() ? NODES.objectNode() : parse(null, text);
        ArrayNode out = NODES.arrayNode();
        this.inference.repositoryIndex(request.path("ready").asBoolean(false)).forEach(entry -> out.addObject()
            .put("name", entry.name()).put("version", entry.version()).put("state", entry.state())
            .put("reason", entry.reason()));
        return out;
    }

    /**
     * Loads the model, or swaps in its newest version — or the one named by the body's
     * {@code {"parameters": {"version": n}}}; an admin call.
     */
    @PostMapping(path = "/repository/models/{name}/load", consumes = MediaType.ALL_VALUE)
    public ObjectNode load(@PathVariable String name, InputStream body) throws IOException {
        requireRepositoryControl("load");
        String text = read(null, body);
        JsonNode request = text.isEmpty() ? NODES.objectNode() : parse(null, text);
        JsonNode version = request.path("parameters").path(OpenInference.VERSION_PARAMETER);
        this.inference.load(name, OpenInference.version(version.isMissingNode() || version.isNull() ? null
                : version.isIntegralNumber() ? (Object) version.longValue() : version.asString(),
                "parameters.version"), "model_name");
        return NODES.objectNode();
    }

    /** Unloads the model; an admin call. */
    @PostMapping(path = "/repository/models/{name}/unload", consumes = MediaType.ALL_VALUE)
    public ObjectNode unload(@PathVariable String name) {
        requireRepositoryControl("unload");
        this.inference.unload(name, "model_name");
        return NODES.objectNode();
    }

    @GetMapping("/models/{name}")
    public ObjectNode metadata(@PathVariable String name) {
        return metadata(name, "");
    }

    @GetMapping("/models/{name}/versions/{version}")
    public ObjectNode metadata(@PathVariable String name, @PathVariable String version) {
        ModelDescriptor model = this.inference.loaded(name, version, "model_name");
        ObjectNode out = NODES.objectNode().put("name", model.id().name());
        out.putArray("versions").add(Long.toString(model.id().version()));
        out.put("platform", OpenInference.PLATFORM);
        ArrayNode inputs = out.putArray("inputs");
        OpenInference.inputs(model).forEach(spec -> inputs.add(tensor(spec)));
        ArrayNode outputs = out.putArray("outputs");
        OpenInference.outputs(model).forEach(spec -> outputs.add(tensor(spec)));
        return out;
    }

    @GetMapping("/models/{name}/ready")
    public ResponseEntity<ObjectNode> modelReady(@PathVariable String name) {
        return modelReady(name, "");
    }

    @GetMapping("/models/{name}/versions/{version}/ready")
    public ResponseEntity<ObjectNode> modelReady(@PathVariable String name, @PathVariable String version) {
        boolean ready = this.inference.ready(name, version);
        return ResponseEntity.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
            .body(NODES.objectNode().put("name", name).put("ready", ready));
    }

    @PostMapping(path = "/models/{name}/infer", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<ObjectNode> infer(@PathVariable String name, InputStream body) throws IOException {
        return infer(name, "", body);
    }

    @PostMapping(path = "/models/{name}/versions/{version}/infer", consumes = MediaType.ALL_VALUE)
    public ResponseEntity<ObjectNode> infer(@PathVariable String name, @PathVariable String version,
            InputStream body) throws IOException {
        ModelDescriptor model = this.inference.loaded(name, version, "model_name");
        String modelName = model.id().name();
        JsonNode request = parse(modelName, read(modelName, body));
        JsonNode inputsNode = request.get("inputs");
        if (inputsNode == null || !inputsNode.isArray() || inputsNode.isEmpty()) {
            throw new InvalidInputException(modelName, "inputs", "must be a non-empty array of input tensors");
        }
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (int i = 0; i < inputsNode.size(); i++) {
            JsonNode input = inputsNode.get(i);
            String field = "inputs[" + i + "]";
            if (!input.isObject()) {
                throw new InvalidInputException(modelName, field, "must be an object");
            }
            String inputName = text(modelName, input, field + ".name");
            String datatype = text(modelName, input, field + ".datatype");
            long[] shape = shape(modelName, input.get("shape"), inputName + ".shape");
            OpenInference.addInput(model, inputs, i, inputName, JsonTensors.decode(modelName, inputName, datatype,
                    shape, input.get("data")));
        }
        List<String> requested = new ArrayList<>();
        JsonNode outputsNode = request.get("outputs");
        if (outputsNode != null && !outputsNode.isNull()) {
            if (!outputsNode.isArray()) {
                throw new InvalidInputException(modelName, "outputs", "must be an array of {\"name\": ...} objects");
            }
            for (int i = 0; i < outputsNode.size(); i++) {
                requested.add(text(modelName, outputsNode.get(i), "outputs[" + i + "].name"));
            }
        }
        Map<String, Tensor> outputs = this.inference.infer(model, inputs, requested, null);
        ObjectNode out = NODES.objectNode().put("model_name", modelName)
            .put("model_version", Long.toString(model.id().version()));
        JsonNode id = request.get("id");
        if (id != null && id.isString()) {
            out.put("id", id.stringValue());
        }
        ArrayNode tensors = out.putArray("outputs");
        outputs.forEach((outputName, tensor) -> {
            ObjectNode entry = tensors.addObject().put("name", outputName)
                .put("datatype", tensor.type().protocolName());
            ArrayNode shape = entry.putArray("shape");
            for (long dimension : tensor.shape()) {
                shape.add(dimension);
            }
            entry.set("data", JsonTensors.encode(tensor));
        });
        return closingWhenShuttingDown(ResponseEntity.ok()).body(out);
    }

    /** Every failure of this controller as the protocol's error object, with the mapped status. */
    @ExceptionHandler(RuntimeException.class)
    public ResponseEntity<ObjectNode> failure(RuntimeException failure) {
        int status = HttpStatusMapper.status(failure);
        ResponseEntity.BodyBuilder response = closingWhenShuttingDown(ResponseEntity.status(status))
            .contentType(MediaType.APPLICATION_JSON);
        if (HttpStatusMapper.retryable(status)) {
            response.header(HttpHeaders.RETRY_AFTER, "1");
        }
        return response.body(NODES.objectNode().put("error", HttpStatusMapper.message(failure)));
    }

    /**
     * {@code Connection: close} on an answer while the server shuts down: the client's next request opens a new
     * connection, which its load balancer sends to a server that stays, instead of reusing this one.
     */
    private ResponseEntity.BodyBuilder closingWhenShuttingDown(ResponseEntity.BodyBuilder response) {
        return this.inference.shuttingDown() ? response.header(HttpHeaders.CONNECTION, "close") : response;
    }

    /** The request body as text, refused without being read whole when it is over the configured size. */
    private String read(String model, InputStream body) throws IOException {
        byte[] bytes = body.readNBytes((int) this.maxRequestBytes + 1);
        if (bytes.length > this.maxRequestBytes) {
            throw new InvalidInputException(model, "body", "must be at most " + this.maxRequestBytes
                    + " bytes (distill4j.rest.max-request-size)");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private void requireRepositoryControl(String call) {
        if (!this.repositoryControl) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN, "repository " + call + " is an admin call and "
                    + "admin access is not configured on this server");
        }
    }

    private static JsonNode parse(String model, String body) {
        if (body == null || body.isBlank()) {
            throw new InvalidInputException(model, "body", "must be an inference request JSON object");
        }
        JsonNode request;
        try {
            request = JSON.readTree(body);
        }
        catch (JacksonException ex) {
            throw new InvalidInputException(model, "body", "is not valid JSON: " + ex.getOriginalMessage());
        }
        if (request == null || !request.isObject()) {
            throw new InvalidInputException(model, "body", "must be a JSON object");
        }
        return request;
    }

    private static String text(String model, JsonNode node, String field) {
        String name = field.substring(field.lastIndexOf('.') + 1);
        JsonNode value = node == null ? null : node.get(name);
        if (value == null || !value.isString() || value.stringValue().isEmpty()) {
            throw new InvalidInputException(model, field, "must be a non-empty string");
        }
        return value.stringValue();
    }

    private static long[] shape(String model, JsonNode node, String field) {
        if (node == null || !node.isArray()) {
            throw new InvalidInputException(model, field, "must be an array of dimensions");
        }
        long[] shape = new long[node.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode dimension = node.get(i);
            if (!dimension.isIntegralNumber() || !dimension.canConvertToLong()) {
                throw new InvalidInputException(model, field, "dimensions must be whole numbers, got " + node);
            }
            shape[i] = dimension.longValue();
        }
        return shape;
    }

    private static ObjectNode tensor(OpenInference.TensorSpec spec) {
        ObjectNode out = NODES.objectNode().put("name", spec.name()).put("datatype", spec.datatype());
        ArrayNode shape = out.putArray("shape");
        spec.shape().forEach(shape::add);
        return out;
    }
}
