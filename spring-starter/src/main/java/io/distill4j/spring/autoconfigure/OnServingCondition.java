package io.distill4j.spring.autoconfigure;

import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.ClassUtils;

/**
 * Whether Distill4j serves over a transport ({@link ConditionalOnServing}), decided as Spring Boot's own
 * starters decide whether to start a web server — by what the application added:
 * <ol>
 * <li>{@code distill4j.<transport>.enabled} ({@code grpc}, {@code rest}), when set, decides for that
 * transport;</li>
 * <li>else {@code distill4j.serving.enabled}, when set, decides for both;</li>
 * <li>else serving is on exactly when the server starter ({@code distill4j-spring-boot-starter-server}, which
 * holds {@value #SERVER_MARKER}) is on the class path.</li>
 * </ol>
 * The starter alone therefore opens no port: Spring Boot's gRPC server starts only for a gRPC service bean,
 * and the REST binding needs a web application besides.
 */
final class OnServingCondition extends SpringBootCondition {

    /** The class whose presence means the application added the server starter. */
    static final String SERVER_MARKER = "io.distill4j.spring.server.Distill4jServer";

    /** The property that switches every transport on or off. */
    static final String SERVING_PROPERTY = "distill4j.serving.enabled";

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Map<String, Object> attributes = metadata.getAnnotationAttributes(ConditionalOnServing.class.getName());
        String transport = (String) attributes.get("value");
        Environment environment = context.getEnvironment();
        String transportProperty = "distill4j." + transport + ".enabled";
        for (String property : new String[] { transportProperty, SERVING_PROPERTY }) {
            String value = environment.getProperty(property);
            if (value != null) {
                boolean on = Boolean.parseBoolean(value.trim());
                return new ConditionOutcome(on, "Distill4j " + transport + " serving " + (on ? "on" : "off")
                        + " by " + property + "=" + value);
            }
        }
        boolean server = ClassUtils.isPresent(SERVER_MARKER, context.getClassLoader());
        return new ConditionOutcome(server, "Distill4j " + transport + " serving " + (server
                ? "on: the server starter is on the class path"
                : "off: neither the server starter nor " + SERVING_PROPERTY + "=true"));
    }
}
