package io.distill4j.spark;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import io.distill4j.api.Checks;
import io.distill4j.api.Classification;
import io.distill4j.api.ScoredLabel;
import io.distill4j.api.TaskType;
import io.distill4j.api.exception.InvalidInputException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.TaskCompletionListener;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Batch scoring: a registered student (or any text model of the engine's repository) applied to a Spark
 * {@code Dataset<Row>}, on the executors, with the engine that serves it — the same tokenizer, truncation,
 * pooling and softmax — so a row's scores are the served model's for that text. Columns are added to every
 * row: for a classifier {@code prediction} (the most probable label) and {@code probability} (its
 * probability); for an embedding model {@code embedding} (the pooled vector); and {@code scoring_error} — null,
 * or why the row was not scored (no text, a blank text, a text over the byte limit), in which case the score
 * columns are null. A bad row never fails the job.
 *
 * <p>Rows go to the engine {@link Builder#chunk} at a time, as one call. An INT8 model (what the pipeline
 * registers) quantizes its activations per call, over the whole batch, so its probabilities move in the fourth
 * decimal with the other texts of the batch — on Spark as in the server, whose batches depend on the traffic;
 * the same rows in the same chunks give the same numbers.
 *
 * <pre>{@code
 * Dataset<Row> scored = StudentScoring.builder(spark).model(Path.of("models/intents/3")).textColumn("body")
 *         .build().score(tickets);
 * }</pre>
 *
 * The result is lazy, as any Spark transformation: the model is shipped when {@link #score} is called and
 * runs when an action runs.
 */
public final class StudentScoring {

    /** The classifier's label column. */
    public static final String PREDICTION = "prediction";

    /** The classifier's probability column. */
    public static final String PROBABILITY = "probability";

    /** The embedding model's vector column. */
    public static final String EMBEDDING = "embedding";

    /** Why a row was not scored, or null. */
    public static final String ERROR = "scoring_error";

    private final Builder settings;

    private StudentScoring(Builder settings) {
        this.settings = settings;
    }

    public static Builder builder(SparkSession spark) {
        return new Builder(spark);
    }

    /**
     * {@code data} with the score columns added.
     *
     * @throws InvalidInputException naming the option: no model, a model that is not a text model, a text column
     *     that is missing or not strings, an added column that {@code data} already has
     */
    public Dataset<Row> score(Dataset<Row> data) {
        Builder s = this.settings;
        if (s.model == null) {
            throw new InvalidInputException(null, "--model", "is required: a model version folder");
        }
        StructType schema = data.schema();
        List<String> columns = Arrays.asList(schema.fieldNames());
        if (!columns.contains(s.textColumn)) {
            throw new InvalidInputException(null, "--text-column", "no column '" + s.textColumn + "'; the data's "
                    + "columns are " + columns);
        }
        if (!schema.apply(s.textColumn).dataType().equals(DataTypes.StringType)) {
            throw new InvalidInputException(null, "--text-column", "column '" + s.textColumn + "' holds "
                    + schema.apply(s.textColumn).dataType().simpleString() + ", not strings");
        }
        SparkModel.Shipped model = s.ship(s.model, "--model", 0);
        boolean classifier = model.task() == TaskType.TEXT_CLASSIFICATION;
        StructType out = schema;
        for (String added : classifier ? List.of(PREDICTION, PROBABILITY, ERROR) : List.of(EMBEDDING, ERROR)) {
            if (columns.contains(added)) {
                throw new InvalidInputException(null, "--text-column", "the data already has a column '" + added
                        + "', which scoring adds; rename or drop it first");
            }
        }
        if (classifier) {
            out = out.add(PREDICTION, DataTypes.StringType, true).add(PROBABILITY, DataTypes.FloatType, true);
        }
        else {
            out = out.add(EMBEDDING, DataTypes.createArrayType(DataTypes.FloatType, false), true);
        }
        out = out.add(ERROR, DataTypes.StringType, true);
        return data.mapPartitions(new ScorePartition(model.model(), classifier, columns.indexOf(s.textColumn),
                s.chunk, s.maxTextBytes), Encoders.row(out));
    }

    /** Scores one partition, {@code chunk} rows per engine call, streaming (one chunk in memory). */
    private record ScorePartition(SparkModel model, boolean classifier, int textIndex, int chunk, int maxTextBytes)
            implements MapPartitionsFunction<Row, Row>, Serializable {

        private static final long serialVersionUID = 1L;

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            if (!rows.hasNext()) {
                return rows;
            }
            ExecutorEngines.Lease lease = ExecutorEngines.acquire(this.model);
            TaskContext context = TaskContext.get();
            if (context != null) {
                context.addTaskCompletionListener((TaskCompletionListener) ended -> lease.close());
            }
            return new Iterator<>() {

                private Iterator<Row> scored = List.<Row>of().iterator();

                @Override
                public boolean hasNext() {
                    if (!this.scored.hasNext() && rows.hasNext()) {
                        this.scored = scoreChunk(rows, lease).iterator();
                    }
                    return this.scored.hasNext();
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return this.scored.next();
                }
            };
        }

        private List<Row> scoreChunk(Iterator<Row> rows, ExecutorEngines.Lease lease) {
            List<Row> input = new ArrayList<>(this.chunk);
            while (rows.hasNext() && input.size() < this.chunk) {
                input.add(rows.next());
            }
            String[] problems = new String[input.size()];
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < input.size(); i++) {
                String text = input.get(i).isNullAt(this.textIndex) ? null : input.get(i).getString(this.textIndex);
                problems[i] = problem(text);
                if (problems[i] == null) {
                    texts.add(text);
                }
            }
            List<Classification> classes = this.classifier && !texts.isEmpty()
                    ? lease.call(engine -> engine.classify(this.model.shippedName(), texts, 1)) : List.of();
            List<float[]> vectors = !this.classifier && !texts.isEmpty()
                    ? lease.call(engine -> engine.embed(this.model.shippedName(), texts)) : List.of();
            List<Row> out = new ArrayList<>(input.size());
            int scored = 0;
            for (int i = 0; i < input.size(); i++) {
                Row row = input.get(i);
                int width = row.length();
                Object[] values = new Object[width + (this.classifier ? 3 : 2)];
                for (int c = 0; c < width; c++) {
                    values[c] = row.get(c);
                }
                if (problems[i] != null) {
                    values[values.length - 1] = problems[i];
                }
                else if (this.classifier) {
                    ScoredLabel best = classes.get(scored++).best();
                    values[width] = best.label();
                    values[width + 1] = best.probability();
                }
                else {
                    float[] vector = vectors.get(scored++);
                    List<Float> boxed = new ArrayList<>(vector.length);
                    for (float value : vector) {
                        boxed.add(value);
                    }
                    values[width] = CollectionConverters.asScala(boxed);
                }
                out.add(RowFactory.create(values));
            }
            return out;
        }

        private String problem(String text) {
            if (text == null) {
                return "no text";
            }
            if (text.isBlank()) {
                return "the text is blank";
            }
            int bytes = text.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > this.maxTextBytes) {
                return "the text is " + bytes + " bytes, over the limit of " + this.maxTextBytes + " (--max-text-bytes)";
            }
            return null;
        }
    }

    /** Settings of scoring; {@link #model} is required. */
    public static final class Builder extends ExecutorJobBuilder<Builder> {

        private Path model;

        private String textColumn = TextSource.TEXT;

        private Builder(SparkSession spark) {
            super(spark);
        }

        @Override
        Builder self() {
            return this;
        }

        /** The model: a version folder of the engine's repository, e.g. {@code models/intents/3}. */
        public Builder model(Path versionFolder) {
            this.model = Checks.path(versionFolder, "--model");
            return this;
        }

        /** The column holding the texts; default {@code text}. */
        public Builder textColumn(String column) {
            this.textColumn = Checks.notBlank(column, "--text-column");
            return this;
        }

        public StudentScoring build() {
            return new StudentScoring(this);
        }
    }
}
