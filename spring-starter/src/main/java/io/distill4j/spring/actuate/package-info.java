/**
 * Actuator endpoints of the management port: {@code models} (list, load, hot swap, unload),
 * {@code distillations} (list, get, cancel), health indicators of the engine, its models and the job runner,
 * and the {@code distill4j} info contribution.
 */
package io.distill4j.spring.actuate;
