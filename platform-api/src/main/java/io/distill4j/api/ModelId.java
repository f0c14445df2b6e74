package io.distill4j.api;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Identity of one model version: a name and a positive version number, as in a Triton model
 * repository ({@code <root>/<name>/<version>/}).
 *
 * <p>Names are restricted to {@value #NAME_PATTERN} so that a name can never address anything outside
 * its repository folder ({@code ..}, separators and absolute paths are rejected here, before any file
 * system access).
 *
 * @param name model name
 * @param version version number, {@code >= 1}
 */
public record ModelId(String name, long version) {

    /** Allowed model names: a letter or digit, then up to 127 letters, digits, {@code _ . -}. */
    public static final String NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9_.-]{0,127}";

    private static final Pattern NAME = Pattern.compile(NAME_PATTERN);

    public ModelId {
        requireValidName(name);
        if (version < 1) {
            throw new IllegalArgumentException("Model version must be >= 1, was " + version + " for model '" + name + "'");
        }
    }

    /** Shorthand for {@code new ModelId(name, version)}. */
    public static ModelId of(String name, long version) {
        return new ModelId(name, version);
    }

    /**
     * Checks a model name against {@link #NAME_PATTERN}.
     * @param name the name to check
     * @return the name
     * @throws IllegalArgumentException if the name is null, empty, or contains anything else
     */
    public static String requireValidName(String name) {
        Objects.requireNonNull(name, "Model name must not be null");
        if (!isValidName(name) || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("Invalid model name '" + name + "': must match " + NAME_PATTERN);
        }
        return name;
    }

    /** Whether the name matches {@link #NAME_PATTERN} and is not a relative path segment. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches() && !name.equals("..") && !name.equals(".");
    }

    /** {@code name/version}, the form used in logs, metrics and error subjects. */
    @Override
    public String toString() {
        return this.name + "/" + this.version;
    }
}
