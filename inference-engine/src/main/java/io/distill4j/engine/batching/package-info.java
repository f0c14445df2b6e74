/**
 * Dynamic batching for the inference engine: a {@link io.distill4j.engine.batching.DynamicBatcher}
 * queues single requests from many callers in per-bucket FIFO queues (one bucket per sequence-length
 * class, so a batch holds inputs of similar length), and one worker thread hands them to a
 * {@link io.distill4j.engine.batching.BatchProcessor} in batches of up to
 * {@link io.distill4j.engine.batching.BatchingConfig#maxBatchSize()} items, serving the bucket whose
 * oldest request has waited longest, isolating failures to the request that caused them, and
 * reporting batch sizes, timings and queue depth to a {@link io.distill4j.engine.batching.BatchListener}.
 */
package io.distill4j.engine.batching;
