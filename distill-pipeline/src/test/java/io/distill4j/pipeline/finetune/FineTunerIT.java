package io.distill4j.pipeline.finetune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.distill4j.api.TaskType;
import io.distill4j.api.distill.FineTuning;
import io.distill4j.api.exception.DistillationCancelledException;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.engine.repository.ModelManifest;
import io.distill4j.engine.text.TextTokenizer;
import io.distill4j.pipeline.data.TextDataset;
import io.distill4j.pipeline.data.TextExample;
import io.distill4j.pipeline.student.HiddenActivation;
import io.distill4j.pipeline.student.StudentHead;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.student.StudentOutput;
import io.distill4j.pipeline.student.transformer.BertEncoderWeights;
import io.distill4j.pipeline.student.transformer.TransformerConfig;
import io.distill4j.pipeline.testing.MiniLmFiles;
import io.distill4j.pipeline.train.Checkpoints;
import io.distill4j.pipeline.train.PyTorchRuntime;
import io.distill4j.pipeline.train.TeacherInternals;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * all-MiniLM-L6-v2 fine-tuned, all six layers and a head, on a few dozen short topic texts: it learns,
 * the served export computes what DJL computed, and a run cancelled after its first epoch and resumed
 * ends with the weights of a run that was never stopped.
 */
class FineTunerIT {

    private static final List<String> LABELS = List.of("card", "exchange", "transfer");

    private static final String[][] PHRASES = {
        {"my card was declined", "the card machine rejected my card", "my debit card stopped working",
            "I need a new card", "my card is blocked"},
        {"what exchange rate do you use", "convert euros to pounds", "a fee for currency exchange",
            "swap yen for dollars", "the exchange rate looks wrong"},
        {"my transfer has not arrived", "the bank transfer is pending", "I sent money and it is missing",
            "how long does a transfer take", "cancel a transfer please"},
    };

    private static final String[] OPENINGS = {"", "Hello,", "Hi,", "Please help:"};

    /** Two epochs, no dropout, a learning rate high enough to move in a handful of steps. */
    private static final FineTuning SETTINGS = FineTuning.builder().epochs(2).batchSize(8).learningRate(1e-4)
            .maxSequenceLength(16).dropout(0).patience(2).layerDecay(0.9).seed(3).build();

    @TempDir
    static Path shared;

    private static FineTuneResult uninterrupted;

    private static final List<FineTuneProgress> events = new ArrayList<>();

    private static TextDataset data(String name, int perTopic, int offset) {
        List<TextExample> examples = new ArrayList<>();
        int line = 1;
        for (int i = 0; i < perTopic; i++) {
            for (int topic = 0; topic < LABELS.size(); topic++) {
                String opening = OPENINGS[(i + offset) % OPENINGS.length];
                String text = (opening + " " + PHRASES[topic][(i + offset + topic) % PHRASES[topic].length]).trim();
                examples.add(TextExample.labeled(text, LABELS.get(topic), ++line));
            }
        }
        return TextDataset.of(name, examples);
    }

    static FineTuneInputs inputs(long memoryLimit) {
        return new FineTuneInputs("job-ft", "minilm", MiniLmFiles.model(), MiniLmFiles.tokenizer(),
                TransformerConfig.Pooling.MEAN, LABELS, data("train", 10, 0), data("validation", 4, 2), SETTINGS, 3,
                16, memoryLimit, 1);
    }

    @BeforeAll
    static void fineTuneOnce() {
        uninterrupted = FineTuner.fineTune(inputs(8L << 30), shared.resolve("repo/teacher/1"),
                Checkpoints.in(shared.resolve("checkpoints-a")), events::add, () -> false);
    }

    @Test
    void theEncoderLearnsTheTopicsAndProgressSaysHowFastAndHowLongLeft() {
        assertThat(uninterrupted.training().epochs()).isEqualTo(2);
        double firstLoss = uninterrupted.training().history().get(0).trainLoss();
        double secondLoss = uninterrupted.training().history().get(1).trainLoss();
        assertThat(secondLoss).as("the loss falls from epoch 1 to 2").isLessThan(firstLoss);
        assertThat(uninterrupted.validationAccuracy()).as("better than a third, chance").isGreaterThan(0.6);
        assertThat(uninterrupted.trainExamples()).isEqualTo(30);
        assertThat(uninterrupted.validationExamples()).isEqualTo(12);

        FineTuneProgress step = events.stream().filter(e -> !e.epochEnd()).findFirst().orElseThrow();
        assertThat(step.stepsPerSecond()).isPositive();
        assertThat(step.eta()).isPresent();
        assertThat(step.line()).matches("fine-tuning epoch 1/2, step 1 of 8, [0-9.]+ steps/s, ETA .+");
        assertThat(events.stream().filter(FineTuneProgress::epochEnd).map(FineTuneProgress::line).toList())
                .hasSize(2).allMatch(l -> l.matches("fine-tuning epoch \\d/2 done: loss [0-9.]+, validation accuracy [0-9.]+"));
    }

    @Test
    void theServedExportGivesDjlsLogitsWithinOneInTenThousand() throws Exception {
        Path version = uninterrupted.directory();
        assertThat(version.resolve("model.onnx")).isRegularFile();
        assertThat(version.resolve("tokenizer.json")).hasSameBinaryContentAs(MiniLmFiles.tokenizer());
        assertThat(version.resolve(FineTuner.PARAMETERS_FILE)).isRegularFile();
        ModelManifest manifest = ModelManifest.read(version.resolve(ModelManifest.FILE_NAME), "teacher");
        assertThat(manifest.task()).isEqualTo(TaskType.TEXT_CLASSIFICATION);
        assertThat(manifest.labels()).containsExactlyElementsOf(LABELS);
        assertThat(Files.readString(version.resolve(ModelManifest.FILE_NAME))).contains("\"baseEncoder\" : \"minilm\"")
                .contains("\"validationAccuracy\"").contains("\"epochs\" : \"2\"").contains("layerDecay=0.9");
        assertThat(uninterrupted.parityTexts()).hasSize(12);

        try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder()
                .modelRepository(shared.resolve("repo")).build())) {
            engine.load("teacher");
            assertThat(FineTuneParity.check(engine, "teacher", uninterrupted, "job-ft")).isLessThanOrEqualTo(1e-4);

            float[][] wrong = uninterrupted.parityLogits().clone();
            wrong[0] = wrong[0].clone();
            wrong[0][0] += 0.01f;
            FineTuneResult tampered = new FineTuneResult(uninterrupted.directory(), uninterrupted.training(),
                    uninterrupted.validationAccuracy(), 30, 12, uninterrupted.parityTexts(), wrong);
            assertThatExceptionOfType(DistillationException.class)
                    .isThrownBy(() -> FineTuneParity.check(engine, "teacher", tampered, "job-ft"))
                    .withMessageContaining("differs from the trained one").withMessageContaining("limit 1e-04");
        }
    }

    @Test
    void aRunCancelledAfterItsFirstEpochResumesToTheUninterruptedWeights() throws Exception {
        Checkpoints checkpoints = Checkpoints.in(shared.resolve("checkpoints-b"));
        AtomicInteger epochs = new AtomicInteger();
        assertThatExceptionOfType(DistillationCancelledException.class).isThrownBy(() -> FineTuner.fineTune(inputs(
                8L << 30), shared.resolve("b/1"), checkpoints, e -> epochs.addAndGet(e.epochEnd() ? 1 : 0),
                () -> epochs.get() >= 1)).withMessageContaining("epoch 2");
        assertThat(checkpoints.savedEpoch()).hasValue(1);

        List<FineTuneProgress> resumedEvents = new ArrayList<>();
        FineTuneResult resumed = FineTuner.fineTune(inputs(8L << 30), shared.resolve("c/1"), checkpoints,
                resumedEvents::add, () -> false);

        assertThat(resumedEvents.stream().filter(FineTuneProgress::epochEnd)).as("only epoch 2 ran again")
                .extracting(FineTuneProgress::epoch).containsExactly(2);
        assertThat(resumed.validationAccuracy()).isEqualTo(uninterrupted.validationAccuracy());
        assertThat(resumed.parityLogits()).isDeepEqualTo(uninterrupted.parityLogits());
        assertThat(Files.mismatch(resumed.directory().resolve(FineTuner.PARAMETERS_FILE),
                uninterrupted.directory().resolve(FineTuner.PARAMETERS_FILE))).as("bit for bit").isEqualTo(-1L);
    }

    @Test
    void theFineTunedTeachersParametersAndInternalsAreReadBackFromItsFolder() {
        Path version = uninterrupted.directory();
        BertEncoderWeights base = BertEncoderWeights.read(MiniLmFiles.model());
        assertThat(FineTunedInternals.isFineTuned(version)).isTrue();
        assertThat(FineTunedInternals.isFineTuned(shared)).isFalse();
        assertThat(FineTunedInternals.maxPositions(version)).isEqualTo(16);

        long[] ids;
        try (TextTokenizer tokenizer = TextTokenizer.open("t", MiniLmFiles.tokenizer(), 16)) {
            ids = tokenizer.encode(uninterrupted.parityTexts().get(0)).ids();
        }
        long[] mask = new long[ids.length];
        Arrays.fill(mask, 1);
        TransformerConfig config = new TransformerConfig(new StudentHead(base.vocabSize(), LABELS.size(),
                StudentOutput.LOGITS, HiddenActivation.GELU, 0f), 16, base.hiddenSize(), base.layers(), base.heads(),
                base.intermediateSize(), base.layerNormEpsilon(), TransformerConfig.Pooling.MEAN);
        try (StudentModel reloaded = StudentModel.create(config.newBlock(), 0)) {
            reloaded.loadParameters(version.resolve(FineTuner.PARAMETERS_FILE));
            float[] logits = reloaded.predict(new long[][] {ids}, new long[][] {mask})[0];
            assertThat(logits).containsExactly(uninterrupted.parityLogits()[0], within(1e-5f));
        }

        try (TeacherInternals fineTuned = FineTunedInternals.open(version, base, null);
                TeacherInternals pretrained = base.internals(16, null);
                NDManager manager = PyTorchRuntime.engine().newBaseManager()) {
            assertThat(fineTuned.layers()).isEqualTo(6);
            NDArray input = manager.create(ids, new Shape(1, ids.length));
            NDArray attention = manager.create(mask, new Shape(1, ids.length));
            float[] tuned = fineTuned.forward(manager, input, attention).get(6).toFloatArray();
            float[] before = pretrained.forward(manager, input, attention).get(6).toFloatArray();
            assertThat(tuned).hasSameSizeAs(before);
            assertThat(tuned).as("the last layer's states moved in fine-tuning").isNotEqualTo(before);
        }
    }

    @Test
    void wordsTheTrainingTextsNeverUsedKeepTheEncodersRowsAndUsedOnesMoved() {
        BertEncoderWeights base = BertEncoderWeights.read(MiniLmFiles.model());
        TransformerConfig config = FineTuner.shape(base, LABELS.size(), 16, 0f, TransformerConfig.Pooling.MEAN);
        int[] allLayers = {0, 1, 2, 3, 4, 5};
        long card;
        try (TextTokenizer tokenizer = TextTokenizer.open("t", MiniLmFiles.tokenizer(), 16)) {
            card = tokenizer.encode("card").ids()[1];
        }
        long neverUsed = 1;
        int width = base.hiddenSize();
        try (StudentModel fineTuned = StudentModel.create(config.newBlock(), 0);
                StudentModel encoder = StudentModel.create(config.newBlock(), 0)) {
            fineTuned.loadParameters(uninterrupted.directory().resolve(FineTuner.PARAMETERS_FILE));
            base.initialize(encoder, allLayers, null);
            float[] tuned = wordEmbeddings(fineTuned);
            float[] original = wordEmbeddings(encoder);
            assertThat(tuned).hasSize(base.vocabSize() * width);
            assertThat(Arrays.copyOfRange(tuned, (int) neverUsed * width, (int) (neverUsed + 1) * width))
                    .containsExactly(Arrays.copyOfRange(original, (int) neverUsed * width, (int) (neverUsed + 1) * width));
            assertThat(Arrays.copyOfRange(tuned, (int) card * width, (int) (card + 1) * width))
                    .isNotEqualTo(Arrays.copyOfRange(original, (int) card * width, (int) (card + 1) * width));
        }
    }

    private static float[] wordEmbeddings(StudentModel model) {
        return model.block().getParameters().stream().filter(p -> p.getKey().endsWith("word_embeddings"))
                .findFirst().orElseThrow().getValue().getArray().toFloatArray();
    }

    @Test
    void aFineTuningPastTheMemoryLimitIsRefusedBeforeItStarts() {
        AtomicInteger steps = new AtomicInteger();
        assertThatExceptionOfType(DistillationException.class).isThrownBy(() -> FineTuner.fineTune(
                inputs(256L << 20), shared.resolve("d/1"), Checkpoints.none(), e -> steps.incrementAndGet(),
                () -> false)).withMessageContaining("fine-tuning minilm needs about")
                .withMessageContaining("memory limit memoryLimitBytes of 256 MiB");
        assertThat(steps).hasValue(0);
        assertThat(shared.resolve("d")).doesNotExist();
    }
}
