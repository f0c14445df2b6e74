/**
 * Append-only JSON Lines journals of answers keyed by prompt: the on-disk memory that keeps a labelling or a
 * generation run from asking a model the same question twice. {@link io.distill4j.pipeline.journal.JsonLinesJournal}
 * owns the file, its crash safety and its concurrency; each kind of answer brings its own
 * {@link io.distill4j.pipeline.journal.JsonLinesJournal.Codec}.
 */
package io.distill4j.pipeline.journal;
