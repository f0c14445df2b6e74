package io.distill4j.api.generation;

import java.util.Optional;

import io.distill4j.api.Checks;
import io.distill4j.api.labelling.LabelSet;
import io.distill4j.api.labelling.LabellingBudget;

/**
 * What to generate and how to filter it: per label of a {@link LabelSet}, texts asked of a
 * {@link TextGenerationModel} with prompts made from a template, then kept only when they pass, in this order,
 * the length bounds, the exact-duplicate check, the near-duplicate check and (optionally) the label-consistency
 * check. Every field is validated when the spec is built; a failure is an {@link IllegalArgumentException}
 * naming the field and the limit, as for every spec of this API.
 *
 * <pre>{@code
 * GenerationSpec spec = GenerationSpec.builder(LabelSet.of(List.of(
 *                 LabelDefinition.of("refund", "The customer asks for their money back",
 *                         List.of("I want my money back for order 12")),
 *                 LabelDefinition.of("delivery", "The customer asks where a parcel is"))))
 *         .textsPerLabel(200)
 *         .checkLabels(true)
 *         .budget(new LabellingBudget(500, 0))
 *         .build();
 * }</pre>
 *
 * @param labels the labels, with the descriptions and example texts (the user's own, as style examples, at most
 *     {@value io.distill4j.api.labelling.LabelDefinition#MAX_EXAMPLES} each) the prompts show
 * @param promptTemplate the user message per request, see {@link GenerationPrompts}; default
 *     {@link GenerationPrompts#DEFAULT_TEMPLATE}
 * @param textsPerLabel how many texts to keep per label, 1 to {@value #MAX_TEXTS_PER_LABEL}: the generator asks
 *     until this many passed the filters or a limit stops it; default {@value #DEFAULT_TEXTS_PER_LABEL}
 * @param textsPerRequest how many texts one request asks for, 1 to {@value #MAX_TEXTS_PER_REQUEST}; default
 *     {@value #DEFAULT_TEXTS_PER_REQUEST}
 * @param temperature the sampling temperature, 0 to 2; higher is more diverse; default
 *     {@value #DEFAULT_TEMPERATURE}
 * @param maxRounds how often, at most, the generator asks again for the texts a label still lacks after the
 *     filters, 1 to {@value #MAX_ROUNDS}; default {@value #DEFAULT_MAX_ROUNDS}
 * @param minLength the shortest text kept, in characters (UTF-16 code units), 1 to {@code maxLength}; default
 *     {@value #DEFAULT_MIN_LENGTH}
 * @param maxLength the longest text kept, in characters, {@code minLength} to {@value #MAX_LENGTH}; default
 *     {@value #DEFAULT_MAX_LENGTH}
 * @param embeddingModel the text-embedding model of the engine's repository whose cosine similarity finds near
 *     duplicates and measures diversity; empty to skip both; default {@value #DEFAULT_EMBEDDING_MODEL}
 * @param nearDuplicateThreshold the cosine similarity at or above which a text is a near duplicate of one kept
 *     before it, 0.5 to 1; default {@value #DEFAULT_NEAR_DUPLICATE_THRESHOLD}
 * @param checkLabels whether a labelling model labels every text that passed the other filters, and a text it
 *     does not give its intended label is dropped; default false
 * @param budget the most the generation may spend, the label checks included; default unlimited
 */
public record GenerationSpec(LabelSet labels, String promptTemplate, int textsPerLabel, int textsPerRequest,
        double temperature, int maxRounds, int minLength, int maxLength, Optional<String> embeddingModel,
        double nearDuplicateThreshold, boolean checkLabels, LabellingBudget budget) {

    /** Default {@link #textsPerLabel()}. */
    public static final int DEFAULT_TEXTS_PER_LABEL = 100;

    /** Most {@link #textsPerLabel()}. */
    public static final int MAX_TEXTS_PER_LABEL = 100_000;

    /** Default {@link #textsPerRequest()}. */
    public static final int DEFAULT_TEXTS_PER_REQUEST = 10;

    /** Most {@link #textsPerRequest()}. */
    public static final int MAX_TEXTS_PER_REQUEST = 100;

    /** Default {@link #temperature()}. */
    public static final double DEFAULT_TEMPERATURE = 0.9;

    /** Default {@link #maxRounds()}. */
    public static final int DEFAULT_MAX_ROUNDS = 5;

    /** Most {@link #maxRounds()}. */
    public static final int MAX_ROUNDS = 100;

    /** Default {@link #minLength()}. */
    public static final int DEFAULT_MIN_LENGTH = 10;

    /** Default {@link #maxLength()}. */
    public static final int DEFAULT_MAX_LENGTH = 1000;

    /** Most {@link #maxLength()}. */
    public static final int MAX_LENGTH = 100_000;

    /** Default {@link #embeddingModel()}: all-MiniLM-L6-v2 under its usual repository name. */
    public static final String DEFAULT_EMBEDDING_MODEL = "all-minilm-l6-v2";

    /** Default {@link #nearDuplicateThreshold()}. */
    public static final double DEFAULT_NEAR_DUPLICATE_THRESHOLD = 0.92;

    /** Lowest {@link #nearDuplicateThreshold()}: below it texts that merely share a topic would be dropped. */
    public static final double MIN_NEAR_DUPLICATE_THRESHOLD = 0.5;

    public GenerationSpec {
        Checks.notNull(labels, "generation.labels");
        GenerationPrompts.checkTemplate(promptTemplate);
        Checks.inRange(textsPerLabel, 1, MAX_TEXTS_PER_LABEL, "generation.textsPerLabel");
        Checks.inRange(textsPerRequest, 1, MAX_TEXTS_PER_REQUEST, "generation.textsPerRequest");
        Checks.inRange(temperature, 0.0, 2.0, "generation.temperature");
        Checks.inRange(maxRounds, 1, MAX_ROUNDS, "generation.maxRounds");
        Checks.inRange(maxLength, 1, MAX_LENGTH, "generation.maxLength");
        Checks.inRange(minLength, 1, maxLength, "generation.minLength");
        Checks.notNull(embeddingModel, "generation.embeddingModel");
        embeddingModel.ifPresent(name -> Checks.notBlank(name, "generation.embeddingModel"));
        Checks.inRange(nearDuplicateThreshold, MIN_NEAR_DUPLICATE_THRESHOLD, 1.0, "generation.nearDuplicateThreshold");
        Checks.notNull(budget, "generation.budget");
    }

    /** A builder with every default, generating for {@code labels}. */
    public static Builder builder(LabelSet labels) {
        return new Builder(Checks.notNull(labels, "generation.labels"));
    }

    /** A builder with this spec's settings. */
    public Builder toBuilder() {
        Builder builder = new Builder(this.labels);
        builder.promptTemplate = this.promptTemplate;
        builder.textsPerLabel = this.textsPerLabel;
        builder.textsPerRequest = this.textsPerRequest;
        builder.temperature = this.temperature;
        builder.maxRounds = this.maxRounds;
        builder.minLength = this.minLength;
        builder.maxLength = this.maxLength;
        builder.embeddingModel = this.embeddingModel;
        builder.nearDuplicateThreshold = this.nearDuplicateThreshold;
        builder.checkLabels = this.checkLabels;
        builder.budget = this.budget;
        return builder;
    }

    /** Builder of {@link GenerationSpec}; {@link #build()} validates. */
    public static final class Builder {

        private final LabelSet labels;

        private String promptTemplate = GenerationPrompts.DEFAULT_TEMPLATE;

        private int textsPerLabel = DEFAULT_TEXTS_PER_LABEL;

        private int textsPerRequest = DEFAULT_TEXTS_PER_REQUEST;

        private double temperature = DEFAULT_TEMPERATURE;

        private int maxRounds = DEFAULT_MAX_ROUNDS;

        private int minLength = DEFAULT_MIN_LENGTH;

        private int maxLength = DEFAULT_MAX_LENGTH;

        private Optional<String> embeddingModel = Optional.of(DEFAULT_EMBEDDING_MODEL);

        private double nearDuplicateThreshold = DEFAULT_NEAR_DUPLICATE_THRESHOLD;

        private boolean checkLabels;

        private LabellingBudget budget = LabellingBudget.UNLIMITED;

        private Builder(LabelSet labels) {
            this.labels = labels;
        }

        public Builder promptTemplate(String template) {
            this.promptTemplate = template;
            return this;
        }

        public Builder textsPerLabel(int texts) {
            this.textsPerLabel = texts;
            return this;
        }

        public Builder textsPerRequest(int texts) {
            this.textsPerRequest = texts;
            return this;
        }

        public Builder temperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        public Builder maxRounds(int rounds) {
            this.maxRounds = rounds;
            return this;
        }

        /** The shortest and the longest text kept, in characters. */
        public Builder lengthBounds(int min, int max) {
            this.minLength = min;
            this.maxLength = max;
            return this;
        }

        /** The repository model that finds near duplicates and measures diversity. */
        public Builder embeddingModel(String name) {
            this.embeddingModel = Optional.of(Checks.notBlank(name, "generation.embeddingModel"));
            return this;
        }

        /** No near-duplicate filter and no embedding diversity: no model of the engine is used. */
        public Builder withoutEmbeddingModel() {
            this.embeddingModel = Optional.empty();
            return this;
        }

        public Builder nearDuplicateThreshold(double threshold) {
            this.nearDuplicateThreshold = threshold;
            return this;
        }

        public Builder checkLabels(boolean check) {
            this.checkLabels = check;
            return this;
        }

        public Builder budget(LabellingBudget budget) {
            this.budget = budget;
            return this;
        }

        public GenerationSpec build() {
            return new GenerationSpec(this.labels, this.promptTemplate, this.textsPerLabel, this.textsPerRequest,
                    this.temperature, this.maxRounds, this.minLength, this.maxLength, this.embeddingModel,
                    this.nearDuplicateThreshold, this.checkLabels, this.budget);
        }
    }
}
