/**
 * The distiller embedded in a plain Java program, without a server or Spring
 * ({@link io.distill4j.samples.embedded.EmbeddedDistillation}): the README's {@code distiller.distill(...)}
 * example, run on a small labelled CSV file with all-MiniLM-L6-v2 as the teacher.
 */
package io.distill4j.samples.embedded;
