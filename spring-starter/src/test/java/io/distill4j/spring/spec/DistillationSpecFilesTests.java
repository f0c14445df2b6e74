package io.distill4j.spring.spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.distill4j.api.grpc.distill.v1.BagOfEmbeddings;
import io.distill4j.api.grpc.distill.v1.Budget;
import io.distill4j.api.grpc.distill.v1.Data;
import io.distill4j.api.grpc.distill.v1.DistillationSpec;
import io.distill4j.api.grpc.distill.v1.FineTuned;
import io.distill4j.api.grpc.distill.v1.FineTuning;
import io.distill4j.api.grpc.distill.v1.MemoryMode;
import io.distill4j.api.grpc.distill.v1.OnnxModel;
import io.distill4j.api.grpc.distill.v1.QualityGate;
import io.distill4j.api.grpc.distill.v1.RepositoryModel;
import io.distill4j.api.grpc.distill.v1.Student;
import io.distill4j.api.grpc.distill.v1.Task;
import io.distill4j.api.grpc.distill.v1.Teacher;
import io.distill4j.api.grpc.distill.v1.TextCnn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Spec files read into the spec message, and bad files refused naming the file and the field path. */
class DistillationSpecFilesTests {

    private static final Path FILE = Path.of("specs/mine.yaml");

    @Test
    void aFineTunedTeacherInASpecFileBecomesItsProtoMessage(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("spec.yaml"), """
                teacher:
                  fine_tuned:
                    onnx_encoder:
                      model_path: minilm/model.onnx
                      tokenizer_path: minilm/tokenizer.json
                    settings:
                      epochs: 2
                      learning_rate: 3.0e-5
                      layer_decay: 0.9
                      max_sequence_length: 64
                data:
                  train_path: train.csv
                """);
        DistillationSpec expected = DistillationSpec.newBuilder()
            .setTeacher(Teacher.newBuilder().setFineTuned(FineTuned.newBuilder()
                .setOnnxEncoder(OnnxModel.newBuilder().setModelPath("minilm/model.onnx")
                    .setTokenizerPath("minilm/tokenizer.json"))
                .setSettings(FineTuning.newBuilder().setEpochs(2).setLearningRate(3.0e-5).setLayerDecay(0.9)
                    .setMaxSequenceLength(64))))
            .setData(Data.newBuilder().setTrainPath("train.csv")).build();
        DistillationSpec read = DistillationSpecFiles.read(file);
        assertThat(read).isEqualTo(expected);
        assertThat(read.getTeacher().getFineTuned().getSettings().hasPatience()).as("unset stays unset").isFalse();
    }

    @Test
    void anEncoderTeachersFineTuningPolicyInASpecFileBecomesItsProtoField(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("spec.yaml"), """
                teacher:
                  repositoryModel:
                    name: minilm
                    fineTuningPolicy: NEVER
                data:
                  train_path: train.csv
                """);
        DistillationSpec read = DistillationSpecFiles.read(file);
        assertThat(read.getTeacher().getRepositoryModel()).isEqualTo(RepositoryModel.newBuilder().setName("minilm")
                .setFineTuningPolicy(OnnxModel.FineTuningPolicy.NEVER).build());
        assertThatExceptionOfType(DistillationSpecFileException.class).isThrownBy(() -> DistillationSpecFiles.read(
                Files.writeString(dir.resolve("bad.yaml"), """
                        teacher:
                          onnx_encoder:
                            fine_tuning_policy: SOMETIMES
                        """))).withMessageContaining("SOMETIMES");
    }

    @Test
    void aValidSpecBecomesTheProtoMessageFieldForField(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("spec.yaml"), """
                name: intents
                task: TEXT_CLASSIFICATION
                teacher:
                  onnx_classifier:
                    model_path: teacher/model.onnx
                    tokenizer_path: teacher/tokenizer.json
                    labels: [card, transfer]
                data:
                  format: CSV
                  train_path: train.csv
                  validation_path: dev.csv
                  text_column: "#0"
                  label_column: "#1"
                  header: false
                student:
                  text_cnn: { embedding_size: 64, filters: 32, kernel_sizes: [2, 3, 4] }
                  prune_vocabulary: false
                budget: { max_seconds: 600, max_trials: 4 }
                gates:
                  - metric: accuracy
                    threshold: 0.8
                  - threshold: 0.97
                    relative_to_teacher: true
                register: intents-student
                seed: 7
                memory_mode: ONLINE
                """);
        DistillationSpec expected = DistillationSpec.newBuilder().setName("intents")
            .setTask(Task.TEXT_CLASSIFICATION)
            .setTeacher(Teacher.newBuilder().setOnnxClassifier(OnnxModel.newBuilder()
                .setModelPath("teacher/model.onnx").setTokenizerPath("teacher/tokenizer.json")
                .addAllLabels(List.of("card", "transfer"))))
            .setData(Data.newBuilder().setFormat(io.distill4j.api.grpc.distill.v1.DataFormat.CSV)
                .setTrainPath("train.csv").setValidationPath("dev.csv").setTextColumn("#0").setLabelColumn("#1")
                .setHeader(false))
            .setStudent(Student.newBuilder().setTextCnn(TextCnn.newBuilder().setEmbeddingSize(64).setFilters(32)
                .addAllKernelSizes(List.of(2, 3, 4))).setPruneVocabulary(false))
            .setBudget(Budget.newBuilder().setMaxSeconds(600).setMaxTrials(4))
            .addGates(QualityGate.newBuilder().setMetric("accuracy").setThreshold(0.8))
            .addGates(QualityGate.newBuilder().setThreshold(0.97).setRelativeToTeacher(true))
            .setRegister("intents-student").setSeed(7).setMemoryMode(MemoryMode.ONLINE).build();
        DistillationSpec read = DistillationSpecFiles.read(file);
        assertThat(read).isEqualTo(expected);
        // header: false is kept as set (proto3 optional), not lost as the default.
        assertThat(read.getData().hasHeader()).isTrue();
    }

    @Test
    void intermediateDistillationIsReadWithItsWeightsAndTheirPresence() {
        DistillationSpec spec = DistillationSpecFiles.parse(FILE, """
                data: { train_path: train.csv }
                student:
                  teacher_layers: { layers: 2 }
                  intermediate_distillation: { enabled: true, hidden_weight: 0.5 }
                """);
        assertThat(spec.getStudent().getIntermediateDistillation()).isEqualTo(
                io.distill4j.api.grpc.distill.v1.IntermediateDistillation.newBuilder().setEnabled(true)
                    .setHiddenWeight(0.5f).build());
        assertThat(spec.getStudent().getIntermediateDistillation().hasAttentionWeight()).isFalse();
        assertThat(DistillationSpecFiles.parse(FILE, "student: { teacher_layers: { layers: 2 } }\n").getStudent()
            .hasIntermediateDistillation()).isFalse();
    }

    @Test
    void pinnedTrainingIsReadWithItsScheduleAndWrittenBackTheSame() throws Exception {
        DistillationSpec spec = DistillationSpecFiles.parse(FILE, """
                data: { train_path: train.csv }
                student:
                  bag_of_embeddings: { embedding_size: 16, hidden_size: 8 }
                  training:
                    learning_rate: 0.003
                    temperature: 4
                    alpha: 0.5
                    epochs: 9
                    temperature_annealing: true
                    hard_label_warmup_epochs: 2
                """);
        io.distill4j.api.grpc.distill.v1.Training expected = io.distill4j.api.grpc.distill.v1.Training.newBuilder()
            .setLearningRate(0.003f).setTemperature(4f).setAlpha(0.5f).setEpochs(9).setTemperatureAnnealing(true)
            .setHardLabelWarmupEpochs(2).build();
        assertThat(spec.getStudent().getTraining()).isEqualTo(expected);
        String json = com.google.protobuf.util.JsonFormat.printer().print(spec);
        assertThat(json).contains("\"temperatureAnnealing\": true").contains("\"hardLabelWarmupEpochs\": 2");
        assertThat(DistillationSpecFiles.parse(FILE, json)).as("JSON is YAML: the printed form reads back").isEqualTo(spec);
        assertThat(DistillationSpecFiles.parse(FILE, """
                student:
                  bag_of_embeddings: { embedding_size: 16, hidden_size: 8 }
                  training: { learning_rate: 0.003, temperature: 2, alpha: 0.5 }
                """).getStudent().getTraining().getTemperatureAnnealing()).as("unset: off").isFalse();
        assertThatExceptionOfType(DistillationSpecFileException.class).isThrownBy(() -> DistillationSpecFiles.parse(
                FILE, "student: { training: { hard_label_warmup_epochs: two } }\n"))
            .withMessageContaining("student.training.hard_label_warmup_epochs");
    }

    @Test
    void jsonNamesWorkAsWellAsProtoNames() {
        DistillationSpec spec = DistillationSpecFiles.parse(FILE, """
                teacher: { repositoryModel: { name: minilm, version: 2 } }
                data: { trainPath: train.csv }
                student: { bagOfEmbeddings: { embeddingSize: 16, hiddenSize: 8 } }
                """);
        assertThat(spec.getTeacher().getRepositoryModel())
            .isEqualTo(RepositoryModel.newBuilder().setName("minilm").setVersion(2).build());
        assertThat(spec.getData().getTrainPath()).isEqualTo("train.csv");
        assertThat(spec.getStudent().getBagOfEmbeddings())
            .isEqualTo(BagOfEmbeddings.newBuilder().setEmbeddingSize(16).setHiddenSize(8).build());
    }

    @Test
    void malformedYamlNamesTheFileAndWhereItStops() {
        assertThatExceptionOfType(DistillationSpecFileException.class)
            .isThrownBy(() -> DistillationSpecFiles.parse(FILE, "data:\n  train_path: [a.csv\nregister: x\n"))
            .satisfies(ex -> {
                assertThat(ex.file()).isEqualTo(FILE);
                assertThat(ex.field()).startsWith("line 3, column");
                assertThat(ex.getMessage()).startsWith(FILE + ": line 3").contains("is not valid YAML");
            });
    }

    @Test
    void anUnknownFieldIsNamedByItsPathWithTheFieldsThatExist() {
        assertThatExceptionOfType(DistillationSpecFileException.class)
            .isThrownBy(() -> DistillationSpecFiles.parse(FILE, "data:\n  train_file: a.csv\n"))
            .satisfies(ex -> {
                assertThat(ex.field()).isEqualTo("data.train_file");
                assertThat(ex.getMessage()).startsWith(FILE + ": data.train_file: is not a field of Data")
                    .contains("train_path");
            });
        assertThatExceptionOfType(DistillationSpecFileException.class)
            .isThrownBy(() -> DistillationSpecFiles.parse(FILE, "gates:\n  - threshold: 0.9\n    relative: true\n"))
            .satisfies(ex -> assertThat(ex.field()).isEqualTo("gates[0].relative"));
    }

    @Test
    void aValueOfTheWrongTypeIsNamedByItsPath() {
        assertThatExceptionOfType(DistillationSpecFileException.class)
            .isThrownBy(() -> DistillationSpecFiles.parse(FILE, "budget:\n  max_trials: many\n"))
            .satisfies(ex -> {
                assertThat(ex.field()).isEqualTo("budget.max_trials");
                assertThat(ex.getMessage()).isEqualTo(FILE + ": budget.max_trials: must be a 32-bit whole number, "
                        + "got 'many'");
            });
        assertThatExceptionOfType(DistillationSpecFileException.class)
            .isThrownBy(() -> DistillationSpecFiles.parse(FILE, "budget:\n  max_trials: 3000000000\n"))
            .satisfies(ex -> assertThat(ex.field()).isEqualTo("budget.max_trials"));
        assertThatExceptionOfType(DistillationSpecFileException.class)
            .isThrownBy(() -> DistillationSpecFiles.parse(FILE, "task: CLASSIFY\n"))
            .satisfies(ex -> assertThat(ex.getMessage()).contains("task: must be one of TASK_UNSPECIFIED, "
                    + "TEXT_CLASSIFICATION, TEXT_EMBEDDING, got 'CLASSIFY'"));
        assertThatExceptionOfType(DistillationSpecFileException.class)
            .isThrownBy(() -> DistillationSpecFiles.parse(FILE, "gates:\n  threshold: 0.9\n"))
            .satisfies(ex -> assertThat(ex.getMessage()).contains("gates: must be a list, got a mapping"));
        assertThatExceptionOfType(DistillationSpecFileException.class)
            .isThrownBy(() -> DistillationSpecFiles.parse(FILE, "data:\n  header: maybe\n"))
            .satisfies(ex -> assertThat(ex.field()).isEqualTo("data.header"));
        assertThatExceptionOfType(DistillationSpecFileException.class)
            .isThrownBy(() -> DistillationSpecFiles.parse(FILE, "teacher: minilm\n"))
            .satisfies(ex -> assertThat(ex.getMessage()).contains("teacher: must be a mapping (message Teacher)"));
    }

    @Test
    void twoKindsOfOneOneofAreRefused() {
        assertThatExceptionOfType(DistillationSpecFileException.class)
            .isThrownBy(() -> DistillationSpecFiles.parse(FILE, """
                    student:
                      auto: {}
                      text_cnn: { filters: 8 }
                    """))
            .satisfies(ex -> {
                assertThat(ex.field()).isEqualTo("student.text_cnn");
                assertThat(ex.getMessage()).contains("cannot be set together with 'auto'");
            });
    }

    @Test
    void aKeyGivenTwiceIsRefusedRatherThanTheLastOneWinning() {
        assertThatExceptionOfType(DistillationSpecFileException.class)
            .isThrownBy(() -> DistillationSpecFiles.parse(FILE, "data:\n  train_path: a.csv\n  train_path: b.csv\n"))
            .satisfies(ex -> assertThat(ex.getMessage()).contains("train_path"));
    }

    @Test
    void anEmptyOrMissingFileIsNamed(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.yaml"), "# nothing yet\n");
        assertThatExceptionOfType(DistillationSpecFileException.class)
            .isThrownBy(() -> DistillationSpecFiles.read(empty))
            .withMessage(empty + ": document: is empty; a distillation spec needs at least 'teacher' and 'data'");
        Path missing = dir.resolve("missing.yaml");
        assertThatExceptionOfType(DistillationSpecFileException.class)
            .isThrownBy(() -> DistillationSpecFiles.read(missing))
            .satisfies(ex -> assertThat(ex.getMessage()).startsWith(missing + ": file: cannot be read"));
    }
}
