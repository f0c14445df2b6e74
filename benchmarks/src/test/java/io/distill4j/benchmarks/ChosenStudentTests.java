package io.distill4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

import io.distill4j.api.distill.StudentSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChosenStudentTests {

    @TempDir
    Path dir;

    @Test
    void theColdRunsChoiceBecomesAFixedStudentWithItsPinnedTraining() throws Exception {
        Path cold = Files.writeString(this.dir.resolve("cold.json"), """
                { "hyperParameters": { "student": "text-cnn/64x32", "embeddingDim": "64", "filters": "32",
                  "kernelSizes": "2,3", "learningRate": "0.003", "temperature": "4.0", "alpha": "0.7",
                  "epochs": "9" } }
                """);
        ChosenStudent chosen = ChosenStudent.read(cold, "schedules");
        StudentSpec.Training training = chosen.training(chosen.alpha()).temperatureAnnealing(true);

        assertThat(chosen.epochs()).isEqualTo(9);
        assertThat(chosen.training(0f)).isEqualTo(new StudentSpec.Training(3e-3f, 4f, 0f, OptionalInt.of(9)));
        assertThat(chosen.student(training)).isEqualTo(StudentSpec.textCnn(64, 32, 2, 3).training(training));
        assertThat(chosen.describe(new tools.jackson.databind.json.JsonMapper().createObjectNode()).toString())
            .isEqualTo("{\"student\":\"text-cnn/64x32\",\"learningRate\":0.003,\"temperature\":4.0,\"alpha\":0.7,"
                + "\"epochs\":9}");
    }

    @Test
    void withoutAColdRunThePhaseIsRefusedSayingWhatToRunFirst() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> ChosenStudent.read(this.dir.resolve("missing.json"), "schedules"))
            .withMessageStartingWith("--phase schedules needs the cold run's")
            .withMessageEndingWith("; run --phase cold first");
    }
}
