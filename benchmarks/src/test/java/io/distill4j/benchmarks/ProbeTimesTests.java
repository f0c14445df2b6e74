package io.distill4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ProbeTimesTests {

    @Test
    void lineReadsBackToTheSameTimesWithPhasesInOrder() {
        Map<String, Double> phases = new LinkedHashMap<>();
        phases.put("ort", 346.5);
        phases.put("tokenizers", 159.0);
        phases.put("manifest", 470.25);
        ProbeTimes times = new ProbeTimes(36, 334.1, 1369.5, 19.25, 151.0, 8.5, "card arrival", phases);

        ProbeTimes read = ProbeTimes.parse(List.of("WARN something native", times.line(), "trailing"));

        assertThat(read.jvmToMain()).isEqualTo(36);
        assertThat(read.open()).isEqualTo(334.1);
        assertThat(read.load()).isEqualTo(1369.5);
        assertThat(read.firstAnswer()).isEqualTo(19.25);
        assertThat(read.reload()).isEqualTo(151.0);
        assertThat(read.answerAfterReload()).isEqualTo(8.5);
        assertThat(read.answer()).isEqualTo("card_arrival");
        assertThat(read.phases()).containsExactly(Map.entry("ort", 346.5), Map.entry("tokenizers", 159.0),
                Map.entry("manifest", 470.25));
        assertThat(read.loadToFirstAnswer()).isEqualTo(1388.75);
        assertThat(read.reloadToAnswer()).isEqualTo(159.5);
    }

    @Test
    void aProbeWithoutPhasesHasNone() {
        ProbeTimes times = new ProbeTimes(30, 1, 2, 3, 4, 5, "vector[384]", Map.of());

        assertThat(ProbeTimes.parse(List.of(times.line())).phases()).isEmpty();
    }

    @Test
    void outputWithoutAResultLineIsAnErrorShowingTheOutput() {
        assertThatThrownBy(() -> ProbeTimes.parse(List.of(ProbeTimes.FIRST_ANSWER, "java.lang.OutOfMemoryError")))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining("printed no '" + ProbeTimes.RESULT + "' line")
                .hasMessageContaining("OutOfMemoryError");
    }

    @Test
    void aMissingKeyIsNamed() {
        assertThatThrownBy(() -> ProbeTimes.parse(List.of(ProbeTimes.RESULT
                + " main=1 open=2 load=3 first=4 reload=5 answer=x")))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining("has no again");
    }

    @Test
    void aValueThatIsNotATimeIsRejected() {
        assertThatThrownBy(() -> ProbeTimes.parse(List.of(ProbeTimes.RESULT
                + " main=1 open=2 load=fast first=4 reload=5 again=6 answer=x")))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining("load is not a number");
        assertThatThrownBy(() -> ProbeTimes.parse(List.of(ProbeTimes.RESULT
                + " main=1 open=2 load=-3 first=4 reload=5 again=6 answer=x")))
                .isInstanceOf(BenchmarkException.class)
                .hasMessageContaining("load must be a time of at least 0 ms");
    }
}
