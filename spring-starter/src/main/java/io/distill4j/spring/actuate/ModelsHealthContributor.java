package io.distill4j.spring.actuate;

import java.util.List;
import java.util.stream.Stream;

import io.distill4j.api.InferenceEngine;
import io.distill4j.api.ModelDescriptor;
import io.distill4j.api.exception.ModelNotFoundException;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * One health entry per loaded model, read from the engine on each call (a hot swap or unload shows at
 * once): UP with the served version, task, execution provider (and why it is not a preferred one, if so),
 * the verdict of its load-time compatibility check, and the texts queued for its batcher.
 */
public class ModelsHealthContributor implements CompositeHealthContributor {

    private final InferenceEngine engine;

    public ModelsHealthContributor(InferenceEngine engine) {
        this.engine = engine;
    }

    @Override
    public HealthContributor getContributor(String name) {
        return loaded().stream().anyMatch(model -> model.id().name().equals(name)) ? indicator(name) : null;
    }

    @Override
    public Stream<Entry> stream() {
        return loaded().stream().map(model -> new Entry(model.id().name(), indicator(model.id().name())));
    }

    private List<ModelDescriptor> loaded() {
        try {
            return this.engine.loadedModels();
        }
        catch (IllegalStateException ex) {
            return List.of();
        }
    }

    private HealthIndicator indicator(String name) {
        return () -> {
            try {
                ModelDescriptor model = this.engine.describe(name);
                Health.Builder health = Health.up().withDetail("version", model.id().version())
                    .withDetail("task", model.task().id()).withDetail("provider", model.executionProvider());
                String note = ModelsEndpoint.providerNote(model);
                if (note != null) {
                    health.withDetail("providerNote", note);
                }
                return health.withDetail("compatibility", ModelsEndpoint.verdict(model))
                    .withDetail("queued", this.engine.queueDepth(name)).build();
            }
            catch (ModelNotFoundException | IllegalStateException ex) {
                return Health.down().withDetail("reason", ex.getMessage()).build();
            }
        };
    }
}
