package io.distill4j.samples.platformserver;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.distill4j.api.InferenceEngine;
import io.distill4j.api.ModelDescriptor;
import io.distill4j.api.distill.Distiller;
import io.distill4j.api.grpc.inference.GRPCInferenceServiceGrpc;
import io.distill4j.api.grpc.inference.ModelReadyRequest;
import io.distill4j.samples.platformserver.DeploymentManifests.Probe;
import io.distill4j.samples.platformserver.DeploymentManifests.ServerContainer;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringApplicationHook;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;
import org.springframework.web.context.support.StandardServletEnvironment;

import static io.distill4j.samples.platformserver.DeploymentManifests.MODEL_REPOSITORY;
import static io.distill4j.samples.platformserver.DeploymentManifests.PORT_PROPERTIES;
import static io.distill4j.samples.platformserver.DeploymentManifestsTests.DEPLOYMENT;
import static io.distill4j.samples.platformserver.DeploymentManifestsTests.IMAGE;
import static io.distill4j.samples.platformserver.DeploymentManifestsTests.INFERENCE_SERVICES;
import static io.distill4j.samples.platformserver.DeploymentManifestsTests.RUNTIME;
import static io.distill4j.samples.platformserver.DeploymentManifestsTests.SECRETS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The real platform server, started with the environment and arguments a manifest gives its container (on
 * the image's ENV): the repository folder and the ports are set to a temporary folder and free ports under
 * the same property names, everything else is as the manifest says. Every probe of the manifest is called
 * over HTTP and must answer 200; the model the manifest serves must be ready.
 */
class DeploymentManifestsIT {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theDeploymentsProbesAndModelAnswerOnAReadOnlyUseOfTheSharedRepository(@TempDir Path dir) throws Exception {
        Path repository = dir.resolve("models");
        PlatformServer.installDefaultModelIfEmpty(repository);
        Map<String, Long> before = snapshot(repository);
        ServerContainer server = DeploymentManifests.deploymentServer(DEPLOYMENT, SECRETS);
        try (ConfigurableApplicationContext context = start(server, repository)) {
            Map<Integer, Integer> ports = localPorts(server, context);
            callEveryProbe(server, ports);
            int rest = ports.get(8080);
            assertThat(get(rest, "/v2/models/minilm/ready", null).statusCode()).isEqualTo(200);
            assertThat(context.getBeanProvider(Distiller.class).getIfAvailable()).as("no distiller in a replica")
                .isNull();

            // One inference, then the series the autoscaler reads through the Prometheus adapter is scraped with
            // the admin token the PodMonitor sends.
            HttpResponse<String> infer = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + rest
                    + "/v2/models/minilm/infer")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\": [{\"name\": \"text\", \"datatype\": "
                        + "\"BYTES\", \"shape\": [1], \"data\": [\"Where is my card?\"]}]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(infer.statusCode()).as(infer.body()).isEqualTo(200);
            JsonNode rule = DeploymentManifests.yaml("kubernetes/monitoring/prometheus-adapter-values.yaml")
                .path("rules").path("custom").get(0);
            HttpResponse<String> scrape = get(ports.get(9091), "/actuator/prometheus",
                    "Bearer " + SECRETS.get("distill4j-admin/token"));
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.body()).contains(DeploymentManifestsTests.seriesName(rule) + "{model=\"minilm\"}");
        }
        assertThat(snapshot(repository)).as("nothing written into the read-only repository").isEqualTo(before);
    }

    @Test
    void theKServeRuntimeServesTheModelEachInferenceServiceNames(@TempDir Path dir) throws Exception {
        // The storageUri's folder: a repository holding minilm/1.
        Path repository = dir.resolve("mnt-models");
        PlatformServer.installDefaultModelIfEmpty(repository);
        for (JsonNode service : INFERENCE_SERVICES) {
            String name = service.path("metadata").path("name").asString();
            ServerContainer server = DeploymentManifests.kserveContainer(RUNTIME, service, SECRETS);
            try (ConfigurableApplicationContext context = start(server, repository)) {
                Map<Integer, Integer> ports = localPorts(server, context);
                callEveryProbe(server, ports);
                HttpResponse<String> ready = get(ports.get(8080), "/v2/models/" + name + "/ready", null);
                assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
                assertThat(context.getBean(InferenceEngine.class).loadedModels()).extracting(ModelDescriptor::id)
                    .extracting(id -> id.name()).containsExactly(name);
                // The gRPC binding on the port the inference service declares as h2c (grpc-v2).
                ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", ports.get(8081)).usePlaintext()
                    .build();
                try {
                    assertThat(GRPCInferenceServiceGrpc.newBlockingStub(channel)
                        .modelReady(ModelReadyRequest.newBuilder().setName(name).build()).getReady()).isTrue();
                }
                finally {
                    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    @Test
    void anInferenceServiceNamedAfterNoModelOfTheRepositoryFailsTheStartNamingIt(@TempDir Path dir) {
        Path repository = dir.resolve("mnt-models");
        PlatformServer.installDefaultModelIfEmpty(repository);
        ObjectNode service = (ObjectNode) INFERENCE_SERVICES.get(0).deepCopy();
        ((ObjectNode) service.get("metadata")).put("name", "no-such-model");
        ServerContainer server = DeploymentManifests.kserveContainer(RUNTIME, service, SECRETS);
        assertThatThrownBy(() -> start(server, repository).close()).rootCause().hasMessageContaining("no-such-model");
    }

    /**
     * Starts the server as the container would run it: its process environment is the image's ENV and the
     * container's (and nothing of this JVM's), its arguments the container's; the repository and the ports are
     * set under their own property names to {@code repository} and 0.
     */
    private static ConfigurableApplicationContext start(ServerContainer server, Path repository) {
        ServerContainer local = server.with(MODEL_REPOSITORY, repository.toString());
        for (String property : PORT_PROPERTIES.values()) {
            local = local.with(property, "0");
        }
        StandardServletEnvironment environment = new StandardServletEnvironment();
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        new LinkedHashMap<>(local.processEnvironment(IMAGE))));
        String[] args = local.args().toArray(String[]::new);
        SpringApplicationHook hook = application -> {
            application.setEnvironment(environment);
            return null;
        };
        return SpringApplication.withHook(hook, () -> PlatformServer.start(args));
    }

    /** The port each of the manifest's container ports is bound to here, by the manifest's port number. */
    private static Map<Integer, Integer> localPorts(ServerContainer server, ConfigurableApplicationContext context) {
        ConfigurableEnvironment manifest = server.configuration(IMAGE);
        ConfigurableEnvironment running = context.getEnvironment();
        Map<String, Integer> bound = Map.of("server.port",
                running.getRequiredProperty("local.server.port", Integer.class), "management.server.port",
                running.getRequiredProperty("local.management.port", Integer.class), "spring.grpc.server.port",
                context.getBean(GrpcServerLifecycle.class).getPort());
        Map<Integer, Integer> ports = new HashMap<>();
        bound.forEach((property, port) -> ports.put(manifest.getRequiredProperty(property, Integer.class), port));
        return ports;
    }

    private void callEveryProbe(ServerContainer server, Map<Integer, Integer> ports) throws Exception {
        List<Probe> probes = server.probes();
        assertThat(probes).isNotEmpty();
        for (Probe probe : probes) {
            assertThat(ports).as("%s %s: port %s", server.source(), probe.kind(), probe.port())
                .containsKey(probe.port());
            HttpResponse<String> response = get(ports.get(probe.port()), probe.path(), null);
            assertThat(response.statusCode()).as("%s %s %s", server.source(), probe.kind(), probe.path())
                .isEqualTo(200);
        }
    }

    private HttpResponse<String> get(int port, String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every file of the folder with its size and modification time. */
    private static Map<String, Long> snapshot(Path folder) throws IOException {
        Map<String, Long> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path file : walk.toList()) {
                files.put(folder.relativize(file) + " size", Files.isDirectory(file) ? 0 : Files.size(file));
                files.put(folder.relativize(file) + " modified", Files.getLastModifiedTime(file).toMillis());
            }
        }
        return files;
    }
}
