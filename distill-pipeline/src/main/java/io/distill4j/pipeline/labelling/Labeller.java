package io.distill4j.pipeline.labelling;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import io.distill4j.api.exception.DistillationCancelledException;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.api.exception.TransientException;
import io.distill4j.api.labelling.LabelSet;
import io.distill4j.api.labelling.LabelledText;
import io.distill4j.api.labelling.LabellingBudget;
import io.distill4j.api.labelling.LabellingModel;
import io.distill4j.api.labelling.LabellingOptions;
import io.distill4j.api.labelling.LabellingPrompts;
import io.distill4j.api.labelling.LabellingRequest;
import io.distill4j.api.labelling.LabellingResult;
import io.distill4j.api.labelling.LabellingUsage;
import io.distill4j.engine.digest.Sha256;

/**
 * Asks a {@link LabellingModel} for the labels of many texts: answers already in the
 * {@link ExchangeJournal} are taken from it; each other distinct text is asked once, in its own request, with
 * at most {@link LabellingLimits#concurrency()} requests in flight.
 *
 * <p><b>Guarantees.</b>
 * <ul>
 * <li>Every answer is recorded in the journal the moment it arrives, so a failure, a cancellation or a
 *     killed process loses at most the requests in flight.</li>
 * <li>A {@link TransientException} (rate limit, server error, timeout) is retried with exponential, jittered
 *     back-off, {@link LabellingLimits#retryAttempts()} tries in all; rate limits of requests and estimated
 *     tokens per minute are held before each try (Resilience4j, through {@link RequestGuards}).</li>
 * <li>Texts are asked in the order of their prompts' SHA-256, a fixed pseudo-random order: a budget that
 *     stops the asking leaves answers spread over the whole data, and a larger budget extends the same sample.
 *     Before each request the budget is checked against what this call spent; once it is reached no new
 *     request starts (those in flight finish and are kept), and the texts not asked are reported.</li>
 * <li>Any other failure, or a transient one that outlasts its tries, stops the asking: requests not started
 *     are dropped, and a {@link DistillationException} names the model, the text and the journal.</li>
 * </ul>
 * An instance holds no resource between calls; each {@link #label} call runs its own threads and stops them
 * before returning.
 */
public final class Labeller {

    /** Tokens assumed per answer, for the token rate limit. */
    private static final int ANSWER_TOKENS = 16;

    private final LabellingModel model;

    private final LabellingLimits limits;

    private Labeller(LabellingModel model, LabellingLimits limits) {
        this.model = model;
        this.limits = limits;
    }

    /** A labeller of {@code model} under {@code limits}. */
    public static Labeller of(LabellingModel model, LabellingLimits limits) {
        return new Labeller(Objects.requireNonNull(model, "model"),
                Objects.requireNonNull(limits, "limits"));
    }

    /** Told after each answer how many of the distinct texts have one, and what was spent so far. */
    @FunctionalInterface
    public interface Progress {

        void answered(int done, int total, LabellingUsage spent);
    }

    /**
     * Answers every text of {@code texts}.
     *
     * @param jobId for error messages
     * @param cancelled checked before each request and while waiting; when true the call stops with a
     *     {@link DistillationCancelledException}, answers so far kept in the journal
     * @throws DistillationException when the model fails beyond its retries
     */
    public LabellingOutcome label(String jobId, List<String> texts, LabelSet labels, LabellingOptions options,
            ExchangeJournal journal, LabellingBudget budget, BooleanSupplier cancelled, Progress progress) {
        Map<String, List<Integer>> byPrompt = new LinkedHashMap<>();
        Map<String, String> textOf = new LinkedHashMap<>();
        for (int i = 0; i < texts.size(); i++) {
            String prompt = LabellingPrompts.render(options.promptTemplate(), labels, texts.get(i));
            byPrompt.computeIfAbsent(prompt, p -> new ArrayList<>()).add(i);
            textOf.putIfAbsent(prompt, texts.get(i));
        }
        List<Optional<LabelledText>> answers = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            answers.add(Optional.empty());
        }
        List<String> toAsk = new ArrayList<>();
        LabellingUsage journalled = LabellingUsage.ZERO;
        int fromJournal = 0;
        for (Map.Entry<String, List<Integer>> entry : byPrompt.entrySet()) {
            Optional<LabelledText> known = journal.answer(entry.getKey());
            if (known.isPresent()) {
                fromJournal++;
                journalled = journalled.plus(known.get().usage());
                entry.getValue().forEach(i -> answers.set(i, known));
            }
            else {
                toAsk.add(entry.getKey());
            }
        }
        // In the order of the prompts' hashes, not the data's: a budget that stops the asking leaves a sample spread
        // over the whole data (a file sorted by label keeps all its labels), and a larger budget later extends
        // that same sample.
        Map<String, String> hashes = new HashMap<>();
        toAsk.sort(Comparator.comparing(prompt -> hashes.computeIfAbsent(prompt, Sha256::hexOf)));
        int total = byPrompt.size();
        AtomicReference<LabellingUsage> spent = new AtomicReference<>(LabellingUsage.ZERO);
        RequestGuards guards = RequestGuards.of(this.limits, "labelling");
        AtomicBoolean budgetReached = new AtomicBoolean();
        AtomicInteger done = new AtomicInteger(fromJournal);
        int notAsked = 0;
        if (!toAsk.isEmpty()) {
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(this.limits.concurrency(), toAsk.size()),
                    threads(this.model.id()));
            try {
                CompletionService<Optional<LabelledText>> completion = new ExecutorCompletionService<>(pool);
                Map<Future<Optional<LabelledText>>, String> prompts = new LinkedHashMap<>();
                for (String prompt : toAsk) {
                    prompts.put(completion.submit(() -> ask(prompt, textOf.get(prompt), labels, options, journal,
                            budget, spent, budgetReached, cancelled, guards)), prompt);
                }
                for (int finished = 0; finished < toAsk.size();) {
                    Future<Optional<LabelledText>> future = completion.poll(200, TimeUnit.MILLISECONDS);
                    if (cancelled.getAsBoolean()) {
                        throw new DistillationCancelledException(jobId, "Cancelled while labelling with "
                                + this.model.id() + " after " + done.get() + " of " + total + " texts; the answers "
                                + "are kept in " + journal.file());
                    }
                    if (future == null) {
                        continue;
                    }
                    finished++;
                    String prompt = prompts.get(future);
                    Optional<LabelledText> answer = result(jobId, future, journal, done.get(), total);
                    if (answer.isEmpty()) {
                        notAsked++;
                        continue;
                    }
                    byPrompt.get(prompt).forEach(i -> answers.set(i, answer));
                    progress.answered(done.incrementAndGet(), total, spent.get());
                }
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new DistillationCancelledException(jobId, "Interrupted while labelling with " + this.model.id());
            }
            finally {
                pool.shutdownNow();
                try {
                    pool.awaitTermination(10, TimeUnit.SECONDS);
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        return new LabellingOutcome(answers, fromJournal, toAsk.size() - notAsked, notAsked, guards.retries(),
                spent.get(), journalled, budgetReached.get());
    }

    private Optional<LabelledText> ask(String prompt, String text, LabelSet labels, LabellingOptions options,
            ExchangeJournal journal, LabellingBudget budget, AtomicReference<LabellingUsage> spent,
            AtomicBoolean budgetReached, BooleanSupplier cancelled, RequestGuards guards) {
        if (cancelled.getAsBoolean()) {
            return Optional.empty();
        }
        if (budget.exhaustedBy(spent.get())) {
            budgetReached.set(true);
            return Optional.empty();
        }
        int tokens = (prompt.length() / 4 + ANSWER_TOKENS) * options.samples();
        AtomicInteger tries = new AtomicInteger();
        LabellingRequest request = LabellingRequest.of(text, labels, options);
        LabellingResult result;
        try {
            result = guards.call(tokens, tries, () -> this.model.label(request));
        }
        finally {
            int failed = Math.max(0, tries.get() - 1);
            if (failed > 0) {
                spent.accumulateAndGet(new LabellingUsage(failed, 0, 0), LabellingUsage::plus);
            }
        }
        if (result == null || result.texts().size() != 1) {
            throw new IllegalStateException("labelling model " + this.model.id() + " answered "
                    + (result == null ? "null" : result.texts().size() + " texts") + " to a request of one text");
        }
        LabelledText answer = result.texts().get(0);
        if (answer.answered() && answer.probabilities().size() != labels.size()) {
            throw new IllegalStateException("labelling model " + this.model.id() + " answered "
                    + answer.probabilities().size() + " probabilities for " + labels.size() + " labels");
        }
        spent.accumulateAndGet(answer.usage(), LabellingUsage::plus);
        journal.record(prompt, answer);
        return Optional.of(answer);
    }

    private Optional<LabelledText> result(String jobId, Future<Optional<LabelledText>> future, ExchangeJournal journal,
            int done, int total) throws InterruptedException {
        try {
            return future.get();
        }
        catch (ExecutionException ex) {
            Throwable cause = ex.getCause();
            String kind = cause instanceof TransientException ? "failed after " + this.limits.retryAttempts()
                    + " tries" : "failed";
            throw new DistillationException(jobId, "teacher: the labelling model " + this.model.id() + " " + kind
                    + " (" + cause.getMessage() + "); " + done + " of " + total + " texts are answered and kept in "
                    + journal.file() + ", so running the job again asks only for the rest", cause);
        }
    }

    private static ThreadFactory threads(String modelId) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "labelling-" + modelId + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
