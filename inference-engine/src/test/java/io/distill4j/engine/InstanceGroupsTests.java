package io.distill4j.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.distill4j.api.exception.ModelLoadException;
import io.distill4j.engine.batching.BatchPolicy;
import io.distill4j.engine.batching.BatchingConfig;
import io.distill4j.engine.session.InstanceGroup;
import io.distill4j.engine.session.SessionConfig;
import io.distill4j.engine.testing.MiniLm;
import io.distill4j.engine.testing.ModelGenerators;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Models served on several instances, shared or with a session each, on a small generated encoder. */
class InstanceGroupsTests {

    private static final byte[] ENCODER = ModelGenerators.toyTextEncoder(30522, 8, 42);

    @TempDir
    Path root;

    private OnnxInferenceEngine engine;

    @AfterEach
    void close() {
        if (this.engine != null) {
            this.engine.close();
        }
    }

    private OnnxInferenceEngine open(EngineConfig.Builder builder) {
        this.engine = OnnxInferenceEngine.open(builder.modelRepository(this.root)
            .session(SessionConfig.builder().intraOpThreads(2).interOpThreads(1).build())
            .build());
        return this.engine;
    }

    private void install(String name, String serving) throws IOException {
        Path dir = Files.createDirectories(this.root.resolve(name).resolve("1"));
        Files.write(dir.resolve("model.onnx"), ENCODER);
        Files.copy(MiniLm.tokenizerFile(), dir.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(dir.resolve("model.json"), "{\"task\": \"text-embedding\", \"tokenizer\": \"tokenizer.json\""
                + (serving.isEmpty() ? "" : ", \"serving\": " + serving) + "}");
    }

    @Test
    void instancesAnswerUnderConcurrencyWhatOneInstanceAnswersAlone() throws Exception {
        install("one", "{\"instances\": 1, \"batching\": \"off\"}");
        install("shared", "{\"instances\": 3, \"sessions\": \"shared\", \"batching\": \"greedy\"}");
        install("separate", "{\"instances\": 3, \"sessions\": \"per-instance\", \"batching\": \"adaptive\"}");
        open(EngineConfig.builder());
        for (String name : List.of("one", "shared", "separate")) {
            this.engine.load(name);
        }
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            texts.add("text number " + i + " " + "word ".repeat(i % 17));
        }
        List<float[]> expected = new ArrayList<>();
        for (String text : texts) {
            expected.add(this.engine.embed("one", text));
        }
        ExecutorService callers = Executors.newFixedThreadPool(12);
        try {
            for (String name : List.of("shared", "separate")) {
                List<Future<float[]>> answers = new ArrayList<>();
                for (String text : texts) {
                    answers.add(callers.submit(() -> this.engine.embed(name, text)));
                }
                for (int i = 0; i < texts.size(); i++) {
                    float[] answer = answers.get(i).get(30, TimeUnit.SECONDS);
                    assertThat(answer).as(name + ": " + texts.get(i)).containsExactly(expected.get(i), within(1e-5f));
                }
            }
        }
        finally {
            callers.shutdownNow();
        }
    }

    @Test
    void thePlanShowsInstancesSessionsAndBatching() throws IOException {
        install("shared", "{\"instances\": 3}");
        install("separate", "{\"instances\": 2, \"sessions\": \"per-instance\", \"batching\": \"off\", \"maxBatchSize\": 8}");
        install("plain", "");
        open(EngineConfig.builder().batching(BatchingConfig.builder().policy(BatchPolicy.Kind.GREEDY).build())
            .instances(new InstanceGroup(1, InstanceGroup.Sessions.SHARED)));
        this.engine.load("shared");
        this.engine.load("separate");
        this.engine.load("plain");

        ServingPlan shared = this.engine.servingPlan("shared");
        assertThat(shared.instances()).isEqualTo(3);
        assertThat(shared.sessions()).isEqualTo(1);
        assertThat(shared.intraOpThreads()).isEqualTo(2);
        assertThat(shared.batching()).isEqualTo("greedy");

        ServingPlan separate = this.engine.servingPlan("separate");
        assertThat(separate).isEqualTo(new ServingPlan(2, 2, 1, "off", 8, 1, ""));
        assertThat(separate.describe()).isEqualTo("2 instances, a session each (1 intra-op thread each), batching off up to 8");

        ServingPlan plain = this.engine.servingPlan("plain");
        assertThat(plain.instances()).isEqualTo(1);
        assertThat(plain.batching()).isEqualTo("greedy");
        assertThat(plain.maxBatchSize()).isEqualTo(BatchingConfig.DEFAULT_MAX_BATCH_SIZE);
    }

    @Test
    void theAdaptivePolicyIsCalibratedInTheBackgroundOnceTheModelServes() throws Exception {
        install("enc", "");
        open(EngineConfig.builder());
        this.engine.load("enc");
        assertThat(this.engine.embed("enc", "served while the calibration runs")).hasSize(8);
        assertThat(this.engine.served("enc").awaitCalibration(Duration.ofSeconds(30))).isTrue();

        ServingPlan plan = this.engine.servingPlan("enc");
        assertThat(plan.measured()).isTrue();
        assertThat(plan.instances()).isEqualTo(InstanceGroup.DEFAULT_COUNT);
        assertThat(plan.batching()).isEqualTo("adaptive");
        assertThat(plan.gains()).as("2 to 16 calibrated, 32 left to live batches")
            .matches("2: \\d+\\.\\d\\d, 4: \\d+\\.\\d\\d, 8: \\d+\\.\\d\\d, 16: \\d+\\.\\d\\d, 32: \\?");
    }

    @Test
    void aPlanWithoutMeasurementsSaysSoInsteadOfPreferringOne() {
        ServingPlan pending = new ServingPlan(1, 1, 2, "adaptive", 32, 1, "2: ?, 4: ?, 8: ?, 16: ?, 32: ?");
        assertThat(pending.measured()).isFalse();
        assertThat(pending.describe()).isEqualTo("1 instance (2 intra-op threads), batching adaptive up to 32; batch "
                + "costs not measured yet (calibrating)");
        ServingPlan measured = new ServingPlan(1, 1, 2, "adaptive", 32, 8, "2: 0.70, 4: 0.60, 8: 0.50, 16: 0.52, 32: ?");
        assertThat(measured.measured()).isTrue();
        assertThat(measured.describe()).endsWith("worth up to 8 (cost per item of a batch of 2: 0.70, 4: 0.60, 8: 0.50, "
                + "16: 0.52, 32: ? x one alone)");
    }

    @Test
    void closingAModelReleasesEveryInstance() throws Exception {
        install("separate", "{\"instances\": 3, \"sessions\": \"per-instance\"}");
        open(EngineConfig.builder());
        this.engine.load("separate");
        this.engine.embed("separate", "warm every instance up");
        LoadedModel loaded = this.engine.served("separate");
        assertThat(workers("separate/1")).hasSize(3);

        this.engine.unload("separate");

        assertThat(loaded.awaitClosed(Duration.ofSeconds(30))).isTrue();
        assertThat(loaded.sessionsClosed()).isTrue();
        assertThat(workers("separate/1")).isEmpty();
    }

    @Test
    void aBadServingSettingFailsTheLoadNamingTheField() throws IOException {
        install("bad", "{\"instances\": 0}");
        install("worse", "{\"sessions\": \"pooled\"}");
        open(EngineConfig.builder());
        assertThatThrownBy(() -> this.engine.load("bad")).isInstanceOf(ModelLoadException.class)
            .hasMessageContaining("'serving.instances' must be between 1 and 64, was 0");
        assertThatThrownBy(() -> this.engine.load("worse")).isInstanceOf(ModelLoadException.class)
            .hasMessageContaining("'serving.sessions' must be shared or per-instance, was 'pooled'");
    }

    private static List<String> workers(String model) throws InterruptedException {
        String prefix = "distill4j-batcher-" + model;
        List<String> alive = new ArrayList<>();
        for (int attempt = 0; attempt < 100; attempt++) {
            alive = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.startsWith(prefix)).toList();
            if (alive.isEmpty() || alive.size() == 3) {
                return alive;
            }
            Thread.sleep(20);
        }
        return alive;
    }
}
