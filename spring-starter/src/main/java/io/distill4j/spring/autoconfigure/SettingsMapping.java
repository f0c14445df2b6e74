package io.distill4j.spring.autoconfigure;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

/**
 * Builds a library configuration ({@code EngineConfig}, {@code DistillerConfig}) from bound properties, and
 * turns the library's refusal of a value into a start-up failure that names the property.
 *
 * <p>The library checks every value itself and refuses a bad one with an {@link IllegalArgumentException}
 * (or, for a missing one, a {@link NullPointerException}) whose message starts with the setting's name
 * ({@code maxBatchSize must be >= 1, was 0}). Each property is registered here under that setting name;
 * {@link #build} maps such a refusal to Spring Boot's {@link InvalidConfigurationPropertyValueException}
 * ({@code Property distill4j.inference.batching.max-batch-size with value '0' is invalid: maxBatchSize must be
 * >= 1, was 0}), so the limits live in the library alone. A refusal naming no registered setting is
 * rethrown as it is.
 */
final class SettingsMapping {

    private final Map<String, Property> properties = new HashMap<>();

    /**
     * Registers the property that supplies a library setting.
     * @param setting the setting's name in the library's messages, e.g. {@code maxBatchSize}
     * @param property the full property name, e.g. {@code distill4j.inference.batching.max-batch-size}
     * @param value the bound value, for the failure message
     * @return {@code value}
     */
    <V> V property(String setting, String property, V value) {
        this.properties.put(setting, new Property(property, value));
        return value;
    }

    /**
     * Runs {@code build}, mapping the library's refusal of a registered setting to the property's failure.
     * @throws InvalidConfigurationPropertyValueException naming the property and the library's reason
     */
    <T> T build(Supplier<T> build) {
        try {
            return build.get();
        }
        catch (IllegalArgumentException | NullPointerException ex) {
            String message = String.valueOf(ex.getMessage());
            int end = message.indexOf(' ');
            Property property = this.properties.get(end < 0 ? message : message.substring(0, end));
            if (property == null) {
                throw ex;
            }
            throw new InvalidConfigurationPropertyValueException(property.name(), property.value(), message);
        }
    }

    /**
     * A size as the {@code int} count of bytes a library setting takes.
     * @throws InvalidConfigurationPropertyValueException if it is unset or does not fit an {@code int}
     */
    static int intBytes(String property, DataSize size) {
        if (size == null) {
            throw new InvalidConfigurationPropertyValueException(property, null, "a size is required");
        }
        long bytes = size.toBytes();
        if (bytes > Integer.MAX_VALUE) {
            throw new InvalidConfigurationPropertyValueException(property, size,
                    "must be at most " + Integer.MAX_VALUE + " bytes");
        }
        return (int) bytes;
    }

    private record Property(String name, Object value) {
    }
}
