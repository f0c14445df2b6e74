package io.distill4j.spring.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A stand-in for a remote large language model: an OpenAI-compatible chat-completions server on loopback
 * ({@code POST /v1/chat/completions}), written from the public API reference, whose answers a test scripts. It
 * is not a language model: {@link #answers} decides each answer from the last user message; on demand a
 * conversation gets HTTP errors before it is answered ({@link #failFirst}), answers carry token log-probabilities
 * ({@link #labelProbabilities}), and every response can be delayed.
 * Each request is counted and kept, so a test can check what a client sent.
 *
 * <p>Responses follow the chat-completion object: {@code id}, {@code object}, {@code created}, {@code model},
 * one choice with the assistant message and {@code finish_reason: "stop"}, and {@code usage} with prompt and
 * completion tokens (about four characters a token).
 */
public final class ScriptedChatServer implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;

    private final ExecutorService executor = Executors.newFixedThreadPool(16);

    /** The answer to a conversation's last user message; return {@code null} for an HTTP 500. */
    public volatile Function<String, String> answers = message -> "{\"label\": \"unknown\"}";

    /**
     * When set, and a request asks for {@code logprobs}: the label probabilities for a conversation's last user
     * message. The answer is then {@code {"label": "<most likely>"}}, spelled as tokens in which each label is one
     * token, with the {@code top_logprobs} the request asks for at the label's position — what a server whose
     * model's vocabulary holds the labels returns. {@link #answers} is not asked.
     */
    public volatile Function<String, Map<String, Double>> labelProbabilities;

    /** HTTP errors to answer, in order, before a prompt (the first user message) gets an answer. */
    public final Map<String, List<Integer>> failFirst = new ConcurrentHashMap<>();

    /** The status every request gets while not 0 (e.g. 401 for a refused key). */
    public volatile int failAll;

    /** How long each response takes. */
    public volatile long delayMillis;

    public final AtomicInteger requests = new AtomicInteger();

    /** Every request body, in arrival order. */
    public final List<JsonNode> bodies = new CopyOnWriteArrayList<>();

    private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();

    private ScriptedChatServer(HttpServer server) {
        this.server = server;
    }

    /** Starts a server on a free loopback port. */
    public static ScriptedChatServer start() throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ScriptedChatServer scripted = new ScriptedChatServer(http);
        http.createContext("/v1/chat/completions", scripted::handle);
        http.setExecutor(scripted.executor);
        http.start();
        return scripted;
    }

    /** The base URL an OpenAI client is given: {@code http://127.0.0.1:<port>/v1}. */
    public String baseUrl() {
        return "http://" + this.server.getAddress().getHostString() + ":" + this.server.getAddress().getPort() + "/v1";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            this.requests.incrementAndGet();
            JsonNode body;
            try (InputStream in = exchange.getRequestBody()) {
                body = JSON.readTree(in.readAllBytes());
            }
            this.bodies.add(body);
            if (this.delayMillis > 0) {
                Thread.sleep(this.delayMillis);
            }
            if (!exchange.getRequestMethod().equals("POST")) {
                send(exchange, 405, error("method not allowed", "invalid_request_error"));
                return;
            }
            if (this.failAll != 0) {
                send(exchange, this.failAll, error("refused", "invalid_request_error"));
                return;
            }
            String first = userMessage(body, true);
            List<Integer> failures = this.failFirst.get(first);
            if (failures != null) {
                int index = this.failures.computeIfAbsent(first, f -> new AtomicInteger()).getAndIncrement();
                if (index < failures.size()) {
                    send(exchange, failures.get(index), error("scripted failure", failures.get(index) == 429
                            ? "rate_limit_exceeded" : "server_error"));
                    return;
                }
            }
            String last = userMessage(body, false);
            Function<String, Map<String, Double>> probabilities = this.labelProbabilities;
            if (probabilities != null && body.path("logprobs").asBoolean(false)) {
                send(exchange, 200, withLogProbabilities(body, probabilities.apply(last), last));
                return;
            }
            String answer = this.answers.apply(last);
            if (answer == null) {
                send(exchange, 500, error("scripted server error", "server_error"));
                return;
            }
            send(exchange, 200, completion(body, answer, last));
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private static String userMessage(JsonNode body, boolean first) {
        String found = "";
        for (JsonNode message : body.path("messages")) {
            if (message.path("role").asString("").equals("user")) {
                JsonNode content = message.path("content");
                String text;
                if (content.isArray()) {
                    StringBuilder parts = new StringBuilder();
                    content.forEach(part -> parts.append(part.path("text").asString("")));
                    text = parts.toString();
                }
                else {
                    text = content.asString("");
                }
                if (first) {
                    return text;
                }
                found = text;
            }
        }
        return found;
    }

    private static byte[] completion(JsonNode request, String answer, String prompt) {
        ObjectNode response = JSON.createObjectNode();
        response.put("id", "chatcmpl-scripted");
        response.put("object", "chat.completion");
        response.put("created", System.currentTimeMillis() / 1000);
        response.put("model", request.path("model").asString("scripted"));
        ObjectNode choice = response.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", answer);
        message.putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", "stop");
        ObjectNode usage = response.putObject("usage");
        int promptTokens = Math.max(1, prompt.length() / 4);
        int completionTokens = Math.max(1, answer.length() / 4);
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", completionTokens);
        usage.put("total_tokens", promptTokens + completionTokens);
        return JSON.writeValueAsBytes(response);
    }

    private static byte[] withLogProbabilities(JsonNode request, Map<String, Double> probabilities, String prompt) {
        List<Map.Entry<String, Double>> ranked = new ArrayList<>(probabilities.entrySet());
        ranked.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        String top = ranked.get(0).getKey();
        ObjectNode response = (ObjectNode) JSON.readTree(completion(request, "{\"label\": \"" + top + "\"}", prompt));
        ObjectNode logprobs = ((ObjectNode) response.path("choices").get(0)).putObject("logprobs");
        ArrayNode content = logprobs.putArray("content");
        int alternatives = request.path("top_logprobs").asInt(0);
        for (String token : List.of("{\"", "label", "\":", " \"", top, "\"}")) {
            ObjectNode entry = content.addObject();
            entry.put("token", token);
            boolean label = token.equals(top);
            entry.put("logprob", label ? Math.log(ranked.get(0).getValue()) : 0.0);
            entry.putNull("bytes");
            ArrayNode tops = entry.putArray("top_logprobs");
            for (int i = 0; i < alternatives && i < (label ? ranked.size() : 1); i++) {
                ObjectNode alternative = tops.addObject();
                alternative.put("token", label ? ranked.get(i).getKey() : token);
                alternative.put("logprob", label ? Math.log(ranked.get(i).getValue()) : 0.0);
                alternative.putNull("bytes");
            }
        }
        logprobs.putNull("refusal");
        return JSON.writeValueAsBytes(response);
    }

    private static byte[] error(String message, String type) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.putNull("param");
        error.putNull("code");
        return JSON.writeValueAsBytes(root);
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        this.server.stop(0);
        this.executor.shutdownNow();
    }

    /** For diagnostics: the request count as text. */
    @Override
    public String toString() {
        return "ScriptedChatServer[" + baseUrl() + ", " + this.requests.get() + " requests]";
    }
}
