package io.distill4j.pipeline.teacher;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

import io.distill4j.api.distill.MemoryMode;
import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.api.labelling.LabelledText;
import io.distill4j.api.labelling.LabellingModel;
import io.distill4j.api.labelling.LabellingUsage;
import io.distill4j.api.labelling.TargetSource;
import io.distill4j.engine.digest.Sha256;
import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.cache.CacheKey;
import io.distill4j.pipeline.cache.CacheLookup;
import io.distill4j.pipeline.cache.SoftTargetWriter;
import io.distill4j.pipeline.cache.SoftTargets;
import io.distill4j.pipeline.data.TextDataset;
import io.distill4j.pipeline.data.TextExample;
import io.distill4j.pipeline.labelling.ExchangeJournal;
import io.distill4j.pipeline.labelling.Labeller;
import io.distill4j.pipeline.labelling.LabellingLimits;
import io.distill4j.pipeline.labelling.LabellingOutcome;
import io.distill4j.pipeline.report.LabellingSummary;

/**
 * A large language model as the teacher ({@link TeacherSpec.Llm}): every distinct text of the splits is asked
 * once through a {@link Labeller} (answers already in the {@link ExchangeJournal} are not asked again), and the
 * answers' distributions become the soft targets, as log-probabilities (floored at 1e-12) that the softmax
 * maps back. Counted answers ({@link TargetSource#SAMPLES}, {@link TargetSource#SINGLE_ANSWER}) are smoothed
 * first: {@code p' = (1 - e) p + e / labels}. A row without a distribution — its answers named no label, or
 * the budget ran out before it was asked — is left out of its split; the outcome carries the rows kept, and
 * the report how many were left out and why.
 *
 * <p><b>Through an encoder</b> ({@link TeacherSpec.Llm#encoder()}): only the training and validation texts are
 * asked; each row takes the answer's most probable label (a row the data labels keeps its own, a row without an
 * answer stays unlabelled), and the encoder teacher runs on those splits as on any labelled data — its head
 * fitted, or the encoder fine-tuned, as its policy decides — and writes the soft targets of every split, so
 * nothing is left out and the student tokenizes with the encoder's tokenizer.
 *
 * <p>Otherwise no model is loaded in the JVM: nothing to release, nothing to measure, and the job is always
 * {@link MemoryMode#STAGED}. Each split's cache key covers the model's id, the conversation (options and
 * labels), the smoothing, the tokenizer and the split's kept texts and their targets; the journal, not the
 * soft-target cache, is what saves the requests.
 */
final class LlmTeacher implements Teacher {

    /** The journal folder, under the distiller's cache directory. */
    static final String JOURNAL_FOLDER = "labelling";

    private static final float LOG_FLOOR = (float) Math.log(1e-12);

    private final TeacherSpec.Llm spec;

    LlmTeacher(TeacherSpec.Llm spec) {
        this.spec = spec;
    }

    @Override
    public Optional<List<String>> labels() {
        return Optional.of(this.spec.labels().names());
    }

    @Override
    public TeacherOutcome run(TeacherContext context) {
        String jobId = context.jobId();
        if (!Files.isRegularFile(this.spec.tokenizer())) {
            throw new DistillationException(jobId, "teacher.tokenizer: " + this.spec.tokenizer() + " is not a file",
                    null);
        }
        LabellingModel model = model(context.config(), jobId);
        boolean throughEncoder = this.spec.encoder().isPresent();
        Map<String, TextDataset> splits = new LinkedHashMap<>();
        // Through an encoder the LLM labels what the encoder learns from; the encoder labels the rest.
        splits.put("train", throughEncoder ? context.train() : context.transfer());
        splits.put("validation", context.validation());
        if (!throughEncoder) {
            context.test().ifPresent(test -> splits.put("test", test));
        }
        List<String> texts = new ArrayList<>();
        splits.values().forEach(data -> data.examples().forEach(example -> texts.add(example.text())));

        LabellingLimits limits = context.config().labellingLimits();
        LabellingOutcome outcome;
        Path journalFile;
        try (ExchangeJournal journal = ExchangeJournal.open(context.config().cacheDirectory().resolve(JOURNAL_FOLDER),
                model.id(), this.spec.labels(), this.spec.options())) {
            journalFile = journal.file();
            context.progress().milestone(0, texts.size(), 0, Map.of(), String.format(Locale.ROOT,
                    "teacher %s: labelling %d texts (%d answers in the journal %s)", model.id(), texts.size(),
                    journal.size(), journal.file()));
            outcome = Labeller.of(model, limits).label(jobId, texts, this.spec.labels(), this.spec.options(), journal,
                    this.spec.budget(), context.cancelled(), (done, total, spent) -> context.progress().update(done,
                            total, (double) done / total, Map.of("labelling_requests", (double) spent.requests(),
                                    "labelling_tokens", (double) spent.totalTokens()),
                            "teacher: " + done + " of " + total + " texts labelled by " + model.id()));
        }

        if (throughEncoder) {
            return throughEncoder(context, splits, texts, outcome, model, journalFile);
        }
        List<TeacherStage.SplitTargets> results = new ArrayList<>();
        Map<String, TextDataset> kept = new LinkedHashMap<>();
        Map<String, Integer> leftOut = new LinkedHashMap<>();
        int offset = 0;
        for (Map.Entry<String, TextDataset> split : splits.entrySet()) {
            TextDataset data = split.getValue();
            List<TextExample> rows = new ArrayList<>(data.size());
            List<float[]> targets = new ArrayList<>(data.size());
            for (int i = 0; i < data.size(); i++) {
                Optional<LabelledText> answer = outcome.answers().get(offset + i);
                if (answer.isPresent() && answer.get().answered()) {
                    rows.add(data.examples().get(i));
                    targets.add(logits(answer.get()));
                }
            }
            offset += data.size();
            leftOut.put(split.getKey(), data.size() - rows.size());
            if (rows.isEmpty()) {
                throw new DistillationException(jobId, "teacher: no text of the " + split.getKey() + " split got an "
                        + "answer in the label set from " + model.id() + (outcome.budgetReached()
                                ? " before the budget (" + this.spec.budget() + ") was reached" : "")
                        + "; see the answers in " + journalFile, null);
            }
            if (rows.size() < data.size()) {
                kept.put(split.getKey(), new TextDataset(data.name(), rows, data.labels()));
            }
            results.add(write(split.getKey(), rows, targets, model, context));
        }
        LabellingSummary summary = summary(model, texts, outcome, leftOut, limits, journalFile);
        LabellingUsage spent = outcome.spent();
        context.progress().milestone(texts.size(), texts.size(), 1, Map.of("teacher_models_loaded", 0.0,
                "labelling_requests", (double) spent.requests(), "labelling_tokens", (double) spent.totalTokens()),
                "teacher " + model.id() + ": " + summary.describe());
        return new TeacherOutcome(this.spec.name(), this.spec.tokenizer(), results, Optional.empty(),
                MemoryMode.STAGED, Optional.empty(), context.cache()).withLabelling(summary, kept);
    }

    /**
     * The encoder route: the training and validation rows take the LLM's most probable label (a row the data
     * labels keeps its own; a row without an answer stays unlabelled), and the encoder teacher, run on those
     * splits, writes the soft targets of every split.
     */
    private TeacherOutcome throughEncoder(TeacherContext context, Map<String, TextDataset> splits, List<String> texts,
            LabellingOutcome outcome, LabellingModel model, Path journalFile) {
        List<String> names = this.spec.labels().names();
        Map<String, TextDataset> relabelled = new LinkedHashMap<>();
        int offset = 0;
        for (Map.Entry<String, TextDataset> split : splits.entrySet()) {
            TextDataset data = split.getValue();
            List<TextExample> rows = new ArrayList<>(data.size());
            int labelled = 0;
            for (int i = 0; i < data.size(); i++) {
                TextExample row = data.examples().get(i);
                Optional<LabelledText> answer = outcome.answers().get(offset + i);
                Optional<String> label = row.label().or(() -> answer.filter(LabelledText::answered)
                        .map(a -> names.get(a.mostProbable())));
                labelled += label.isPresent() ? 1 : 0;
                rows.add(new TextExample(row.text(), row.textPair(), label, row.line(), row.augmented()));
            }
            offset += data.size();
            if (labelled == 0) {
                throw new DistillationException(context.jobId(), "teacher: no text of the " + split.getKey()
                        + " split got an answer in the label set from " + model.id() + (outcome.budgetReached()
                                ? " before the budget (" + this.spec.budget() + ") was reached" : "")
                        + ", so the encoder has nothing to learn; see the answers in " + journalFile, null);
            }
            relabelled.put(split.getKey(), new TextDataset(data.name(), rows, names));
        }
        LabellingSummary summary = summary(model, texts, outcome, Map.of(), context.config().labellingLimits(),
                journalFile);
        TeacherSpec encoder = this.spec.encoder().orElseThrow();
        context.progress().milestone(texts.size(), texts.size(), 1, Map.of("labelling_requests",
                (double) outcome.spent().requests(), "labelling_tokens", (double) outcome.spent().totalTokens()),
                "teacher " + model.id() + ": " + summary.describe() + "; its labels now teach the encoder "
                        + encoder.name());
        TeacherContext taught = new TeacherContext(context.jobId(), context.spec(), context.config(),
                relabelled.get("train"), context.transfer(), relabelled.get("validation"), context.test(),
                context.labels(), context.cache(), context.students(), context.progress(), context.cancelled());
        return Teacher.forSpec(encoder).run(taught).withLabelling(summary, Map.of());
    }

    /** What the labelling did, for the report. */
    private static LabellingSummary summary(LabellingModel model, List<String> texts, LabellingOutcome outcome,
            Map<String, Integer> leftOut, LabellingLimits limits, Path journalFile) {
        Map<String, LabelledText> byText = new HashMap<>();
        for (int i = 0; i < texts.size(); i++) {
            int index = i;
            outcome.answers().get(i).ifPresent(answer -> byText.putIfAbsent(texts.get(index), answer));
        }
        Map<TargetSource, Integer> sources = new EnumMap<>(TargetSource.class);
        byText.values().stream().filter(LabelledText::answered)
                .forEach(answer -> sources.merge(answer.source(), 1, Integer::sum));
        int unanswered = (int) byText.values().stream().filter(answer -> !answer.answered()).count();
        long outOfSet = byText.values().stream().mapToLong(LabelledText::outOfSetAnswers).sum();
        LabellingUsage spent = outcome.spent();
        return new LabellingSummary(model.id(), outcome.fromJournal() + outcome.asked()
                + outcome.notAsked(), outcome.fromJournal(), outcome.asked(), outcome.notAsked(), unanswered, outOfSet,
                sources, leftOut, outcome.retries(), spent, outcome.journalled(), limits.priced()
                        ? OptionalDouble.of(limits.cost(spent.promptTokens(), spent.completionTokens()))
                        : OptionalDouble.empty(), outcome.budgetReached(), journalFile.toString());
    }

    /** The labelling model the spec names, from the distiller's. */
    private LabellingModel model(DistillerConfig config, String jobId) {
        Map<String, LabellingModel> models = config.labellingModels();
        if (models.isEmpty()) {
            throw new DistillationException(jobId, "teacher.model: the distiller has no labelling model; give it one "
                    + "(DistillerConfig.builder().labellingModel(name, model), or a Spring AI ChatModel bean with the "
                    + "starter)", null);
        }
        if (this.spec.model().isEmpty()) {
            if (models.size() > 1) {
                throw new DistillationException(jobId, "teacher.model: the distiller has " + models.size()
                        + " labelling models " + models.keySet() + "; name one", null);
            }
            return models.values().iterator().next();
        }
        LabellingModel model = models.get(this.spec.model());
        if (model == null) {
            throw new DistillationException(jobId, "teacher.model: no labelling model named '" + this.spec.model()
                    + "'; the distiller has " + models.keySet(), null);
        }
        return model;
    }

    /** The answer's distribution as logits: smoothed where it counts answers, then its logarithm. */
    private float[] logits(LabelledText answer) {
        List<Double> p = answer.probabilities();
        double smoothing = answer.source() == TargetSource.LOG_PROBABILITIES ? 0 : this.spec.labelSmoothing();
        float[] row = new float[p.size()];
        for (int i = 0; i < row.length; i++) {
            double q = (1 - smoothing) * p.get(i) + smoothing / row.length;
            row[i] = q > 0 ? Math.max(LOG_FLOOR, (float) Math.log(q)) : LOG_FLOOR;
        }
        return row;
    }

    private TeacherStage.SplitTargets write(String split, List<TextExample> rows, List<float[]> targets,
            LabellingModel model, TeacherContext context) {
        CacheKey key = key(split, rows, targets, model);
        CacheLookup lookup = context.cache().lookup(key);
        if (lookup.isHit()) {
            try (SoftTargets cached = lookup.targets().orElseThrow()) {
                return new TeacherStage.SplitTargets(split, key, true, cached.rows(), cached.width(), lookup.path());
            }
        }
        int width = this.spec.labels().size();
        try (SoftTargetWriter writer = context.cache().create(key, rows.size(), width,
                context.spec().softTargetPrecision())) {
            writer.append(targets.toArray(float[][]::new));
            Path path = writer.commit();
            return new TeacherStage.SplitTargets(split, key, false, writer.rows(), writer.width(), path);
        }
    }

    private CacheKey key(String split, List<TextExample> rows, List<float[]> targets, LabellingModel model) {
        List<String> texts = new ArrayList<>(rows.size());
        rows.forEach(row -> texts.add(row.text()));
        Sha256 answers = Sha256.start();
        ByteBuffer buffer = ByteBuffer.allocate(Float.BYTES * this.spec.labels().size());
        for (float[] row : targets) {
            buffer.clear();
            for (float value : row) {
                buffer.putFloat(value);
            }
            answers.update(buffer.array());
        }
        return CacheKey.builder()
                .teacher("labelling:" + model.id())
                .tokenizer(this.spec.tokenizer())
                .data(texts)
                .preprocessing("split", split)
                .preprocessing("output", "labelling-log-probabilities:" + this.spec.labels().size())
                .preprocessing("labels", String.join("\u001f", this.spec.labels().names()))
                .preprocessing("answers", Sha256.hex(answers.digest()))
                .build();
    }
}
