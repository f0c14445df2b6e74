/**
 * LLM data generation as a Spring bean: {@link io.distill4j.spring.generation.DataGeneration} generates a labelled
 * JSON Lines data set with a named text-generation model, under the distiller's request limits and cache.
 */
package io.distill4j.spring.generation;
