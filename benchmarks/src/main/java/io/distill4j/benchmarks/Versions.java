package io.distill4j.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Versions of the libraries on the class path, read from their jars, so the report names what ran. */
final class Versions {

    private Versions() {
    }

    /**
     * The version of a Maven artifact: its {@code pom.properties} if the jar carries one, else the
     * {@code Implementation-Version} of the package of {@code anchor}, else {@code "unknown"}.
     */
    static String of(String groupId, String artifactId, Class<?> anchor) {
        String resource = "META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties";
        try (InputStream in = anchor.getClassLoader().getResourceAsStream(resource)) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                String version = properties.getProperty("version");
                if (version != null) {
                    return version;
                }
            }
        }
        catch (IOException ignored) {
            // fall through to the manifest
        }
        String version = anchor.getPackage().getImplementationVersion();
        return version != null ? version : "unknown";
    }
}
