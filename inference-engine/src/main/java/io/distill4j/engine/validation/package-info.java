/**
 * Request validation that runs before any native call: raw tensors against a model's declared inputs
 * (names, element types, ranks, static dimensions, element counts, size limits) and texts (present,
 * valid UTF-8, under the byte limit). Every failure is an {@link
 * io.distill4j.api.exception.InvalidInputException} naming the field and the limit.
 */
package io.distill4j.engine.validation;
