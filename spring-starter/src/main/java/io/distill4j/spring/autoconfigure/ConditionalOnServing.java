package io.distill4j.spring.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Conditional;

/**
 * Matches when the application serves Distill4j's protocols over the given transport — the switch that
 * keeps an application which only adds the starter (to distil, embed or classify in-process) from opening a
 * port it did not ask for. See {@link OnServingCondition} for the rule.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
@Documented
@Conditional(OnServingCondition.class)
public @interface ConditionalOnServing {

    /** The transport, {@code grpc} or {@code rest}: its own switch is {@code distill4j.<transport>.enabled}. */
    String value();
}
