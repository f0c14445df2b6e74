package io.distill4j.pipeline.generation;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import io.distill4j.api.InferenceEngine;
import io.distill4j.api.exception.DistillationCancelledException;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.api.exception.TransientException;
import io.distill4j.api.generation.GenerationPrompts;
import io.distill4j.api.generation.GenerationRequest;
import io.distill4j.api.generation.GenerationResult;
import io.distill4j.api.generation.GenerationSpec;
import io.distill4j.api.generation.TextGenerationModel;
import io.distill4j.api.labelling.LabelDefinition;
import io.distill4j.api.labelling.LabelledText;
import io.distill4j.api.labelling.LabellingBudget;
import io.distill4j.api.labelling.LabellingModel;
import io.distill4j.api.labelling.LabellingOptions;
import io.distill4j.api.labelling.LabellingUsage;
import io.distill4j.pipeline.generation.TextFilters.Candidate;
import io.distill4j.pipeline.labelling.ExchangeJournal;
import io.distill4j.pipeline.labelling.Labeller;
import io.distill4j.pipeline.labelling.LabellingLimits;
import io.distill4j.pipeline.labelling.LabellingOutcome;
import io.distill4j.pipeline.labelling.RequestGuards;
import io.distill4j.pipeline.report.DiversityFigures;
import io.distill4j.pipeline.report.GenerationFigures;
import io.distill4j.pipeline.report.GenerationReport;

/**
 * Generates a labelled data set with a {@link TextGenerationModel}: per label of a {@link GenerationSpec}, asks
 * for texts, filters them, and writes the kept ones as JSON Lines.
 *
 * <pre>{@code
 * DataGenerator generator = DataGenerator.builder(model)
 *         .engine(engine)                  // holds the spec's embedding model (near duplicates, diversity)
 *         .labelChecker(labellingModel)    // when the spec checks labels
 *         .limits(LabellingLimits.builder().concurrency(8).build())
 *         .build();
 * GenerationReport report = generator.generate("job-1", spec, cacheDir.resolve("llm-journal"),
 *         Path.of("generated.jsonl"), () -> false, (round, kept, target, spent) -> { });
 * GenerationReportWriter.writeHtml(report, Path.of("generated-report.html"));
 * }</pre>
 *
 * <p><b>Rounds.</b> The first round asks, for every label, {@code ceil(textsPerLabel / textsPerRequest)}
 * requests of {@code textsPerRequest} texts each; the answers are filtered; each later round asks only for what
 * each label still lacks, until every label has its target, {@link GenerationSpec#maxRounds()} rounds were
 * made, or the budget is reached. Request {@code n} of a label renders its prompt with {@code {request}} =
 * {@code n}, numbered on across rounds, so every request is a distinct prompt. Answers are processed in request
 * order, whatever order they arrive in, so a run is repeatable: a second run over the same journal takes every
 * answer from it, keeps the same texts and sends no request; a run with a larger target asks only for the rest.
 *
 * <p><b>Filters</b>, in order (see {@link TextFilters}): length bounds → exact duplicates (case and white space
 * ignored; also against the example texts, across labels) → near duplicates (cosine of the spec's embedding
 * model, through {@link InferenceEngine#embed}, within a label, greedy: the first is kept) → label check
 * (optional: the label checker labels every remaining text through a {@link Labeller} with
 * {@link LabellingOptions#ofDefaults()}, its answers journalled like the generation answers; a text whose most
 * probable label is not the one it was generated for, or that got no label of the set, is dropped; the checker
 * may be an LLM or an encoder teacher behind the {@link LabellingModel} interface). Texts beyond a label's
 * target are dropped last. The report counts what each step removed.
 *
 * <p><b>Output.</b> One line per kept text, {@code {"text": "...", "label": "..."}}, UTF-8, labels in the label
 * set's order and texts in the order they were kept, written atomically (temporary file, forced, moved over the
 * target). {@code DatasetReader} reads it with its default settings. The user's example texts are not in it.
 *
 * <p><b>Guarantees.</b> Requests run on at most {@link LabellingLimits#concurrency()} threads, each answer
 * recorded in the journal as it arrives; transient failures are retried with back-off under the limits' rate
 * limits ({@link RequestGuards}); before each request the spec's budget is checked against everything this run
 * spent, label checks included, and once it is reached no request starts and the run ends with what it has
 * (the report says so). Any other failure, or a transient one that outlasts its tries, fails the run with a
 * {@link DistillationException} naming the model and the journal; a cancellation ends it with a
 * {@link DistillationCancelledException}; either way the answers so far stay in the journal and nothing is
 * written to the output. An instance holds no resource between calls; each {@link #generate} call runs its own
 * threads and stops them before returning. The engine and the label checker stay the caller's to close.
 */
public final class DataGenerator {

    /** Tokens assumed per generated text, for the token rate limit. */
    private static final int ANSWER_TOKENS_PER_TEXT = 40;


    private final TextGenerationModel model;

    private final Optional<InferenceEngine> engine;

    private final Optional<LabellingModel> labelChecker;

    private final LabellingLimits limits;

    private DataGenerator(Builder builder) {
        this.model = builder.model;
        this.engine = Optional.ofNullable(builder.engine);
        this.labelChecker = Optional.ofNullable(builder.labelChecker);
        this.limits = builder.limits;
    }

    /** A builder of a generator asking {@code model}. */
    public static Builder builder(TextGenerationModel model) {
        return new Builder(Objects.requireNonNull(model, "model"));
    }

    /** Told after each round how many texts are kept (at most each label's target), of how many, at what cost. */
    @FunctionalInterface
    public interface Progress {

        void advanced(int round, int kept, int target, LabellingUsage spent);
    }

    /**
     * Generates, filters and writes the data set {@code spec} describes.
     *
     * @param jobId for error messages and the report
     * @param journalDirectory where the journals of the generation answers and the label checks are kept
     * @param output the JSON Lines file to write; its folder is created if needed
     * @param cancelled checked before each request and while waiting; when true the run stops with a
     *     {@link DistillationCancelledException}, answers so far kept in the journal
     * @throws IllegalArgumentException if the spec names an embedding model and the generator has no engine, or
     *     asks for label checks and the generator has no label checker
     * @throws DistillationException when a model fails beyond its retries, or the output cannot be written
     * @throws io.distill4j.api.exception.ModelNotFoundException if the embedding model is not in the repository
     */
    public GenerationReport generate(String jobId, GenerationSpec spec, Path journalDirectory, Path output,
            BooleanSupplier cancelled, Progress progress) {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(journalDirectory, "journalDirectory");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(cancelled, "cancelled");
        Objects.requireNonNull(progress, "progress");
        if (spec.embeddingModel().isPresent() && this.engine.isEmpty()) {
            throw new IllegalArgumentException("generation.embeddingModel '" + spec.embeddingModel().get()
                    + "' needs an inference engine: give the generator one, or build the spec withoutEmbeddingModel()");
        }
        if (spec.checkLabels() && this.labelChecker.isEmpty()) {
            throw new IllegalArgumentException("generation.checkLabels needs a labelling model: give the generator "
                    + "one with labelChecker(...)");
        }
        long started = System.nanoTime();
        Optional<Function<List<String>, List<float[]>>> embedder = spec.embeddingModel().map(name -> {
            InferenceEngine e = this.engine.get();
            if (e.loadedModels().stream().noneMatch(loaded -> loaded.id().name().equals(name))) {
                e.load(name);
            }
            return texts -> e.embed(name, texts);
        });
        TextFilters filters = new TextFilters(spec.minLength(), spec.maxLength(), spec.nearDuplicateThreshold(),
                embedder);
        List<LabelTally> tallies = new ArrayList<>();
        for (LabelDefinition label : spec.labels().labels()) {
            tallies.add(new LabelTally(label.name(), spec.textsPerLabel()));
            filters.addExamples(label.name(), label.examples());
        }
        Spending spending = new Spending(spec.budget(), RequestGuards.of(this.limits, "generation"));
        int rounds = 0;
        // The workers are declared last, so their threads stop before the journals they record into close.
        try (GenerationJournal journal = GenerationJournal.open(journalDirectory, this.model.id(), spec.temperature());
                ExchangeJournal checks = spec.checkLabels() ? ExchangeJournal.open(journalDirectory,
                        this.labelChecker.get().id(), spec.labels(), LabellingOptions.ofDefaults()) : null;
                Workers workers = new Workers(this.limits.concurrency(), this.model.id())) {
            ExecutorService pool = workers.pool;
            int[] requested = new int[tallies.size()];
            while (rounds < spec.maxRounds() && !spending.budgetReached.get()) {
                if (cancelled.getAsBoolean()) {
                    throw cancelled(jobId, journal, tallies);
                }
                List<Ask> asks = new ArrayList<>();
                for (int l = 0; l < tallies.size(); l++) {
                    LabelTally tally = tallies.get(l);
                    int requests = (tally.shortfall() + spec.textsPerRequest() - 1) / spec.textsPerRequest();
                    for (int r = 0; r < requests; r++) {
                        String prompt = GenerationPrompts.render(spec.promptTemplate(), spec.labels().labels().get(l),
                                spec.textsPerRequest(), ++requested[l]);
                        asks.add(new Ask(tally, prompt, GenerationRequest.of(tally.label, prompt,
                                spec.textsPerRequest(), spec.temperature())));
                    }
                }
                if (asks.isEmpty()) {
                    break;
                }
                if (spending.budget.exhaustedBy(spending.spent.get())) {
                    spending.budgetReached.set(true);
                    break;
                }
                rounds++;
                List<Optional<GenerationResult>> answers = ask(jobId, asks, journal, spending, pool, cancelled,
                        tallies);
                Map<LabelTally, List<Candidate>> passed = new LinkedHashMap<>();
                Map<LabelTally, List<String>> generated = new LinkedHashMap<>();
                tallies.forEach(tally -> generated.put(tally, new ArrayList<>()));
                for (int i = 0; i < asks.size(); i++) {
                    Ask ask = asks.get(i);
                    answers.get(i).ifPresent(answer -> {
                        ask.tally().requests++;
                        ask.tally().asked += ask.request().count();
                        ask.tally().generated += answer.texts().size();
                        generated.get(ask.tally()).addAll(answer.texts());
                    });
                }
                for (LabelTally tally : tallies) {
                    passed.put(tally, filters.screen(tally.label, generated.get(tally), tally));
                }
                if (spec.checkLabels()) {
                    check(jobId, spec, passed, checks, spending, cancelled);
                }
                passed.forEach((tally, candidates) -> candidates.forEach(candidate -> {
                    filters.commit(tally.label, candidate);
                    tally.kept.add(candidate);
                }));
                int kept = tallies.stream().mapToInt(t -> Math.min(t.kept.size(), t.target)).sum();
                progress.advanced(rounds, kept, spec.textsPerLabel() * tallies.size(), spending.spent.get());
            }
            if (cancelled.getAsBoolean()) {
                throw cancelled(jobId, journal, tallies);
            }
            tallies.forEach(LabelTally::trimToTarget);
            GeneratedRows.write(jobId, output, tallies);
            return report(jobId, spec, tallies, rounds, spending, output, journal.file(), started,
                    embedder.isPresent());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new DistillationCancelledException(jobId, "Interrupted while generating with " + this.model.id());
        }
    }

    /** The answers to {@code asks}, in their order: from the journal, else asked; empty where not asked. */
    private List<Optional<GenerationResult>> ask(String jobId, List<Ask> asks, GenerationJournal journal,
            Spending spending, ExecutorService pool, BooleanSupplier cancelled, List<LabelTally> tallies)
            throws InterruptedException {
        List<Optional<GenerationResult>> answers = new ArrayList<>(Collections.nCopies(asks.size(), Optional.empty()));
        CompletionService<Optional<GenerationResult>> completion = new ExecutorCompletionService<>(pool);
        Map<Future<Optional<GenerationResult>>, Integer> positions = new HashMap<>();
        for (int i = 0; i < asks.size(); i++) {
            Ask ask = asks.get(i);
            Optional<GenerationResult> known = journal.answer(ask.prompt());
            if (known.isPresent()) {
                answers.set(i, known);
                ask.tally().fromJournal++;
                spending.journalled.accumulateAndGet(known.get().usage(), LabellingUsage::plus);
            }
            else {
                positions.put(completion.submit(() -> request(ask, journal, spending, cancelled)), i);
            }
        }
        for (int pending = positions.size(); pending > 0;) {
            Future<Optional<GenerationResult>> future = completion.poll(200, TimeUnit.MILLISECONDS);
            if (cancelled.getAsBoolean()) {
                throw cancelled(jobId, journal, tallies);
            }
            if (future == null) {
                continue;
            }
            pending--;
            answers.set(positions.get(future), result(jobId, future, journal));
        }
        return answers;
    }

    private Optional<GenerationResult> request(Ask ask, GenerationJournal journal, Spending spending,
            BooleanSupplier cancelled) {
        if (cancelled.getAsBoolean()) {
            return Optional.empty();
        }
        if (spending.budget.exhaustedBy(spending.spent.get())) {
            spending.budgetReached.set(true);
            return Optional.empty();
        }
        int tokens = ask.prompt().length() / 4 + ask.request().count() * ANSWER_TOKENS_PER_TEXT;
        AtomicInteger tries = new AtomicInteger();
        GenerationResult result;
        try {
            result = spending.guards.call(tokens, tries, () -> this.model.generate(ask.request()));
        }
        finally {
            int failed = Math.max(0, tries.get() - 1);
            if (failed > 0) {
                spending.spent.accumulateAndGet(new LabellingUsage(failed, 0, 0), LabellingUsage::plus);
            }
        }
        if (result == null) {
            throw new IllegalStateException("text-generation model " + this.model.id() + " answered null");
        }
        spending.spent.accumulateAndGet(result.usage(), LabellingUsage::plus);
        journal.record(ask.prompt(), result);
        return Optional.of(result);
    }

    private Optional<GenerationResult> result(String jobId, Future<Optional<GenerationResult>> future,
            GenerationJournal journal) throws InterruptedException {
        try {
            return future.get();
        }
        catch (ExecutionException ex) {
            Throwable cause = ex.getCause();
            String kind = cause instanceof TransientException ? "failed after " + this.limits.retryAttempts()
                    + " tries" : "failed";
            throw new DistillationException(jobId, "generation: the text-generation model " + this.model.id() + " "
                    + kind + " (" + cause.getMessage() + "); the answers so far are kept in " + journal.file()
                    + ", so running again asks only for the rest", cause);
        }
    }

    /**
     * Labels the candidates with the label checker and removes from {@code passed} those it does not give their
     * own label, counting them as inconsistent, or as unchecked where the budget left them unasked.
     */
    private void check(String jobId, GenerationSpec spec, Map<LabelTally, List<Candidate>> passed,
            ExchangeJournal journal, Spending spending, BooleanSupplier cancelled) {
        List<String> texts = new ArrayList<>();
        passed.values().forEach(candidates -> candidates.forEach(candidate -> texts.add(candidate.text())));
        if (texts.isEmpty()) {
            return;
        }
        Optional<LabellingBudget> left = spending.budget.remainingAfter(spending.spent.get());
        List<Optional<LabelledText>> answers;
        if (left.isEmpty()) {
            spending.budgetReached.set(true);
            answers = Collections.nCopies(texts.size(), Optional.empty());
        }
        else {
            LabellingOutcome outcome = Labeller.of(this.labelChecker.get(), this.limits).label(jobId, texts,
                    spec.labels(), LabellingOptions.ofDefaults(), journal, left.get(), cancelled, (d, t, s) -> { });
            spending.spent.accumulateAndGet(outcome.spent(), LabellingUsage::plus);
            spending.journalled.accumulateAndGet(outcome.journalled(), LabellingUsage::plus);
            spending.checkRetries.addAndGet(outcome.retries());
            if (outcome.budgetReached()) {
                spending.budgetReached.set(true);
            }
            answers = outcome.answers();
        }
        int i = 0;
        for (Map.Entry<LabelTally, List<Candidate>> entry : passed.entrySet()) {
            LabelTally tally = entry.getKey();
            int intended = spec.labels().indexOf(tally.label);
            List<Candidate> confirmed = new ArrayList<>();
            for (Candidate candidate : entry.getValue()) {
                Optional<LabelledText> answer = answers.get(i++);
                if (answer.isEmpty()) {
                    tally.unchecked++;
                }
                else if (!answer.get().answered() || answer.get().mostProbable() != intended) {
                    tally.inconsistent++;
                }
                else {
                    confirmed.add(candidate);
                }
            }
            entry.setValue(confirmed);
        }
    }

    private GenerationReport report(String jobId, GenerationSpec spec, List<LabelTally> tallies, int rounds,
            Spending spending, Path output, Path journal, long started, boolean embedded) {
        List<GenerationFigures> labels = new ArrayList<>();
        List<String> allTexts = new ArrayList<>();
        List<float[]> allVectors = new ArrayList<>();
        for (LabelTally tally : tallies) {
            List<String> texts = tally.kept.stream().map(Candidate::text).toList();
            List<float[]> vectors = embedded ? tally.kept.stream().map(Candidate::vector).toList() : null;
            labels.add(tally.figures(DiversityMeasures.of(texts, vectors)));
            allTexts.addAll(texts);
            if (embedded) {
                allVectors.addAll(vectors);
            }
        }
        DiversityFigures total = DiversityMeasures.of(allTexts, embedded ? allVectors : null);
        return new GenerationReport(jobId, Instant.now(), Duration.ofNanos(System.nanoTime() - started),
                this.model.id(), spec.embeddingModel(), spec.checkLabels() ? this.labelChecker.map(LabellingModel::id)
                        : Optional.empty(), spec.temperature(), spec.minLength(), spec.maxLength(),
                spec.nearDuplicateThreshold(), rounds, spending.budgetReached.get(),
                spending.guards.retries() + spending.checkRetries.get(), spending.spent.get(),
                spending.journalled.get(), labels, GenerationFigures.total(labels, total),
                output.toAbsolutePath().toString(), journal.toAbsolutePath().toString());
    }

    private DistillationCancelledException cancelled(String jobId, GenerationJournal journal,
            List<LabelTally> tallies) {
        int kept = tallies.stream().mapToInt(t -> t.kept.size()).sum();
        return new DistillationCancelledException(jobId, "Cancelled while generating with " + this.model.id()
                + " after " + kept + " texts were kept; the answers are kept in " + journal.file());
    }

    /** The request threads of one {@link #generate} call; closing stops them, waiting up to ten seconds. */
    private static final class Workers implements AutoCloseable {

        final ExecutorService pool;

        Workers(int threads, String modelId) {
            AtomicInteger count = new AtomicInteger();
            ThreadFactory factory = runnable -> {
                Thread thread = new Thread(runnable, "generation-" + modelId + "-" + count.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            };
            this.pool = Executors.newFixedThreadPool(threads, factory);
        }

        @Override
        public void close() {
            this.pool.shutdownNow();
            try {
                this.pool.awaitTermination(10, TimeUnit.SECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One request of a round: its label, its rendered prompt and the request built from it. */
    private record Ask(LabelTally tally, String prompt, GenerationRequest request) {
    }

    /** What one {@link #generate} call spent and may still spend, shared by its threads. */
    private static final class Spending {

        final LabellingBudget budget;

        final RequestGuards guards;

        final AtomicReference<LabellingUsage> spent = new AtomicReference<>(LabellingUsage.ZERO);

        final AtomicReference<LabellingUsage> journalled = new AtomicReference<>(LabellingUsage.ZERO);

        final AtomicBoolean budgetReached = new AtomicBoolean();

        final AtomicLong checkRetries = new AtomicLong();

        Spending(LabellingBudget budget, RequestGuards guards) {
            this.budget = budget;
            this.guards = guards;
        }
    }

    /** Builder of {@link DataGenerator}. */
    public static final class Builder {

        private final TextGenerationModel model;

        private InferenceEngine engine;

        private LabellingModel labelChecker;

        private LabellingLimits limits = LabellingLimits.ofDefaults();

        private Builder(TextGenerationModel model) {
            this.model = model;
        }

        /** The engine whose repository holds the spec's embedding model; required when the spec names one. */
        public Builder engine(InferenceEngine engine) {
            this.engine = Objects.requireNonNull(engine, "engine");
            return this;
        }

        /** The model that checks the labels; required when the spec asks for the check. */
        public Builder labelChecker(LabellingModel checker) {
            this.labelChecker = Objects.requireNonNull(checker, "labelChecker");
            return this;
        }

        /** Concurrency, rate limits and retries of the requests; default {@link LabellingLimits#ofDefaults()}. */
        public Builder limits(LabellingLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        public DataGenerator build() {
            return new DataGenerator(this);
        }
    }
}
