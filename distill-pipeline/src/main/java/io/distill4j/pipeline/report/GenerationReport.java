package io.distill4j.pipeline.report;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import io.distill4j.api.Checks;
import io.distill4j.api.labelling.LabellingUsage;

/**
 * What a data-generation run did: per label and in total, what was asked of the model, what came back, what
 * each filter removed and what was kept, how varied the kept texts are, and what it cost. Written as JSON and
 * HTML by {@link GenerationReportWriter}.
 *
 * @param jobId the run's id
 * @param created when the run ended
 * @param duration how long it took
 * @param model the text-generation model's id
 * @param embeddingModel the repository model that found near duplicates and measured diversity, if any
 * @param labelChecker the labelling model that checked the labels, if the spec asked for the check
 * @param temperature the sampling temperature
 * @param minLength the shortest text kept, in characters
 * @param maxLength the longest text kept, in characters
 * @param nearDuplicateThreshold the cosine similarity from which a text was a near duplicate
 * @param rounds rounds of requests made (the first asks for every label's target, later ones for what the
 *     filters left missing)
 * @param budgetReached whether the budget stopped the asking or the checking
 * @param retries requests tried again after a transient failure
 * @param spent what this run's requests cost, label checks included
 * @param journalled what the answers taken from the journals had cost when they were asked
 * @param labels one entry per label, in the label set's order
 * @param total the counts of all labels added up, and the diversity of all kept texts together
 * @param output the JSON Lines file the kept texts were written to (a path on the generating machine)
 * @param journal the journal file of the generation answers
 */
public record GenerationReport(String jobId, Instant created, Duration duration, String model,
        Optional<String> embeddingModel, Optional<String> labelChecker, double temperature, int minLength,
        int maxLength, double nearDuplicateThreshold, int rounds, boolean budgetReached, long retries,
        LabellingUsage spent, LabellingUsage journalled, List<GenerationFigures> labels, GenerationFigures total,
        String output, String journal) {

    public GenerationReport {
        Checks.notBlank(jobId, "report.jobId");
        Objects.requireNonNull(created, "created");
        Checks.notNegative(duration, "report.duration");
        Checks.notBlank(model, "report.model");
        Objects.requireNonNull(embeddingModel, "embeddingModel");
        Objects.requireNonNull(labelChecker, "labelChecker");
        Checks.atLeast(rounds, 0, "report.rounds");
        Checks.atLeast(retries, 0, "report.retries");
        Objects.requireNonNull(spent, "spent");
        Objects.requireNonNull(journalled, "journalled");
        labels = List.copyOf(Checks.notNull(labels, "report.labels"));
        Objects.requireNonNull(total, "total");
        GenerationFigures sum = GenerationFigures.total(labels, total.diversity());
        if (!sum.equals(total)) {
            throw new IllegalArgumentException("report.total must be the sum of report.labels, was " + total
                    + " for " + sum);
        }
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(journal, "journal");
    }

    /** One line for logs. */
    public String describe() {
        GenerationFigures t = this.total;
        return String.format(Locale.ROOT, "%d of %d texts kept from %d generated (%d too short, %d too long, "
                + "%d exact and %d near duplicates, %d of another label, %d unchecked, %d over the target); "
                + "%d requests, %d from the journal, %d tokens spent%s", t.kept(), t.target(), t.generated(),
                t.tooShort(), t.tooLong(), t.exactDuplicates(), t.nearDuplicates(), t.inconsistent(), t.unchecked(),
                t.overTarget(), t.requests(), t.fromJournal(), this.spent.totalTokens(),
                this.budgetReached ? "; budget reached" : "");
    }
}
