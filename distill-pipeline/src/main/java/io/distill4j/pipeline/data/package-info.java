/**
 * Data preparation for distillation: reading labelled or unlabelled text from CSV, TSV (RFC 4180
 * quoting, through Apache Commons CSV) and JSON Lines with a {@link
 * io.distill4j.pipeline.data.ColumnMapping} ({@link io.distill4j.pipeline.data.DatasetReader}), with
 * strict UTF-8 and bad rows counted, reported by line and bounded by a share; a seeded, stratified
 * train/validation split ({@link io.distill4j.pipeline.data.DatasetSplitter}); and transfer-set
 * augmentation after Tang et al. 2019 ({@link io.distill4j.pipeline.data.Augmenter}) whose texts the
 * teacher labels.
 */
package io.distill4j.pipeline.data;
