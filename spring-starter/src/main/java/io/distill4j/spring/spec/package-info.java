/**
 * Distillation spec files: YAML in the shape of the {@code distill4j.distill.v1.DistillationSpec} message,
 * read into that message by {@link io.distill4j.spring.spec.DistillationSpecFiles}, with errors that name
 * the file and the field path ({@link io.distill4j.spring.spec.DistillationSpecFileException}). The API of
 * this package uses no Spring type, so programs without Spring (the command-line clients) read spec files
 * with it as well as the platform server does; it needs only protobuf and Jackson's YAML reader.
 */
package io.distill4j.spring.spec;
