package io.distill4j.pipeline.teacher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.distill4j.api.Classification;
import io.distill4j.api.TaskType;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.pipeline.data.TextDataset;
import io.distill4j.pipeline.data.TextExample;
import io.distill4j.pipeline.testing.MiniLmFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** all-MiniLM-L6-v2 becomes a three-topic classifier teacher that the engine serves. */
class EncoderTeacherIT {

    private static final String[][] TRAIN = {
        {"My card was declined at the supermarket.", "card"},
        {"Why is my debit card not working?", "card"},
        {"The card machine rejected my card.", "card"},
        {"I need a new card, mine is broken.", "card"},
        {"How long does a bank transfer take?", "transfer"},
        {"I sent money to my friend but it has not arrived.", "transfer"},
        {"Can I cancel a transfer I just made?", "transfer"},
        {"My transfer to another account is pending.", "transfer"},
        {"What exchange rate do you use for dollars?", "exchange"},
        {"How much does it cost to convert euros to pounds?", "exchange"},
        {"Is there a fee for currency exchange?", "exchange"},
        {"I want to swap my yen for euros.", "exchange"},
    };

    @Test
    void anEncoderAndAFittedHeadAreServedAsAClassifier(@TempDir Path dir) throws Exception {
        Path encoder = Files.createDirectories(dir.resolve("repo/minilm/1"));
        Files.copy(MiniLmFiles.model(), encoder.resolve("model.onnx"));
        Files.copy(MiniLmFiles.tokenizer(), encoder.resolve("tokenizer.json"));
        Files.writeString(encoder.resolve("model.json"), """
                {"task": "text-embedding", "tokenizer": "tokenizer.json", "pooling": "mean", "normalize": true}
                """);
        List<TextExample> examples = new ArrayList<>();
        for (int i = 0; i < TRAIN.length; i++) {
            examples.add(TextExample.labeled(TRAIN[i][0], TRAIN[i][1], i + 1));
        }
        examples.add(TextExample.unlabeled("An unlabelled line the head never sees.", 99));
        TextDataset train = TextDataset.of("train", examples);
        TextDataset validation = TextDataset.of("validation", List.of(
                TextExample.labeled("My card got blocked at the shop.", "card", 1),
                TextExample.labeled("How do I send money abroad?", "transfer", 2),
                TextExample.labeled("Which currencies can I exchange?", "exchange", 3)));
        AtomicInteger embedded = new AtomicInteger();

        try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder()
                .modelRepository(dir.resolve("repo")).build())) {
            EncoderTeacher.Fitted fitted = EncoderTeacher.fit(engine, "minilm", train, validation,
                    HeadTrainer.builder().maxEpochs(200).patience(200).build(), dir.resolve("repo/teacher/1"),
                    embedded::set);

            assertThat(fitted.trainExamples()).isEqualTo(12);
            assertThat(fitted.validationExamples()).isEqualTo(3);
            assertThat(embedded.get()).isEqualTo(15);
            assertThat(fitted.head().trainAccuracy()).isEqualTo(1.0);
            assertThat(engine.load("teacher").task()).isEqualTo(TaskType.TEXT_CLASSIFICATION);
            assertThat(engine.describe("teacher").labels()).containsExactly("card", "exchange", "transfer");
            List<Classification> served = engine.classify("teacher",
                    List.of("My card does not work in the ATM.", "What is today's rate for the Swiss franc?"), 1);
            assertThat(served.get(0).top().get(0).label()).isEqualTo("card");
            assertThat(served.get(1).top().get(0).label()).isEqualTo("exchange");

            assertThatExceptionOfType(DistillationException.class)
                    .isThrownBy(() -> EncoderTeacher.fit(engine, "teacher", train, validation,
                            HeadTrainer.builder().build(), dir.resolve("repo/other/1"), n -> { }))
                    .withMessageContaining("must be a text-embedding model");
        }
    }
}
