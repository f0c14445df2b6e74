package io.distill4j.api.distill;

import java.util.Locale;
import java.util.Optional;

import io.distill4j.api.Checks;

/**
 * A condition the distilled student must meet for the job to report success: auto-tuning chooses the
 * best trial that passes every gate, and the result says per gate whether it passed.
 *
 * <pre>{@code
 * QualityGate.relativeToTeacher(0.97);              // >= 97 % of the teacher's metric, measured after INT8
 * QualityGate.minimum("accuracy", 0.85).beforeInt8();
 * }</pre>
 *
 * @param metric the metric compared; empty means the task's {@linkplain DistillationTask#primaryMetric()
 *     primary metric}
 * @param threshold for a relative gate the share of the teacher's value (0 to 1), for an absolute one
 *     the smallest value accepted
 * @param relative whether {@link #threshold()} is a share of the teacher's value
 * @param afterInt8 whether the student is measured after INT8 quantization (the model that is served)
 */
public record QualityGate(Optional<String> metric, double threshold, boolean relative, boolean afterInt8) {

    public QualityGate {
        Checks.notNull(metric, "gate.metric");
        metric.ifPresent(m -> Checks.notBlank(m, "gate.metric"));
        Checks.finite(threshold, "gate.threshold");
        if (relative && !(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("gate.threshold of a relative gate must be in (0, 1], was " + threshold);
        }
    }

    /** The student (after INT8) reaches at least {@code share} of the teacher's primary metric. */
    public static QualityGate relativeToTeacher(double share) {
        return new QualityGate(Optional.empty(), share, true, true);
    }

    /** The student (after INT8) reaches at least {@code value} on {@code metric}. */
    public static QualityGate minimum(String metric, double value) {
        return new QualityGate(Optional.of(Checks.notBlank(metric, "gate.metric")), value, false, true);
    }

    /** The same gate measured on the fp32 student, before quantization. */
    public QualityGate beforeInt8() {
        return new QualityGate(this.metric, this.threshold, this.relative, false);
    }

    /** The metric this gate reads for {@code task}. */
    public String metricFor(DistillationTask task) {
        return this.metric.orElse(task.primaryMetric());
    }

    /** Whether a student value passes, given the teacher's value (used by relative gates only). */
    public boolean passes(double student, double teacher) {
        return this.relative ? student >= this.threshold * teacher : student >= this.threshold;
    }

    /** In words, e.g. {@code "accuracy after INT8 >= 97.0 % of the teacher's"}. */
    public String describe(DistillationTask task) {
        String what = metricFor(task) + (this.afterInt8 ? " after INT8" : " before INT8");
        return this.relative
                ? String.format(Locale.ROOT, "%s >= %.1f %% of the teacher's", what, 100 * this.threshold)
                : String.format(Locale.ROOT, "%s >= %s", what, this.threshold);
    }
}
