package io.distill4j.engine;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.distill4j.api.ModelId;
import io.distill4j.engine.batching.AdaptiveBatchPolicy;
import io.distill4j.engine.batching.DynamicBatcher;
import io.distill4j.engine.session.ModelSession;
import io.distill4j.engine.text.TextTokenizer;
import io.distill4j.engine.text.TokenizedText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seeds a text model's {@link AdaptiveBatchPolicy} with what batches of 1, 2, 4, ... (up to
 * {@value #MAX_BATCH} and the cap) synthetic texts of at most {@value #TOKENS} tokens cost: a warm-up run and the
 * fastest of three timed runs per size, stopping early once a run takes longer than {@value #RUN_LIMIT_MILLIS} ms
 * (the policy measures larger sizes from live batches then). It runs on a daemon thread
 * {@value #DELAY_MILLIS} ms after the model starts serving, each size on an instance of its own taken when one is
 * idle and nothing waits ({@link DynamicBatcher#withIdleInstance}), so that it adds nothing to the load and delays a
 * request by at most one calibration run; until it is done the policy measures sizes from live batches.
 */
final class BatchCalibration {

    /** Tokens of the calibration texts: a short sentence (fewer if the model truncates texts shorter). */
    static final int TOKENS = 16;

    /** The largest calibrated batch; larger ones are measured live. */
    static final int MAX_BATCH = 16;

    /** How long after the load the calibration starts, out of the way of a new process's first requests. */
    static final long DELAY_MILLIS = 1000;

    /** A calibration run slower than this ends the calibration. */
    static final long RUN_LIMIT_MILLIS = 200;

    private static final Logger logger = LoggerFactory.getLogger(BatchCalibration.class);

    /** Runs one batch of texts on a session, as the model's batch processor does. */
    @FunctionalInterface
    interface BatchRunner {

        void run(ModelSession session, List<TokenizedText> batch);
    }

    private final ModelId id;

    private final AdaptiveBatchPolicy policy;

    private final DynamicBatcher<TokenizedText, float[]> batcher;

    private final List<ModelSession> sessions;

    private final TextTokenizer tokenizer;

    private final int tokens;

    private final int maxBatchSize;

    private final BatchRunner runner;

    private final Supplier<String> plan;

    private final CountDownLatch done = new CountDownLatch(1);

    /**
     * @param maxSequenceLength the model's truncation length, which bounds the calibration texts
     * @param plan the model's serving plan in words, logged when the calibration is done
     */
    BatchCalibration(ModelId id, AdaptiveBatchPolicy policy, DynamicBatcher<TokenizedText, float[]> batcher,
            List<ModelSession> sessions, TextTokenizer tokenizer, int maxSequenceLength, int maxBatchSize,
            BatchRunner runner, Supplier<String> plan) {
        this.id = id;
        this.policy = policy;
        this.batcher = batcher;
        this.sessions = sessions;
        this.tokenizer = tokenizer;
        this.tokens = Math.min(TOKENS, maxSequenceLength);
        this.maxBatchSize = maxBatchSize;
        this.runner = runner;
        this.plan = plan;
    }

    /** The length bucket of the calibration texts, whose gains the model's plan reports. */
    int bucket() {
        return TokenizedText.lengthBucket(this.tokens);
    }

    /** Starts the calibration on its daemon thread. */
    void start() {
        Thread thread = new Thread(() -> {
            try {
                Thread.sleep(DELAY_MILLIS);
                calibrate();
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            catch (RuntimeException ex) {
                logger.warn("Calibration of model {}'s batching failed; its policy measures batches as they run: {}",
                        this.id, ex.toString());
            }
            finally {
                this.done.countDown();
            }
        }, "distill4j-calibrate-" + this.id);
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits until the calibration is over (done, failed, or given up because the model closed). */
    boolean await(Duration timeout) throws InterruptedException {
        return this.done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void calibrate() throws InterruptedException {
        long limit = TimeUnit.MILLISECONDS.toNanos(RUN_LIMIT_MILLIS);
        for (int size = 1; size <= Math.min(MAX_BATCH, this.maxBatchSize); size *= 2) {
            int batchSize = size;
            long[] fastest = {Long.MAX_VALUE};
            // Inside the task: while it holds an instance the model cannot close, so the tokenizer is still open.
            boolean ran = this.batcher.withIdleInstance(instance -> {
                ModelSession session = this.sessions.get(instance % this.sessions.size());
                List<TokenizedText> batch = Collections.nCopies(batchSize,
                        syntheticText(this.tokenizer.encode("calibration"), this.tokens));
                this.runner.run(session, batch);
                for (int run = 0; run < 3; run++) {
                    long start = System.nanoTime();
                    this.runner.run(session, batch);
                    fastest[0] = Math.min(fastest[0], System.nanoTime() - start);
                }
            });
            if (!ran) {
                return;
            }
            this.policy.ran(bucket(), size, fastest[0]);
            if (fastest[0] > limit) {
                break;
            }
        }
        logger.info("Calibrated batching of model {}: {}", this.id, this.plan.get());
    }

    /** A text of {@code length} tokens shaped like {@code sample}: its first and last token, the middle repeated. */
    static TokenizedText syntheticText(TokenizedText sample, int length) {
        long[] ids = new long[length];
        long[] mask = new long[length];
        long[] types = new long[length];
        long[] source = sample.ids();
        for (int i = 0; i < length; i++) {
            int from = i == 0 ? 0 : i == length - 1 ? source.length - 1 : Math.min(1, source.length - 1);
            ids[i] = source[from];
            mask[i] = 1;
        }
        return new TokenizedText(ids, mask, types);
    }
}
