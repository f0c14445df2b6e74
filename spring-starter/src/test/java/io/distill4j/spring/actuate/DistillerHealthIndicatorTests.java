package io.distill4j.spring.actuate;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

/** The distiller's health through the {@code Distiller} api alone, whatever implements it. */
class DistillerHealthIndicatorTests {

    @Test
    void anOpenDistillerIsUpWithItsConcurrencyAndAClosedOneIsDown() {
        FakeDistiller distiller = new FakeDistiller(List.of());
        DistillerHealthIndicator indicator = new DistillerHealthIndicator(distiller);

        Health open = indicator.health();
        assertThat(open.getStatus()).isEqualTo(Status.UP);
        assertThat(open.getDetails()).containsEntry("concurrency", 3).containsEntry("running", 0L)
            .containsEntry("queued", 0L).doesNotContainKey("reason");

        distiller.close();
        Health closed = indicator.health();
        assertThat(closed.getStatus()).isEqualTo(Status.DOWN);
        assertThat(closed.getDetails()).containsEntry("reason", "the distiller is closed").containsEntry("concurrency", 3);
    }
}
