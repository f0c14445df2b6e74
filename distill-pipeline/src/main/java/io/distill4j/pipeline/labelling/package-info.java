/**
 * Asking a {@link io.distill4j.api.labelling.LabellingModel} for the labels of many texts without paying twice
 * or losing anything: {@link io.distill4j.pipeline.labelling.ExchangeJournal} keeps every answer on disk by
 * model, options and prompt; {@link io.distill4j.pipeline.labelling.Labeller} asks for the rest with bounded
 * concurrency, Resilience4j retries and rate limits ({@link io.distill4j.pipeline.labelling.RequestGuards}, also
 * used by the data generator), and a budget; {@link
 * io.distill4j.pipeline.labelling.LabellingLimits} holds the distiller-wide settings. The LLM teacher
 * ({@code pipeline.teacher}) turns the answers into soft targets.
 */
package io.distill4j.pipeline.labelling;
