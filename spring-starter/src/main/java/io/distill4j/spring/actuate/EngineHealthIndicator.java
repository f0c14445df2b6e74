package io.distill4j.spring.actuate;

import java.util.List;

import io.distill4j.api.InferenceEngine;
import io.distill4j.api.ModelDescriptor;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** The inference engine: UP while it is open, with the number of models loaded; DOWN once closed. */
public class EngineHealthIndicator implements HealthIndicator {

    private final InferenceEngine engine;

    public EngineHealthIndicator(InferenceEngine engine) {
        this.engine = engine;
    }

    @Override
    public Health health() {
        List<ModelDescriptor> loaded;
        try {
            loaded = this.engine.loadedModels();
        }
        catch (IllegalStateException ex) {
            return Health.down().withDetail("reason", ex.getMessage()).build();
        }
        return Health.up().withDetail("loadedModels", loaded.size()).build();
    }
}
