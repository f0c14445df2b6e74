/**
 * The text-generation contract: a {@link io.distill4j.api.generation.TextGenerationModel} (a large language
 * model behind any provider) is given a prompt that asks for texts of one label and answers with those texts
 * and what they cost. A {@link io.distill4j.api.generation.GenerationSpec} says what to generate per label of a
 * {@link io.distill4j.api.labelling.LabelSet} and how the results are filtered;
 * {@link io.distill4j.api.generation.GenerationPrompts} makes every prompt and reads every answer. The pipeline's
 * data generator asks, caches, filters and writes the data set; the Spring Boot starter adapts every Spring AI
 * {@code ChatModel} to this interface, so the pipeline never sees a framework. Plain Java values.
 */
package io.distill4j.api.generation;
