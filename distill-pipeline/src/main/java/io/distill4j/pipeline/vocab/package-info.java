/**
 * Vocabulary pruning: {@link io.distill4j.pipeline.vocab.VocabularyPruning} restricts a student's embedding
 * table to the token ids its training data uses (plus the special tokens), rewrites training ids to rows of
 * that smaller table, and gives the exporter the table from tokenizer ids to rows, so that the exported
 * model still takes the tokenizer's ids and maps ids it has no row for to the unknown token's row.
 */
package io.distill4j.pipeline.vocab;
