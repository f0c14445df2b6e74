package io.distill4j.pipeline.teacher;

import java.util.Map;

/**
 * Where a {@link Teacher} reports how far it is, in the terms of the job's progress events: a step of a
 * total, the share of the teacher stage done, metrics and a message for people. Either method may throw
 * {@link io.distill4j.api.exception.DistillationCancelledException} when the job was cancelled.
 */
public interface TeacherProgress {

    /** A frequent update, which the job may drop when it reported a moment ago. */
    void update(long step, long total, double stageFraction, Map<String, Double> metrics, String message);

    /** An update the job always reports (a milestone: a head fitted, the stage done). */
    void milestone(long step, long total, double stageFraction, Map<String, Double> metrics, String message);

    /** Progress that goes nowhere. */
    static TeacherProgress none() {
        return new TeacherProgress() {

            @Override
            public void update(long step, long total, double stageFraction, Map<String, Double> metrics,
                    String message) {
            }

            @Override
            public void milestone(long step, long total, double stageFraction, Map<String, Double> metrics,
                    String message) {
            }
        };
    }
}
