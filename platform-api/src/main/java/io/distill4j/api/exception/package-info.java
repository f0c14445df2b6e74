/**
 * The one unchecked exception hierarchy of Distill4j, split by whether a retry can help:
 * {@link io.distill4j.api.exception.TransientException} (overload, timeout, device busy) and
 * {@link io.distill4j.api.exception.NonTransientException} (bad input, missing or broken model).
 * Every exception carries a machine-readable {@link io.distill4j.api.exception.ErrorCode} and, where
 * one applies, the model or job it is about.
 */
package io.distill4j.api.exception;
