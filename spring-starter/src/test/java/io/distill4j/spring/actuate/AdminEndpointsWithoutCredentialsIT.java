package io.distill4j.spring.actuate;

import java.nio.file.Path;

import io.distill4j.spring.testing.AdminServer;
import io.distill4j.spring.testing.MiniLmRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.distill4j.spring.testing.AdminServer.basic;
import static org.assertj.core.api.Assertions.assertThat;

/** No admin credentials configured: the admin endpoints are exposed yet closed to everyone; health and info stay open. */
class AdminEndpointsWithoutCredentialsIT {

    @TempDir
    Path dir;

    @Test
    void theAdminEndpointsAnswer403ToEveryoneAndHealthAndInfoStayOpen() throws Exception {
        Path repository = MiniLmRepository.install(this.dir.resolve("models"));
        try (AdminServer server = AdminServer.start("distill4j.inference.model-repository=" + repository,
                "distill4j.distill.work-directory=" + this.dir.resolve("work"),
                "management.endpoints.web.exposure.include=health,info,models,distillations")) {
            for (String path : new String[] { "/actuator/models", "/actuator/distillations", "/actuator" }) {
                assertThat(server.send("GET", path, null, null).statusCode()).as(path).isEqualTo(403);
                assertThat(server.send("GET", path, basic("ops", "guess"), null).statusCode()).as(path).isEqualTo(403);
                assertThat(server.send("GET", path, "Bearer guess", null).statusCode()).as(path).isEqualTo(403);
            }
            assertThat(server.send("POST", "/actuator/models/minilm", null, "{}").statusCode()).isEqualTo(403);
            assertThat(server.send("GET", "/actuator/health", null, null).statusCode()).isEqualTo(200);
            assertThat(server.send("GET", "/actuator/info", null, null).statusCode()).isEqualTo(200);
        }
    }
}
