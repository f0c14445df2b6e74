package io.distill4j.engine.repository;

import java.util.List;
import java.util.Map;

import io.distill4j.api.ElementType;
import io.distill4j.api.TaskType;
import io.distill4j.api.TensorInfo;
import io.distill4j.api.exception.ModelLoadException;
import io.distill4j.engine.batching.BatchPolicy;
import io.distill4j.engine.batching.BatchingConfig;
import io.distill4j.engine.session.InstanceGroup;
import io.distill4j.engine.text.Pooling;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelManifestTests {

    @Test
    void parsesEveryField() {
        ModelManifest m = ModelManifest.parse("""
                {"task": "text-classification", "description": "sentiment", "tokenizer": "tok/tokenizer.json",
                 "maxSequenceLength": 128, "pooling": "cls", "normalize": true, "labels": ["neg", "pos"],
                 "output": "logits",
                 "inputs": [{"name": "input_ids", "type": "int64", "shape": [-1, -1]}],
                 "outputs": [{"name": "logits", "type": "FLOAT32", "shape": [-1, 2]}],
                 "provenance": {"teacher": "minilm/1"}}
                """, "m/1");
        assertThat(m.task()).isEqualTo(TaskType.TEXT_CLASSIFICATION);
        assertThat(m.description()).isEqualTo("sentiment");
        assertThat(m.tokenizer()).isEqualTo("tok/tokenizer.json");
        assertThat(m.maxSequenceLength()).isEqualTo(128);
        assertThat(m.pooling()).isEqualTo(Pooling.CLS);
        assertThat(m.normalize()).isTrue();
        assertThat(m.labels()).containsExactly("neg", "pos");
        assertThat(m.output()).isEqualTo("logits");
        assertThat(m.inputs()).containsExactly(TensorInfo.of("input_ids", ElementType.INT64, -1, -1));
        assertThat(m.outputs()).containsExactly(TensorInfo.of("logits", ElementType.FLOAT32, -1, 2));
        assertThat(m.provenance()).isEqualTo(Map.of("teacher", "minilm/1"));
        assertThat(m.allowIncompatible()).isFalse();
        assertThat(ModelManifest.parse("{\"task\": \"raw\", \"allowIncompatible\": true}", "m/1").allowIncompatible())
            .isTrue();
    }

    @Test
    void appliesDefaults() {
        ModelManifest m = ModelManifest.parse("{\"task\": \"text-embedding\", \"tokenizer\": \"tokenizer.json\"}", "m/1");
        assertThat(m.maxSequenceLength()).isEqualTo(ModelManifest.DEFAULT_MAX_SEQUENCE_LENGTH);
        assertThat(m.pooling()).isEqualTo(Pooling.MEAN);
        assertThat(m.normalize()).isFalse();
        assertThat(m.labels()).isEmpty();
        assertThat(m.description()).isEmpty();
        assertThat(ModelManifest.parse("{\"task\": \"raw\"}", "m/1").isTextTask()).isFalse();
    }

    @Test
    void rejectsAnUnknownKeySoTyposAreNotSilentlyIgnored() {
        assertThatThrownBy(() -> ModelManifest.parse("{\"task\": \"raw\", \"poling\": \"cls\"}", "m/1"))
            .isInstanceOf(ModelLoadException.class)
            .hasMessageContaining("poling")
            .hasMessageContaining("line 1");
    }

    @Test
    void rejectsMissingOrUnknownTask() {
        assertThatThrownBy(() -> ModelManifest.parse("{}", "m/1")).isInstanceOf(ModelLoadException.class)
            .hasMessageContaining("'task' is required");
        assertThatThrownBy(() -> ModelManifest.parse("{\"task\": \"translation\"}", "m/1"))
            .hasMessageContaining("Unknown task 'translation'");
    }

    @Test
    void textTasksNeedATokenizer() {
        assertThatThrownBy(() -> ModelManifest.parse("{\"task\": \"text-embedding\"}", "m/1"))
            .isInstanceOf(ModelLoadException.class)
            .hasMessageContaining("'tokenizer' is required for task text-embedding");
    }

    @Test
    void tokenizerMustStayInsideTheVersionFolder() {
        for (String path : List.of("../other/tokenizer.json", "/etc/passwd", "a/../../tokenizer.json")) {
            assertThatThrownBy(() -> ModelManifest.parse(
                    "{\"task\": \"text-embedding\", \"tokenizer\": \"" + path + "\"}", "m/1"))
                .as(path)
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("'tokenizer'");
        }
    }

    @Test
    void rejectsOutOfRangeValuesNamingTheFieldAndLimit() {
        assertThatThrownBy(() -> ModelManifest.parse("{\"task\": \"raw\", \"maxSequenceLength\": 0}", "m/1"))
            .hasMessageContaining("'maxSequenceLength' must be between 1 and 8192, was 0");
        assertThatThrownBy(() -> ModelManifest.parse("{\"task\": \"raw\", \"pooling\": \"max\"}", "m/1"))
            .hasMessageContaining("'pooling'").hasMessageContaining("mean, cls, none");
        assertThatThrownBy(() -> ModelManifest.parse(
                "{\"task\": \"raw\", \"inputs\": [{\"name\": \"x\", \"type\": \"complex\", \"shape\": [1]}]}", "m/1"))
            .hasMessageContaining("'inputs[0].type'");
        assertThatThrownBy(() -> ModelManifest.parse(
                "{\"task\": \"raw\", \"inputs\": [{\"name\": \"x\", \"type\": \"FLOAT32\", \"shape\": [-7]}]}", "m/1"))
            .hasMessageContaining("'inputs[0].shape'");
        assertThatThrownBy(() -> ModelManifest.parse("{\"task\": \"raw\", \"labels\": [\"a\", \"\"]}", "m/1"))
            .hasMessageContaining("'labels[1]' must not be empty");
    }

    @Test
    void rejectsMalformedJson() {
        assertThatThrownBy(() -> ModelManifest.parse("{\"task\": ", "m/1"))
            .isInstanceOf(ModelLoadException.class)
            .hasMessageContaining("model.json is invalid");
        assertThatThrownBy(() -> ModelManifest.parse("{\"task\": \"raw\"} trailing", "m/1"))
            .isInstanceOf(ModelLoadException.class);
    }

    @Test
    void rejectsAValueOfTheWrongKindNamingTheFieldAndWhere() {
        assertThatThrownBy(() -> ModelManifest.parse("{\"task\": \"raw\",\n \"maxSequenceLength\": \"128\"}", "m/1"))
            .isInstanceOf(ModelLoadException.class)
            .hasMessageContaining("'maxSequenceLength' must be a whole number, was 128 (line 2, column 23)");
        assertThatThrownBy(() -> ModelManifest.parse("{\"task\": \"raw\", \"maxSequenceLength\": 12.5}", "m/1"))
            .hasMessageContaining("'maxSequenceLength' must be a whole number, was 12.5");
        assertThatThrownBy(() -> ModelManifest.parse("{\"task\": \"raw\", \"maxSequenceLength\": 99999999999}", "m/1"))
            .hasMessageContaining("'maxSequenceLength' must be a whole number, was 99999999999");
        assertThatThrownBy(() -> ModelManifest.parse("{\"task\": \"raw\", \"normalize\": \"yes\"}", "m/1"))
            .hasMessageContaining("'normalize' must be true or false, was yes");
        assertThatThrownBy(() -> ModelManifest.parse("{\"task\": 7}", "m/1"))
            .hasMessageContaining("'task' must be a string, was 7");
        assertThatThrownBy(() -> ModelManifest.parse("{\"task\": \"raw\", \"labels\": \"a,b\"}", "m/1"))
            .hasMessageContaining("'labels' must be an array of strings");
        assertThatThrownBy(() -> ModelManifest.parse("{\"task\": \"raw\", \"labels\": [\"a\", 2]}", "m/1"))
            .hasMessageContaining("'labels[1]' must be a string, was 2");
        assertThatThrownBy(() -> ModelManifest.parse(
                "{\"task\": \"raw\", \"inputs\": [{\"name\": \"x\", \"type\": \"FLOAT32\", \"shape\": [1, \"n\"]}]}", "m/1"))
            .hasMessageContaining("'inputs[0].shape[1]' must be a whole number, was n");
        assertThatThrownBy(() -> ModelManifest.parse(
                "{\"task\": \"raw\", \"outputs\": [{\"name\": \"y\", \"dtype\": \"FLOAT32\"}]}", "m/1"))
            .hasMessageContaining("'outputs[0].dtype' is not a tensor field");
        assertThatThrownBy(() -> ModelManifest.parse("{\"task\": \"raw\", \"provenance\": {\"run\": 3}}", "m/1"))
            .hasMessageContaining("'provenance.run' must be a string, was 3");
        assertThatThrownBy(() -> ModelManifest.parse("[{\"task\": \"raw\"}]", "m/1"))
            .hasMessageContaining("must be a JSON object");
    }

    @Test
    void rejectsARepeatedKeyRatherThanKeepingEitherValue() {
        assertThatThrownBy(() -> ModelManifest.parse("{\"task\": \"raw\", \"task\": \"text-embedding\"}", "m/1"))
            .isInstanceOf(ModelLoadException.class)
            .hasMessageContaining("model.json is invalid")
            .hasMessageContaining("task");
    }

    @Test
    void theServingObjectOverridesTheEnginesSettingsFieldByField() {
        ModelManifest m = ModelManifest.parse("{\"task\": \"raw\", \"serving\": {\"instances\": 3, "
                + "\"sessions\": \"per-instance\", \"batching\": \"off\", \"maxBatchSize\": 8}}", "m/1");
        assertThat(m.serving()).isEqualTo(new ServingSettings(3, InstanceGroup.Sessions.PER_INSTANCE,
                BatchPolicy.Kind.OFF, 8));
        InstanceGroup engine = new InstanceGroup(1, InstanceGroup.Sessions.SHARED);
        assertThat(m.serving().instanceGroup(engine)).isEqualTo(new InstanceGroup(3, InstanceGroup.Sessions.PER_INSTANCE));
        BatchingConfig batching = m.serving().batchingConfig(BatchingConfig.ofDefaults());
        assertThat(batching.policy()).isEqualTo(BatchPolicy.Kind.OFF);
        assertThat(batching.maxBatchSize()).isEqualTo(8);
        assertThat(batching.queueCapacity()).isEqualTo(BatchingConfig.DEFAULT_QUEUE_CAPACITY);

        ModelManifest partial = ModelManifest.parse("{\"task\": \"raw\", \"serving\": {\"instances\": 4}}", "m/1");
        assertThat(partial.serving().instanceGroup(engine)).isEqualTo(new InstanceGroup(4, InstanceGroup.Sessions.SHARED));
        assertThat(partial.serving().batchingConfig(BatchingConfig.ofDefaults())).isEqualTo(BatchingConfig.ofDefaults());
        assertThat(ModelManifest.parse("{\"task\": \"raw\"}", "m/1").serving()).isEqualTo(ServingSettings.ENGINE_DEFAULTS);
    }

    @Test
    void rejectsServingSettingsOutOfRangeNamingTheField() {
        assertThatThrownBy(() -> ModelManifest.parse("{\"task\": \"raw\", \"serving\": {\"instances\": 65}}", "m/1"))
            .hasMessageContaining("'serving.instances' must be between 1 and 64, was 65");
        assertThatThrownBy(() -> ModelManifest.parse("{\"task\": \"raw\", \"serving\": {\"maxBatchSize\": 0}}", "m/1"))
            .hasMessageContaining("'serving.maxBatchSize' must be between 1 and 4096, was 0");
        assertThatThrownBy(() -> ModelManifest.parse("{\"task\": \"raw\", \"serving\": {\"batching\": \"eager\"}}", "m/1"))
            .hasMessageContaining("'serving.batching' must be adaptive, greedy or off, was 'eager'");
        assertThatThrownBy(() -> ModelManifest.parse("{\"task\": \"raw\", \"serving\": {\"threads\": 2}}", "m/1"))
            .hasMessageContaining("'serving.threads' is not a serving field");
        assertThatThrownBy(() -> ModelManifest.parse("{\"task\": \"raw\", \"serving\": 2}", "m/1"))
            .hasMessageContaining("'serving' must be an object");
    }
}
