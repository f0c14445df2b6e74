/**
 * Training data written by a large language model ("data distillation"): {@link
 * io.distill4j.pipeline.generation.DataGenerator} asks a {@link io.distill4j.api.generation.TextGenerationModel}
 * for texts of each label (every answer kept in an on-disk journal, so nothing is asked twice), filters them —
 * length, exact and near duplicates over an embedding model of the engine, and optionally a second labelling
 * pass — writes the kept texts as a JSON Lines data set the data reader reads back, and reports what each
 * filter removed and how varied the result is.
 */
package io.distill4j.pipeline.generation;
