package io.distill4j.samples.platformserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertiesPropertySource;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;

/**
 * The files under {@code deploy/} (the Dockerfile, the Kubernetes manifests, the KServe runtime and inference
 * services) read as the platforms read them, and the server configuration each container gets from them: the
 * jar's {@code application.properties}, overridden by the image's {@code ENV}, overridden by the container's
 * environment (Spring Boot's relaxed binding of environment variables), overridden by its arguments.
 */
final class DeploymentManifests {

    /** The deployment files, from the module folder (the working directory of Maven's test runs). */
    static final Path DEPLOY = Path.of("deploy").toAbsolutePath();

    /** The server's listening ports: the property that sets each, by the container port name the manifests use. */
    static final Map<String, String> PORT_PROPERTIES = Map.of("http", "server.port", "grpc", "spring.grpc.server.port",
            "management", "management.server.port");

    /** Knative's names for a KServe predictor's one port: HTTP/1 or cleartext HTTP/2 (gRPC). */
    static final Map<String, String> KNATIVE_PORT_PROPERTIES = Map.of("http1", "server.port", "h2c",
            "spring.grpc.server.port");

    /** KServe's HTTP port when neither the runtime nor the inference service declares one. */
    static final int KSERVE_DEFAULT_HTTP_PORT = 8080;

    /** Where KServe's storage initializer puts the inference service's storageUri. */
    static final String KSERVE_MODEL_MOUNT = "/mnt/models";

    static final String MODEL_REPOSITORY = "distill4j.inference.model-repository";

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private DeploymentManifests() {
    }

    /** A YAML file under {@code deploy/}, one document. */
    static JsonNode yaml(String relative) {
        try {
            return YAML.readTree(Files.readString(DEPLOY.resolve(relative)));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** The first container of the Deployment's pod template. */
    static JsonNode deploymentContainer(JsonNode deployment) {
        return deployment.path("spec").path("template").path("spec").path("containers").get(0);
    }

    /** The ServingRuntime's {@code kserve-container}. */
    static JsonNode runtimeContainer(JsonNode runtime) {
        for (JsonNode container : runtime.path("spec").path("containers").values()) {
            if (container.path("name").asString().equals("kserve-container")) {
                return container;
            }
        }
        throw new AssertionError("the ServingRuntime has no container named kserve-container");
    }

    /**
     * The container KServe runs for an inference service on this runtime: the runtime's container with the
     * inference service's {@code {{.Name}}} filled in, its environment entries (by name) over the runtime's, its
     * arguments after the runtime's and its ports added (by number; KServe's default HTTP port when none).
     */
    static ServerContainer kserveContainer(JsonNode runtime, JsonNode inferenceService, Map<String, String> secrets) {
        String name = inferenceService.path("metadata").path("name").asString();
        JsonNode model = inferenceService.path("spec").path("predictor").path("model");
        Map<String, String> env = new LinkedHashMap<>(environment(runtimeContainer(runtime), secrets));
        env.putAll(environment(model, secrets));
        env.replaceAll((key, value) -> template(value, name));
        List<String> args = new ArrayList<>();
        arguments(runtimeContainer(runtime)).forEach(arg -> args.add(template(arg, name)));
        args.addAll(arguments(model));
        Map<Integer, String> byNumber = new LinkedHashMap<>();
        for (JsonNode source : List.of(runtimeContainer(runtime), model)) {
            source.path("ports").values().forEach(port -> byNumber.put(port.path("containerPort").asInt(),
                    port.path("name").asString()));
        }
        Map<String, Integer> ports = new LinkedHashMap<>();
        byNumber.forEach((number, portName) -> ports.put(portName, number));
        if (ports.isEmpty()) {
            ports.put("http1", KSERVE_DEFAULT_HTTP_PORT);
        }
        return new ServerContainer("KServe " + name, runtimeContainer(runtime), env, args, ports);
    }

    /** The image run with no settings of its own ({@code docker run distill4j-server}). */
    static ServerContainer bareImage() {
        return new ServerContainer("image", MissingNode.getInstance(), Map.of(), List.of(), Map.of());
    }

    /** A Deployment's server container. */
    static ServerContainer deploymentServer(JsonNode deployment, Map<String, String> secrets) {
        JsonNode container = deploymentContainer(deployment);
        Map<String, Integer> ports = new LinkedHashMap<>();
        container.path("ports").values().forEach(port -> ports.put(port.path("name").asString(),
                port.path("containerPort").asInt()));
        return new ServerContainer("Deployment " + deployment.path("metadata").path("name").asString(), container,
                environment(container, secrets), arguments(container), ports);
    }

    /** {@code {{.Name}}} as KServe fills it in; any other template is not understood here. */
    private static String template(String value, String inferenceServiceName) {
        String filled = value.replace("{{.Name}}", inferenceServiceName);
        if (filled.contains("{{")) {
            throw new AssertionError("a KServe template this test does not fill in: " + value);
        }
        return filled;
    }

    /** A container's {@code env}: literal values, and secret references as {@code secrets} gives them. */
    private static Map<String, String> environment(JsonNode container, Map<String, String> secrets) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode entry : container.path("env").values()) {
            String name = entry.path("name").asString();
            if (entry.has("value")) {
                env.put(name, entry.path("value").asString());
            }
            else {
                JsonNode secret = entry.path("valueFrom").path("secretKeyRef");
                String key = secret.path("name").asString() + "/" + secret.path("key").asString();
                if (secret.isMissingNode() || !secrets.containsKey(key)) {
                    throw new AssertionError(name + ": only literal values and secrets given to the test are read ("
                            + entry + ")");
                }
                env.put(name, secrets.get(key));
            }
        }
        return env;
    }

    private static List<String> arguments(JsonNode container) {
        List<String> args = new ArrayList<>();
        container.path("args").values().forEach(arg -> args.add(arg.asString()));
        return args;
    }

    /**
     * The environment variable that sets a property, by Spring Boot's canonical rule ({@code .} to {@code _},
     * no dashes, upper case).
     */
    static String environmentVariable(String property) {
        return property.replace('.', '_').replace("-", "").toUpperCase(Locale.ROOT);
    }

    /**
     * One server container: where it comes from, its manifest node, the environment and arguments it is given
     * and its declared ports by name.
     */
    record ServerContainer(String source, JsonNode node, Map<String, String> env, List<String> args,
            Map<String, Integer> ports) {

        /**
         * The server configuration this container gets on the image: application.properties, the image's ENV,
         * this environment, these arguments, resolved as Spring Boot resolves them.
         */
        ConfigurableEnvironment configuration(Dockerfile image) {
            StandardEnvironment environment = new StandardEnvironment();
            MutablePropertySources sources = environment.getPropertySources();
            sources.remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
            sources.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                    new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                            new LinkedHashMap<>(processEnvironment(image))));
            sources.addFirst(new SimpleCommandLinePropertySource(this.args.toArray(String[]::new)));
            sources.addLast(applicationProperties());
            ConfigurationPropertySources.attach(environment);
            return environment;
        }

        /** The process environment in the container: the image's ENV, then this container's. */
        Map<String, String> processEnvironment(Dockerfile image) {
            Map<String, String> env = new LinkedHashMap<>(image.env());
            env.putAll(this.env);
            return env;
        }

        /** The property a port of this container serves, by its name. */
        String portProperty(String portName) {
            String property = PORT_PROPERTIES.getOrDefault(portName, KNATIVE_PORT_PROPERTIES.get(portName));
            if (property == null) {
                throw new AssertionError(this.source + ": port " + portName + " is none of the server's ports "
                        + PORT_PROPERTIES.keySet() + " / " + KNATIVE_PORT_PROPERTIES.keySet());
            }
            return property;
        }

        /** The container port a probe names (by name or number). */
        int resolvePort(JsonNode port) {
            if (port.isNumber()) {
                return port.asInt();
            }
            Integer number = this.ports.get(port.asString());
            if (number == null) {
                throw new AssertionError(this.source + ": a probe names port " + port + ", which the container lacks");
            }
            return number;
        }

        /** Its probes (startup, liveness, readiness), each an HTTP GET. */
        List<Probe> probes() {
            List<Probe> probes = new ArrayList<>();
            for (String kind : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                JsonNode probe = this.node.path(kind);
                if (probe.isMissingNode()) {
                    continue;
                }
                JsonNode get = probe.path("httpGet");
                if (get.isMissingNode()) {
                    throw new AssertionError(this.source + ": " + kind + " is not an HTTP GET");
                }
                probes.add(new Probe(kind, get.path("path").asString(), resolvePort(get.path("port"))));
            }
            return probes;
        }

        /**
         * These arguments and environment with a property set to {@code value} under its own name: in the
         * environment (the canonical variable) if the environment set it, else as an argument; an argument that
         * set it is replaced.
         */
        ServerContainer with(String property, String value) {
            List<String> args = new ArrayList<>();
            boolean inArgs = false;
            for (String arg : this.args) {
                if (arg.startsWith("--") && arg.contains("=") && ConfigurationPropertyName
                    .adapt(arg.substring(2, arg.indexOf('=')), '.').equals(ConfigurationPropertyName.of(property))) {
                    inArgs = true;
                    continue;
                }
                args.add(arg);
            }
            Map<String, String> env = new LinkedHashMap<>(this.env);
            String variable = environmentVariable(property);
            if (inArgs || !env.containsKey(variable)) {
                // Arguments come before every environment variable, whatever its spelling.
                args.add("--" + property + "=" + value);
            }
            else {
                env.put(variable, value);
            }
            return new ServerContainer(this.source, this.node, env, args, this.ports);
        }
    }

    /** An HTTP GET probe: its kind, path and container port. */
    record Probe(String kind, String path, int port) {
    }

    /** The jar's application.properties, read from the class path as the server reads it. */
    static PropertiesPropertySource applicationProperties() {
        try {
            return new PropertiesPropertySource("application.properties",
                    PropertiesLoaderUtils.loadProperties(new ClassPathResource("application.properties")));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * The final stage of a Dockerfile, read simply: its ENV (KEY=VALUE, values possibly double-quoted), EXPOSE,
     * USER and ENTRYPOINT instructions, continuation lines joined, comments skipped.
     */
    record Dockerfile(Map<String, String> env, List<Integer> exposed, String user, List<String> entrypoint) {

        static Dockerfile read(Path file) {
            List<String> instructions = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            try {
                for (String line : Files.readAllLines(file)) {
                    String trimmed = line.strip();
                    if (trimmed.startsWith("#") || trimmed.isEmpty() && current.isEmpty()) {
                        continue;
                    }
                    if (trimmed.endsWith("\\")) {
                        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                        continue;
                    }
                    instructions.add(current.append(trimmed).toString());
                    current.setLength(0);
                }
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            Map<String, String> env = new LinkedHashMap<>();
            List<Integer> exposed = new ArrayList<>();
            String user = null;
            List<String> entrypoint = List.of();
            for (String instruction : instructions) {
                String[] parts = instruction.split("\\s+", 2);
                String keyword = parts[0].toUpperCase(Locale.ROOT);
                String rest = parts.length > 1 ? parts[1].strip() : "";
                switch (keyword) {
                    case "FROM" -> {
                        // A new stage: only the last one is the image.
                        env.clear();
                        exposed.clear();
                        user = null;
                        entrypoint = List.of();
                    }
                    case "ENV" -> env.putAll(envPairs(rest));
                    case "EXPOSE" -> {
                        for (String port : rest.split("\\s+")) {
                            exposed.add(Integer.parseInt(port.replaceFirst("/(tcp|udp)$", "")));
                        }
                    }
                    case "USER" -> user = rest;
                    case "ENTRYPOINT" -> entrypoint = YAML.readValue(rest, YAML.getTypeFactory()
                        .constructCollectionType(List.class, String.class));
                    default -> {
                    }
                }
            }
            return new Dockerfile(env, exposed, user, entrypoint);
        }

        private static Map<String, String> envPairs(String text) {
            Map<String, String> pairs = new LinkedHashMap<>();
            int i = 0;
            while (i < text.length()) {
                int equals = text.indexOf('=', i);
                if (equals < 0) {
                    throw new AssertionError("ENV " + text + ": only KEY=VALUE pairs are read");
                }
                String key = text.substring(i, equals).strip();
                int start = equals + 1;
                int end;
                String value;
                if (start < text.length() && text.charAt(start) == '"') {
                    end = text.indexOf('"', start + 1);
                    value = text.substring(start + 1, end);
                    end++;
                }
                else {
                    end = start;
                    while (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
                        end++;
                    }
                    value = text.substring(start, end);
                }
                pairs.put(key, value);
                i = end;
                while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                    i++;
                }
            }
            return pairs;
        }

        /** The numeric user id of USER (uid or uid:gid); a name fails, since runAsNonRoot cannot check one. */
        int uid() {
            return Integer.parseInt(Optional.ofNullable(this.user).orElseThrow(() -> new AssertionError("no USER"))
                .split(":")[0]);
        }

        /** The numeric group id of USER uid:gid. */
        int gid() {
            String[] parts = this.user.split(":");
            return Integer.parseInt(parts[parts.length - 1]);
        }

        /** Whether JAVA_TOOL_OPTIONS of this environment switches {@code -XX:+<name>} on. */
        static boolean jvmFlag(Map<String, String> env, String name) {
            return List.of(env.getOrDefault("JAVA_TOOL_OPTIONS", "").split("\\s+")).contains("-XX:+" + name);
        }

        /** The value of {@code -XX:<name>=} in JAVA_TOOL_OPTIONS of this environment, if given. */
        static Optional<String> jvmOption(Map<String, String> env, String name) {
            String options = env.getOrDefault("JAVA_TOOL_OPTIONS", "");
            for (String option : options.split("\\s+")) {
                if (option.startsWith("-XX:" + name + "=")) {
                    return Optional.of(option.substring(name.length() + 5));
                }
            }
            return Optional.empty();
        }
    }
}
