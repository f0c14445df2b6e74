package io.distill4j.samples.platformserver;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;

import io.distill4j.api.ModelId;
import io.distill4j.samples.platformserver.DeploymentManifests.Dockerfile;
import io.distill4j.samples.platformserver.DeploymentManifests.Probe;
import io.distill4j.samples.platformserver.DeploymentManifests.ServerContainer;
import io.distill4j.spring.metrics.InferenceMetrics;
import io.distill4j.spring.rest.OpenInferenceRestController;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.unit.DataSize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;

import static io.distill4j.samples.platformserver.DeploymentManifests.DEPLOY;
import static io.distill4j.samples.platformserver.DeploymentManifests.MODEL_REPOSITORY;
import static io.distill4j.samples.platformserver.DeploymentManifests.yaml;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment files under {@code deploy/} agree with the server they deploy: every port, probe and path
 * they name is the one the server's configuration (application.properties, the image's ENV, the container's
 * environment and arguments, resolved by Spring Boot) gives it, and the image, the Kubernetes manifests and
 * the KServe runtime agree with each other. {@link DeploymentManifestsIT} starts the server so configured.
 */
class DeploymentManifestsTests {

    /** What the secret references of the manifests resolve to here. */
    static final Map<String, String> SECRETS = Map.of("distill4j-admin/token", "test-admin-token");

    /**
     * Memory a server container needs besides its heap and direct buffers: ONNX Runtime's sessions and arenas,
     * the tokenizers, metaspace, code cache and thread stacks. The server serving MiniLM resides in ~550 MB
     * with ~50 MB of it heap (docs/deploy.md); this leaves room for the arenas to grow under concurrent batches.
     */
    static final DataSize NATIVE_RESERVE = DataSize.ofMegabytes(768);

    /** Ports a KServe predictor pod holds besides the server's: Knative's queue-proxy, KServe's agent. */
    static final Set<Integer> KSERVE_POD_PORTS = Set.of(8012, 8013, 8022, 9090, 9091, 9081, 9088);

    static final Dockerfile IMAGE = Dockerfile.read(DEPLOY.resolve("Dockerfile"));

    static final JsonNode DEPLOYMENT = yaml("kubernetes/deployment.yaml");

    static final JsonNode RUNTIME = yaml("kserve/servingruntime.yaml");

    static final List<JsonNode> INFERENCE_SERVICES = List.of(yaml("kserve/inferenceservice.yaml"),
            yaml("kserve/inferenceservice-grpc.yaml"));

    /** The Deployment's container and the container KServe runs for each inference service. */
    static List<ServerContainer> servers() {
        List<ServerContainer> servers = new ArrayList<>();
        servers.add(DeploymentManifests.deploymentServer(DEPLOYMENT, SECRETS));
        INFERENCE_SERVICES
            .forEach(service -> servers.add(DeploymentManifests.kserveContainer(RUNTIME, service, SECRETS)));
        return servers;
    }

    @Test
    void everyContainerPortIsTheServersPortOfThatName() {
        for (ServerContainer server : servers()) {
            ConfigurableEnvironment configuration = server.configuration(IMAGE);
            assertThat(server.ports()).as(server.source()).isNotEmpty();
            server.ports().forEach((name, number) -> assertThat(number)
                .as("%s: port %s is %s", server.source(), name, server.portProperty(name))
                .isEqualTo(configuration.getRequiredProperty(server.portProperty(name), Integer.class)));
        }
        // The Deployment declares all three (the Service, the PodMonitor and the probes name them).
        assertThat(DeploymentManifests.deploymentServer(DEPLOYMENT, SECRETS).ports())
            .containsOnlyKeys(DeploymentManifests.PORT_PROPERTIES.keySet());
    }

    @Test
    void everyProbeCallsTheRestBindingsHealthPathOnTheHttpPort() {
        String live = restPath("live");
        String ready = restPath("ready");
        assertThat(live).isEqualTo("/v2/health/live");
        for (ServerContainer server : servers()) {
            ConfigurableEnvironment configuration = server.configuration(IMAGE);
            String contextPath = configuration.getProperty("server.servlet.context-path", "");
            int http = configuration.getRequiredProperty("server.port", Integer.class);
            List<Probe> probes = server.probes();
            assertThat(probes).as(server.source()).extracting(Probe::kind)
                .containsExactly("startupProbe", "livenessProbe", "readinessProbe");
            for (Probe probe : probes) {
                assertThat(probe.port()).as("%s %s port", server.source(), probe.kind()).isEqualTo(http);
                assertThat(probe.path()).as("%s %s path", server.source(), probe.kind())
                    .isEqualTo(contextPath + (probe.kind().equals("readinessProbe") ? ready : live));
            }
        }
    }

    @Test
    void theImageExposesTheServersPortsAndTheDeploymentDeclaresThem() {
        // The image alone (docker run): application.properties and its own ENV.
        ConfigurableEnvironment configuration = DeploymentManifests.bareImage().configuration(IMAGE);
        Set<Integer> served = new HashSet<>();
        DeploymentManifests.PORT_PROPERTIES.values()
            .forEach(property -> served.add(configuration.getRequiredProperty(property, Integer.class)));
        assertThat(IMAGE.exposed()).containsExactlyInAnyOrderElementsOf(served);
        assertThat(DeploymentManifests.deploymentServer(DEPLOYMENT, SECRETS).ports().values())
            .containsExactlyInAnyOrderElementsOf(IMAGE.exposed());
        assertThat(IMAGE.entrypoint()).containsExactly("java", "org.springframework.boot.loader.launch.JarLauncher",
            "serve");
        assertThat(DeploymentManifests.deploymentContainer(DEPLOYMENT).has("command"))
            .as("the Deployment keeps the image's entrypoint").isFalse();
        assertThat(DeploymentManifests.runtimeContainer(RUNTIME).has("command")).isFalse();
    }

    @Test
    void theImageUserIsTheNumericNonRootUserTheManifestsRunAs() {
        assertThat(IMAGE.uid()).isPositive();
        JsonNode pod = DEPLOYMENT.path("spec").path("template").path("spec").path("securityContext");
        assertThat(pod.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("runAsUser").asInt()).isEqualTo(IMAGE.uid());
        assertThat(pod.path("runAsGroup").asInt()).isEqualTo(IMAGE.gid());
        JsonNode container = DeploymentManifests.deploymentContainer(DEPLOYMENT).path("securityContext");
        assertThat(container.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(container.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        JsonNode kserve = DeploymentManifests.runtimeContainer(RUNTIME).path("securityContext");
        assertThat(kserve.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(kserve.path("runAsUser").asInt()).isEqualTo(IMAGE.uid());
    }

    @Test
    void theReadOnlyRootLeavesTheServerAWritableTmp() {
        // Everything the server unpacks or writes outside the repository goes under java.io.tmpdir and DJL's cache.
        ServerContainer server = DeploymentManifests.deploymentServer(DEPLOYMENT, SECRETS);
        Map<String, String> env = server.processEnvironment(IMAGE);
        assertThat(env.get("JAVA_TOOL_OPTIONS")).contains("-Djava.io.tmpdir=/tmp");
        assertThat(env.get("DJL_CACHE_DIR")).startsWith("/tmp/");
        assertThat(mount(server, "/tmp").path("readOnly").asBoolean(false)).isFalse();
        assertThat(volume(mount(server, "/tmp").path("name").asString()).has("emptyDir")).isTrue();
    }

    @Test
    void theServiceForwardsHttpAndGrpcToThePortsOfThoseNames() {
        JsonNode service = yaml("kubernetes/service.yaml");
        JsonNode podLabels = DEPLOYMENT.path("spec").path("template").path("metadata").path("labels");
        service.path("spec").path("selector").properties()
            .forEach(label -> assertThat(podLabels.path(label.getKey()).asString())
                .isEqualTo(label.getValue().asString()));
        ServerContainer server = DeploymentManifests.deploymentServer(DEPLOYMENT, SECRETS);
        List<String> targets = new ArrayList<>();
        for (JsonNode port : service.path("spec").path("ports").values()) {
            String target = port.path("targetPort").asString();
            targets.add(target);
            assertThat(server.ports()).as("the Service's target port " + target).containsKey(target);
            assertThat(port.path("name").asString()).isEqualTo(target);
            assertThat(port.path("port").asInt()).isEqualTo(server.ports().get(target));
        }
        assertThat(targets).containsExactly("http", "grpc");
        assertThat(appProtocol(service, "http")).isEqualTo("http");
        assertThat(appProtocol(service, "grpc")).isEqualTo("kubernetes.io/h2c");
    }

    @Test
    void theRepositoryIsTheSharedVolumeMountedReadOnlyAndPolled() {
        ServerContainer server = DeploymentManifests.deploymentServer(DEPLOYMENT, SECRETS);
        ConfigurableEnvironment configuration = server.configuration(IMAGE);
        String repository = configuration.getRequiredProperty(MODEL_REPOSITORY);
        JsonNode mount = mount(server, repository);
        assertThat(mount.path("readOnly").asBoolean()).isTrue();
        JsonNode claim = volume(mount.path("name").asString()).path("persistentVolumeClaim");
        JsonNode pvc = yaml("kubernetes/pvc.yaml");
        assertThat(claim.path("claimName").asString()).isEqualTo(pvc.path("metadata").path("name").asString());
        assertThat(pvc.path("spec").path("accessModes").values()).extracting(JsonNode::asString)
            .containsAnyOf("ReadWriteMany", "ReadOnlyMany");
        // The image's default is the same folder, so `docker run -v <repository>:/models` needs no setting.
        assertThat(DeploymentManifests.bareImage().configuration(IMAGE).getProperty(MODEL_REPOSITORY))
            .isEqualTo(repository);
        Duration poll = DurationStyle
            .detectAndParse(configuration.getRequiredProperty("distill4j.inference.repository-poll-interval"));
        assertThat(poll).isPositive();
        assertThat(configuration.getRequiredProperty("distill4j.distill.enabled", Boolean.class)).isFalse();
    }

    @Test
    void theHeapLeavesTheRestOfTheMemoryLimitForNativeMemory() {
        List<JsonNode> containers = List.of(DeploymentManifests.deploymentContainer(DEPLOYMENT),
                DeploymentManifests.runtimeContainer(RUNTIME));
        List<ServerContainer> servers = List.of(DeploymentManifests.deploymentServer(DEPLOYMENT, SECRETS),
                DeploymentManifests.kserveContainer(RUNTIME, INFERENCE_SERVICES.get(0), SECRETS));
        for (int i = 0; i < containers.size(); i++) {
            JsonNode resources = containers.get(i).path("resources");
            Map<String, String> env = servers.get(i).processEnvironment(IMAGE);
            long limit = quantity(resources.path("limits").path("memory").asString());
            assertThat(quantity(resources.path("requests").path("memory").asString()))
                .as("memory request = limit").isEqualTo(limit);
            double percent = Double.parseDouble(Dockerfile.jvmOption(env, "MaxRAMPercentage")
                .orElseThrow(() -> new AssertionError("the heap is not bounded by the container's memory")));
            long heap = (long) (limit * percent / 100);
            long direct = DataSize.parse(Dockerfile.jvmOption(env, "MaxDirectMemorySize").orElseThrow()
                .toUpperCase(Locale.ROOT) + "B").toBytes();
            assertThat(limit - heap - direct).as("%s: memory left for native use", servers.get(i).source())
                .isGreaterThanOrEqualTo(NATIVE_RESERVE.toBytes());
            assertThat(Dockerfile.jvmFlag(env, "ExitOnOutOfMemoryError")).isTrue();
        }
    }

    @Test
    void theGracePeriodCoversThePreStopPauseAndTheGracefulShutdown() {
        JsonNode pod = DEPLOYMENT.path("spec").path("template").path("spec");
        JsonNode preStop = DeploymentManifests.deploymentContainer(DEPLOYMENT).path("lifecycle").path("preStop");
        List<String> command = preStop.path("exec").path("command").valueStream().map(JsonNode::asString).toList();
        assertThat(command).hasSize(2).startsWith("sleep");
        ConfigurableEnvironment configuration = DeploymentManifests.deploymentServer(DEPLOYMENT, SECRETS)
            .configuration(IMAGE);
        assertThat(configuration.getProperty("server.shutdown", "graceful")).isEqualTo("graceful");
        Duration phase = DurationStyle
            .detectAndParse(configuration.getProperty("spring.lifecycle.timeout-per-shutdown-phase", "30s"));
        assertThat(pod.path("terminationGracePeriodSeconds").asLong())
            .isGreaterThan(Long.parseLong(command.get(1)) + phase.toSeconds());
    }

    @Test
    void theAutoscalerScalesTheDeploymentOnAMeterTheStarterPublishes() {
        JsonNode hpa = yaml("kubernetes/hpa.yaml");
        JsonNode target = hpa.path("spec").path("scaleTargetRef");
        assertThat(target.path("kind").asString()).isEqualTo(DEPLOYMENT.path("kind").asString());
        assertThat(target.path("name").asString()).isEqualTo(DEPLOYMENT.path("metadata").path("name").asString());
        assertThat(hpa.path("spec").path("minReplicas").asInt())
            .isEqualTo(DEPLOYMENT.path("spec").path("replicas").asInt());
        List<String> podsMetrics = hpa.path("spec").path("metrics").valueStream()
            .filter(metric -> metric.path("type").asString().equals("Pods"))
            .map(metric -> metric.path("pods").path("metric").path("name").asString()).toList();
        assertThat(podsMetrics).hasSize(1);
        // The Prometheus adapter serves that name from a series the starter's meters write.
        JsonNode rule = yaml("kubernetes/monitoring/prometheus-adapter-values.yaml").path("rules").path("custom")
            .get(0);
        assertThat(rule.path("name").path("as").asString()).isEqualTo(podsMetrics.get(0));
        String series = seriesName(rule);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        InferenceMetrics metrics = new InferenceMetrics();
        metrics.bindTo(registry);
        metrics.onQueueDepth(ModelId.of("minilm", 1), 3);
        assertThat(registry.scrape()).contains(series + "{model=\"minilm\"} 3");
        // CPU is the fallback, as a share of the request the Deployment sets.
        assertThat(hpa.path("spec").path("metrics").valueStream()
            .map(metric -> metric.path("resource").path("name").asString())).contains("cpu");
        assertThat(DeploymentManifests.deploymentContainer(DEPLOYMENT).path("resources").path("requests").has("cpu"))
            .isTrue();
        // The PodMonitor scrapes the management port's Prometheus endpoint with the admin secret.
        JsonNode endpoint = yaml("kubernetes/monitoring/podmonitor.yaml").path("spec").path("podMetricsEndpoints")
            .get(0);
        assertThat(endpoint.path("port").asString()).isEqualTo("management");
        assertThat(endpoint.path("path").asString()).isEqualTo("/actuator/prometheus");
        JsonNode credentials = endpoint.path("authorization").path("credentials");
        assertThat(SECRETS).containsKey(credentials.path("name").asString() + "/" + credentials.path("key").asString());
    }

    @Test
    void theServingRuntimeMeetsWhatKServeExpects() {
        assertThat(RUNTIME.path("kind").asString()).isIn("ServingRuntime", "ClusterServingRuntime");
        assertThat(RUNTIME.path("spec").path("protocolVersions").values()).extracting(JsonNode::asString)
            .contains("v2", "grpc-v2");
        for (JsonNode service : INFERENCE_SERVICES) {
            ServerContainer server = DeploymentManifests.kserveContainer(RUNTIME, service, SECRETS);
            ConfigurableEnvironment configuration = server.configuration(IMAGE);
            String name = service.path("metadata").path("name").asString();
            JsonNode model = service.path("spec").path("predictor").path("model");
            assertThat(model.path("runtime").asString()).isEqualTo(RUNTIME.path("metadata").path("name").asString());
            assertThat(RUNTIME.path("spec").path("protocolVersions").values()).extracting(JsonNode::asString)
                .contains(model.path("protocolVersion").asString());
            assertThat(RUNTIME.path("spec").path("supportedModelFormats").values())
                .extracting(format -> format.path("name").asString())
                .contains(model.path("modelFormat").path("name").asString());
            assertThat(model.path("storageUri").asString()).isNotBlank();
            // REST on KServe's port; the repository is what the storage initializer mounts; the model is the name.
            assertThat(configuration.getRequiredProperty("server.port", Integer.class))
                .isEqualTo(DeploymentManifests.KSERVE_DEFAULT_HTTP_PORT);
            assertThat(configuration.getRequiredProperty(MODEL_REPOSITORY))
                .isEqualTo(DeploymentManifests.KSERVE_MODEL_MOUNT);
            assertThat(configuration.getRequiredProperty("distill4j.inference.load-on-startup")).isEqualTo(name);
            Set<Integer> own = new HashSet<>();
            for (String property : DeploymentManifests.PORT_PROPERTIES.values()) {
                int port = configuration.getRequiredProperty(property, Integer.class);
                assertThat(port).as("%s: %s", server.source(), property).isNotIn(KSERVE_POD_PORTS);
                assertThat(own.add(port)).as("%s: %s is taken twice", server.source(), port).isTrue();
            }
            if (model.path("protocolVersion").asString().equals("grpc-v2")) {
                assertThat(server.ports()).containsKey("h2c");
            }
        }
    }

    @Test
    void theKustomizationsListEveryManifestBesideThem() throws IOException {
        for (Path folder : List.of(DEPLOY.resolve("kubernetes"), DEPLOY.resolve("kubernetes/monitoring"))) {
            JsonNode kustomization = yaml(DEPLOY.relativize(folder.resolve("kustomization.yaml")).toString());
            List<String> listed = kustomization.path("resources").valueStream().map(JsonNode::asString).toList();
            try (Stream<Path> files = Files.list(folder)) {
                List<String> manifests = files.map(file -> file.getFileName().toString())
                    .filter(file -> file.endsWith(".yaml") && !file.equals("kustomization.yaml"))
                    .filter(file -> yaml(DEPLOY.relativize(folder.resolve(file)).toString()).has("kind"))
                    .toList();
                assertThat(listed).as(folder.toString()).containsExactlyInAnyOrderElementsOf(manifests);
            }
        }
    }

    /** The path of a GET method of the REST binding, as Spring MVC maps it. */
    static String restPath(String methodName) {
        RequestMapping root = AnnotatedElementUtils.findMergedAnnotation(OpenInferenceRestController.class,
                RequestMapping.class);
        Method method = Arrays.stream(OpenInferenceRestController.class.getMethods())
            .filter(candidate -> candidate.getName().equals(methodName) && candidate.getParameterCount() == 0)
            .findFirst()
            .orElseThrow();
        GetMapping get = AnnotatedElementUtils.findMergedAnnotation(method, GetMapping.class);
        return root.path()[0] + get.path()[0];
    }

    /** The metric name of a Prometheus adapter rule's series query ({@code name{labels}}). */
    static String seriesName(JsonNode rule) {
        String query = rule.path("seriesQuery").asString();
        return query.contains("{") ? query.substring(0, query.indexOf('{')) : query;
    }

    private static String appProtocol(JsonNode service, String portName) {
        return service.path("spec").path("ports").valueStream()
            .filter(port -> port.path("name").asString().equals(portName))
            .map(port -> port.path("appProtocol").asString())
            .findFirst()
            .orElseThrow();
    }

    private static JsonNode mount(ServerContainer server, String path) {
        return server.node().path("volumeMounts").valueStream()
            .filter(mount -> mount.path("mountPath").asString().equals(path))
            .findFirst()
            .orElseThrow(() -> new AssertionError(server.source() + " mounts nothing at " + path));
    }

    private static JsonNode volume(String name) {
        return DEPLOYMENT.path("spec").path("template").path("spec").path("volumes").valueStream()
            .filter(volume -> volume.path("name").asString().equals(name))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    /** A Kubernetes memory quantity (binary suffixes Ki, Mi, Gi, or bytes) in bytes. */
    static long quantity(String text) {
        for (String[] unit : new String[][] { { "Gi", "1073741824" }, { "Mi", "1048576" }, { "Ki", "1024" } }) {
            if (text.endsWith(unit[0])) {
                return Long.parseLong(text.substring(0, text.length() - 2)) * Long.parseLong(unit[1]);
            }
        }
        return Long.parseLong(text);
    }
}
