package io.distill4j.engine.batching;

import java.util.List;

/**
 * Runs one batch of requests for a {@link DynamicBatcher}; typically one call of a model session.
 *
 * <p>A batcher calls each of its processors (one per instance) for one batch at a time, from the instance's
 * worker or, when the batcher lets callers run, from a caller's thread; so an implementation need not be
 * thread-safe with respect to its own batcher instance. Every item of a batch has the
 * same bucket key. The batch list is unmodifiable and valid for the duration of the call.
 *
 * <p>If {@link #process(List)} throws for a batch of more than one item, the batcher runs each of
 * those items again on its own, so that only the items that fail alone are failed; an implementation
 * must therefore tolerate being called again with items it has already seen.
 *
 * @param <I> type of one request
 * @param <O> type of one result
 */
@FunctionalInterface
public interface BatchProcessor<I, O> {

    /**
     * Runs one batch; returns exactly one output per input, in input order.
     * @param batch the items of the batch, between 1 and {@link BatchingConfig#maxBatchSize()} of them
     * @return the outputs; {@code outputs.get(i)} is the result of {@code batch.get(i)}
     * @throws Exception if the batch cannot be run; the exception is passed unwrapped to the caller
     *     of the failing item
     */
    List<O> process(List<I> batch) throws Exception;
}
