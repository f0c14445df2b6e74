package io.distill4j.spring.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The IDE metadata that the configuration processor generates for the engine and distiller properties: each
 * has a description, and each default it shows is the one the properties really have (the library's).
 */
class ConfigurationMetadataTests {

    /** Properties whose default is "unset" (none, or one the library works out at run time). */
    private static final Set<String> WITHOUT_DEFAULT = Set.of("distill4j.inference.load-on-startup",
            "distill4j.inference.repository-poll-interval",
            "distill4j.distill.cache-directory", "distill4j.distill.threads", "distill4j.distill.memory-limit",
            "distill4j.distill.data-roots");

    private static List<JsonNode> properties;

    @BeforeAll
    static void readMetadata() throws IOException {
        properties = new ArrayList<>();
        JsonMapper json = JsonMapper.builder().build();
        for (URL url : Collections.list(ConfigurationMetadataTests.class.getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json"))) {
            try (InputStream in = url.openStream()) {
                for (JsonNode property : json.readTree(in).path("properties")) {
                    String name = property.path("name").asString();
                    if (name.startsWith("distill4j.inference.") || name.startsWith("distill4j.distill.")
                            || name.startsWith("distill4j.shutdown.")) {
                        properties.add(property);
                    }
                }
            }
        }
    }

    @Test
    void everyPropertyIsListedWithADescriptionAndBooleansSayWhether() {
        assertThat(properties).extracting(p -> p.path("name").asString()).contains(
                "distill4j.inference.max-text-size", "distill4j.inference.session.optimization-level",
                "distill4j.inference.batching.max-queue-delay", "distill4j.distill.memory-limit",
                "distill4j.distill.max-sequence-length", "distill4j.shutdown.delay");
        for (JsonNode property : properties) {
            String name = property.path("name").asString();
            assertThat(property.path("description").asString()).as(name).isNotBlank();
            if (property.path("type").asString().equals("java.lang.Boolean")) {
                assertThat(property.path("description").asString()).as(name).startsWith("Whether");
            }
            assertThat(property.has("defaultValue")).as(name + " has a default").isEqualTo(!WITHOUT_DEFAULT.contains(name));
        }
    }

    @Test
    void theDefaultsShownAreTheDefaultsBound() {
        Map<String, Object> defaults = new HashMap<>();
        for (JsonNode property : properties) {
            JsonNode value = property.path("defaultValue");
            if (!value.isMissingNode()) {
                List<String> items = new ArrayList<>();
                (value.isArray() ? value : List.of(value)).forEach(item -> items.add(item.asString()));
                defaults.put(property.path("name").asString(), String.join(",", items));
            }
        }
        Binder binder = new Binder(new MapConfigurationPropertySource(defaults));
        assertThat(binder.bindOrCreate("distill4j.inference", InferenceProperties.class)).usingRecursiveComparison()
            .isEqualTo(new InferenceProperties());
        assertThat(binder.bindOrCreate("distill4j.distill", DistillProperties.class)).usingRecursiveComparison()
            .isEqualTo(new DistillProperties());
        assertThat(binder.bindOrCreate("distill4j.shutdown", ShutdownProperties.class)).usingRecursiveComparison()
            .isEqualTo(new ShutdownProperties());
    }
}
