package io.distill4j.spring.grpc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

import com.google.protobuf.util.JsonFormat;
import io.distill4j.api.distill.DataFormat;
import io.distill4j.api.distill.DataSpec;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.FineTuning;
import io.distill4j.api.distill.FineTuningPolicy;
import io.distill4j.api.distill.Pooling;
import io.distill4j.api.distill.DistillationTask;
import io.distill4j.api.distill.StudentSpec;
import io.distill4j.api.distill.Quoting;
import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.api.grpc.distill.v1.BagOfEmbeddings;
import io.distill4j.api.grpc.distill.v1.Data;
import io.distill4j.api.grpc.distill.v1.FineTuned;
import io.distill4j.api.grpc.distill.v1.OnnxModel;
import io.distill4j.api.grpc.distill.v1.IntermediateDistillation;
import io.distill4j.api.grpc.distill.v1.Student;
import io.distill4j.api.grpc.distill.v1.TeacherLayers;
import io.distill4j.api.grpc.distill.v1.Transformer;
import io.distill4j.api.grpc.distill.v1.PrecomputedLogits;
import io.distill4j.api.grpc.distill.v1.RepositoryModel;
import io.distill4j.api.grpc.distill.v1.Teacher;
import io.distill4j.api.grpc.distill.v1.Training;
import io.distill4j.api.labelling.LabelDefinition;
import io.distill4j.api.labelling.LabelSet;
import io.distill4j.api.labelling.LabellingBudget;
import io.distill4j.api.labelling.LabellingOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Request paths are confined to the allowed roots, textually and through symbolic links; spec messages,
 * parsed from JSON the way spec files are, map onto the API's spec, and each teacher message onto its kind.
 */
class DistillationMessagesTests {

    @TempDir
    Path dir;

    @Test
    void pathsUnderARootAreResolvedAgainstTheFirstRoot() throws Exception {
        Path root = Files.createDirectories(this.dir.resolve("data"));
        Files.writeString(root.resolve("train.csv"), "text,label\n");
        DistillationMessages messages = new DistillationMessages(List.of(root));
        assertThat(messages.path("spec.data.train_path", "train.csv")).isEqualTo(root.resolve("train.csv"));
        assertThat(messages.path("spec.output", "jobs/new/out")).as("not yet existing").isEqualTo(root.resolve("jobs/new/out"));
        assertThat(messages.path("spec.data.train_path", root.resolve("sub/../train.csv").toString()))
            .isEqualTo(root.resolve("train.csv"));
    }

    @Test
    void pathsOutsideTheRootsAreRefusedNamingTheField() throws Exception {
        Path root = Files.createDirectories(this.dir.resolve("data"));
        DistillationMessages messages = new DistillationMessages(List.of(root));
        assertThatThrownBy(() -> messages.path("spec.data.train_path", "../secret.csv"))
            .isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("spec.data.train_path")
            .hasMessageContaining("outside the folders this server reads from");
        assertThatThrownBy(() -> messages.path("spec.data.train_path", "")).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("is required");
    }

    @Test
    void aSymbolicLinkInsideARootDoesNotLeadOutOfIt() throws Exception {
        Path root = Files.createDirectories(this.dir.resolve("data"));
        Path outside = Files.createDirectories(this.dir.resolve("outside"));
        Files.writeString(outside.resolve("secret.csv"), "text,label\n");
        Files.createSymbolicLink(root.resolve("link"), outside);
        Files.createSymbolicLink(root.resolve("file-link.csv"), outside.resolve("secret.csv"));
        Files.createDirectories(root.resolve("real"));
        Files.createSymbolicLink(root.resolve("inner-link"), root.resolve("real"));
        DistillationMessages messages = new DistillationMessages(List.of(root));
        assertThatThrownBy(() -> messages.path("spec.data.train_path", "link/secret.csv"))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("outside");
        assertThatThrownBy(() -> messages.path("spec.data.train_path", "file-link.csv"))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("outside");
        assertThatThrownBy(() -> messages.path("spec.output", "link/not-yet/out"))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("outside");
        assertThat(messages.path("spec.data.train_path", "inner-link/x.csv")).as("a link that stays inside")
            .isEqualTo(root.resolve("inner-link/x.csv"));
    }

    @Test
    void aRootThatIsItselfALinkStillWorks() throws Exception {
        Path target = Files.createDirectories(this.dir.resolve("target"));
        Path root = Files.createSymbolicLink(this.dir.resolve("root-link"), target);
        Files.writeString(target.resolve("train.csv"), "text,label\n");
        DistillationMessages messages = new DistillationMessages(List.of(root));
        assertThat(messages.path("spec.data.train_path", "train.csv")).isEqualTo(root.resolve("train.csv"));
    }

    @Test
    void theDataQuotingAndBadRowLimitOfAJsonSpecMapOntoTheDataSpec() throws Exception {
        Path root = Files.createDirectories(this.dir.resolve("data"));
        DistillationMessages messages = new DistillationMessages(List.of(root));

        DistillationSpec literal = messages.toSpec(specFromJson("""
                {"data": {"format": "TSV", "trainPath": "reviews.tsv", "quoting": "NONE"}}"""));
        DistillationSpec strict = messages.toSpec(specFromJson("""
                {"data": {"trainPath": "reviews.csv", "quoting": "RFC_4180"}}"""));
        DistillationSpec unset = messages.toSpec(specFromJson("""
                {"data": {"trainPath": "reviews.tsv"}}"""));

        assertThat(literal.data().quoting()).isEqualTo(Quoting.NONE);
        assertThat(literal.data().format()).isEqualTo(DataFormat.TSV);
        assertThat(strict.data().quoting()).isEqualTo(Quoting.RFC_4180);
        assertThat(unset.data().quoting()).isEqualTo(Quoting.AUTO);
        assertThat(unset.data().maxBadRowShare()).isEqualTo(DataSpec.DEFAULT_MAX_BAD_ROW_SHARE);
        assertThat(messages.toSpec(specFromJson("""
                {"data": {"train_path": "reviews.tsv", "max_bad_row_share": 0.2}}""")).data().maxBadRowShare())
                .isEqualTo(0.2);
        assertThat(messages.toSpec(specFromJson("""
                {"data": {"trainPath": "reviews.tsv", "quoting": "AUTO"}}""")).data().quoting()).isEqualTo(Quoting.AUTO);
    }

    @Test
    void anUnknownOrMisplacedDataQuotingIsRefusedNamingTheField() throws Exception {
        Path root = Files.createDirectories(this.dir.resolve("data"));
        DistillationMessages messages = new DistillationMessages(List.of(root));
        io.distill4j.api.grpc.distill.v1.DistillationSpec tsv = specFromJson("""
                {"data": {"trainPath": "reviews.tsv"}}""");

        assertThatThrownBy(() -> messages.toSpec(tsv.toBuilder().setData(tsv.getData().toBuilder().setQuotingValue(9))
                .build())).isInstanceOfSatisfying(InvalidInputException.class,
                        ex -> assertThat(ex.field()).isEqualTo("spec.data.quoting"))
                .hasMessageContaining("AUTO, RFC_4180 or NONE");
        assertThatThrownBy(() -> messages.toSpec(specFromJson("""
                {"data": {"trainPath": "reviews.jsonl", "quoting": "NONE"}}""")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("data.quoting applies to CSV and TSV");
        assertThat(Data.Quoting.valueOf("NONE")).as("the name a spec file uses").isEqualTo(Data.Quoting.NONE);
    }

    private static io.distill4j.api.grpc.distill.v1.DistillationSpec specFromJson(String data) throws Exception {
        io.distill4j.api.grpc.distill.v1.DistillationSpec.Builder spec = io.distill4j.api.grpc.distill.v1.DistillationSpec
                .newBuilder();
        JsonFormat.parser().merge("""
                {"teacher": {"onnxEncoder": {"modelPath": "minilm.onnx", "tokenizerPath": "tokenizer.json"}}}""", spec);
        JsonFormat.parser().merge(data, spec);
        return spec.build();
    }

    @Test
    void theTeachersOutputsPathMapsUnderTheRootsAndIsRefusedForATeacherWithoutAModel() throws Exception {
        Path root = Files.createDirectories(this.dir.resolve("data"));
        DistillationMessages messages = new DistillationMessages(List.of(root));
        DistillationSpec spec = messages.toSpec(wholeSpecFromJson("""
                {"teacher": {"onnx_encoder": {"model_path": "minilm.onnx", "tokenizer_path": "tokenizer.json"},
                 "outputs_path": "teacher-outputs/tickets"}, "data": {"train_path": "train.csv"}}"""));
        assertThat(spec.teacherOutputs()).contains(root.resolve("teacher-outputs/tickets"));
        assertThat(messages.toSpec(specFromJson("""
                {"data": {"trainPath": "train.csv"}}""")).teacherOutputs()).isEmpty();
        assertThatThrownBy(() -> messages.toSpec(wholeSpecFromJson("""
                {"teacher": {"onnxEncoder": {"modelPath": "minilm.onnx", "tokenizerPath": "tokenizer.json"},
                 "outputsPath": "../elsewhere"}, "data": {"trainPath": "train.csv"}}""")))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        ex -> assertThat(ex.field()).isEqualTo("spec.teacher.outputs_path"));
        assertThatThrownBy(() -> messages.toSpec(wholeSpecFromJson("""
                {"teacher": {"precomputedLogits": {"filePath": "l.jsonl", "tokenizerPath": "t.json"},
                 "outputsPath": "teacher-outputs/tickets"}, "data": {"trainPath": "train.csv"}}""")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("teacherOutputs");
    }

    private static io.distill4j.api.grpc.distill.v1.DistillationSpec wholeSpecFromJson(String json) throws Exception {
        io.distill4j.api.grpc.distill.v1.DistillationSpec.Builder spec = io.distill4j.api.grpc.distill.v1.DistillationSpec
                .newBuilder();
        JsonFormat.parser().merge(json, spec);
        return spec.build();
    }

    @Test
    void aPrecomputedLogitsTeacherMapsWithItsTokenizerAndLabels() throws Exception {
        Path root = Files.createDirectories(this.dir.resolve("data"));
        DistillationMessages messages = new DistillationMessages(List.of(root));
        io.distill4j.api.grpc.distill.v1.DistillationSpec message = io.distill4j.api.grpc.distill.v1.DistillationSpec
            .newBuilder().setData(Data.newBuilder().setTrainPath("train.csv"))
            .setTeacher(Teacher.newBuilder().setPrecomputedLogits(PrecomputedLogits.newBuilder()
                .setFilePath("logits.jsonl").setTokenizerPath("tokenizer.json").addLabels("neg").addLabels("pos")))
            .build();

        assertThat(messages.toSpec(message).teacher()).isEqualTo(new TeacherSpec.PrecomputedLogits(
            root.resolve("logits.jsonl"), root.resolve("tokenizer.json"), List.of("neg", "pos")));
    }

    @Test
    void anLlmTeacherMapsItsLabelsOptionsAndBudgetAndTheDataCanBeUnlabelled() throws Exception {
        Path root = Files.createDirectories(this.dir.resolve("data"));
        DistillationMessages messages = new DistillationMessages(List.of(root));
        io.distill4j.api.grpc.distill.v1.DistillationSpec.Builder builder =
            io.distill4j.api.grpc.distill.v1.DistillationSpec.newBuilder();
        JsonFormat.parser().merge("""
                {"teacher": {"llm": {"model": "supportLlm", "tokenizerPath": "tokenizer.json", "samples": 5,
                  "labels": [{"name": "refund", "description": "wants money back", "examples": ["refund me"]},
                             {"name": "delivery"}],
                  "labelSmoothing": 0.2, "maxRequests": 500, "promptTemplate": "Label {text} as one of {labels}"}},
                 "data": {"trainPath": "tickets.csv", "unlabeled": true}}""", builder);
        DistillationSpec spec = messages.toSpec(builder.build());

        TeacherSpec.Llm llm = (TeacherSpec.Llm) spec.teacher();
        assertThat(llm.model()).isEqualTo("supportLlm");
        assertThat(llm.tokenizer()).isEqualTo(root.resolve("tokenizer.json"));
        assertThat(llm.labels()).isEqualTo(LabelSet.of(List.of(LabelDefinition.of("refund", "wants money back",
            List.of("refund me")), LabelDefinition.of("delivery"))));
        assertThat(llm.options()).isEqualTo(LabellingOptions.ofDefaults().samples(5)
            .promptTemplate("Label {text} as one of {labels}"));
        assertThat(llm.options().temperature()).isEqualTo(1.0);
        assertThat(llm.labelSmoothing()).isEqualTo(0.2);
        assertThat(llm.budget()).isEqualTo(new LabellingBudget(500, 0));
        assertThat(spec.data().isLabeled()).isFalse();
    }

    @Test
    void anLlmTeacherMayTeachAnEncoderAndOnlyOneThatCanLearnLabels() throws Exception {
        Path root = Files.createDirectories(this.dir.resolve("data"));
        DistillationMessages messages = new DistillationMessages(List.of(root));
        String llm = """
                {"teacher": {"llm": {"tokenizerPath": "tokenizer.json", "labels": [{"name": "a"}, {"name": "b"}],
                  "encoder": %s}}, "data": {"trainPath": "tickets.csv", "unlabeled": true}}""";
        io.distill4j.api.grpc.distill.v1.DistillationSpec.Builder builder =
            io.distill4j.api.grpc.distill.v1.DistillationSpec.newBuilder();
        JsonFormat.parser().merge(llm.formatted(
            "{\"onnxEncoder\": {\"modelPath\": \"encoder.onnx\", \"tokenizerPath\": \"tokenizer.json\"}}"), builder);

        TeacherSpec.Llm spec = (TeacherSpec.Llm) messages.toSpec(builder.build()).teacher();
        assertThat(spec.encoder()).contains(TeacherSpec.onnxEncoder(root.resolve("encoder.onnx"),
            root.resolve("tokenizer.json")));

        io.distill4j.api.grpc.distill.v1.DistillationSpec.Builder classifier =
            io.distill4j.api.grpc.distill.v1.DistillationSpec.newBuilder();
        JsonFormat.parser().merge(llm.formatted(
            "{\"onnxClassifier\": {\"modelPath\": \"c.onnx\", \"tokenizerPath\": \"tokenizer.json\"}}"), classifier);
        assertThatThrownBy(() -> messages.toSpec(classifier.build())).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("spec.teacher.llm").hasMessageContaining("teacher.encoder must be");
    }

    @Test
    void anLlmTeacherWithBadLabelsOrOptionsIsRefusedNamingTheField() throws Exception {
        DistillationMessages messages = new DistillationMessages(List.of(Files.createDirectories(this.dir.resolve("d"))));
        for (String[] bad : new String[][] {
            {"{\"tokenizerPath\": \"t.json\", \"labels\": [{\"name\": \"only\"}]}", "spec.teacher.llm",
                "2 to 1000 labels"},
            {"{\"tokenizerPath\": \"t.json\", \"labels\": [{\"name\": \"a\"}, {\"name\": \" \"}]}",
                "spec.teacher.llm.labels[1]", "labels.name"},
            {"{\"tokenizerPath\": \"t.json\", \"labels\": [{\"name\": \"a\"}, {\"name\": \"b\"}], "
                + "\"promptTemplate\": \"no placeholder\"}", "spec.teacher.llm", "{text}"},
            {"{\"labels\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}", "spec.teacher.llm.tokenizer_path",
                "is required"}}) {
            io.distill4j.api.grpc.distill.v1.DistillationSpec.Builder builder =
                io.distill4j.api.grpc.distill.v1.DistillationSpec.newBuilder();
            JsonFormat.parser().merge("{\"teacher\": {\"llm\": " + bad[0] + "}, \"data\": {\"trainPath\": \"t.csv\"}}",
                builder);
            assertThatThrownBy(() -> messages.toSpec(builder.build())).as(bad[0]).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(bad[1]).hasMessageContaining(bad[2]);
        }
        io.distill4j.api.grpc.distill.v1.DistillationSpec.Builder both = trainCsvWithMiniLm();
        both.setData(both.getData().toBuilder().setUnlabeled(true).setLabelColumn("intent"));
        assertThatThrownBy(() -> messages.toSpec(both.build())).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("spec.data.unlabeled");
    }

    @Test
    void aPrecomputedLogitsTeacherWithoutATokenizerIsRefusedNamingTheField() throws Exception {
        Path root = Files.createDirectories(this.dir.resolve("data"));
        DistillationMessages messages = new DistillationMessages(List.of(root));
        io.distill4j.api.grpc.distill.v1.DistillationSpec message = io.distill4j.api.grpc.distill.v1.DistillationSpec
            .newBuilder().setData(Data.newBuilder().setTrainPath("train.csv"))
            .setTeacher(Teacher.newBuilder().setPrecomputedLogits(PrecomputedLogits.newBuilder()
                .setFilePath("logits.jsonl")))
            .build();

        assertThatThrownBy(() -> messages.toSpec(message)).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("spec.teacher.precomputed_logits.tokenizer_path").hasMessageContaining("is required");
    }

    @Test
    void aFineTunedTeacherMapsWithItsBaseAndTheSettingsGivenTheRestDefault() throws Exception {
        Path root = Files.createDirectories(this.dir.resolve("data"));
        DistillationMessages messages = new DistillationMessages(List.of(root));
        io.distill4j.api.grpc.distill.v1.DistillationSpec.Builder message = io.distill4j.api.grpc.distill.v1.DistillationSpec
            .newBuilder();
        JsonFormat.parser().merge("""
                {"data": {"trainPath": "train.csv"},
                 "teacher": {"fineTuned": {"onnxEncoder": {"modelPath": "minilm.onnx", "tokenizerPath": "tokenizer.json"},
                   "settings": {"epochs": 2, "learningRate": 3e-5, "layerDecay": 0.9, "maxSequenceLength": 64,
                                "seed": 11}}}}""", message);

        assertThat(messages.toSpec(message.build()).teacher()).isEqualTo(TeacherSpec.fineTuned(
            TeacherSpec.onnxEncoder(root.resolve("minilm.onnx"), root.resolve("tokenizer.json")),
            FineTuning.builder().epochs(2).learningRate(3e-5).layerDecay(0.9).maxSequenceLength(64).seed(11).build()));
        assertThat(messages.toSpec(io.distill4j.api.grpc.distill.v1.DistillationSpec.newBuilder()
            .setData(Data.newBuilder().setTrainPath("train.csv"))
            .setTeacher(Teacher.newBuilder().setFineTuned(FineTuned.newBuilder()
                .setRepositoryModel(RepositoryModel.newBuilder().setName("minilm")))).build()).teacher())
            .isEqualTo(TeacherSpec.fineTuned(TeacherSpec.repositoryModel("minilm"), FineTuning.ofDefaults()));
    }

    @Test
    void aFineTunedTeacherIsRegisteredUnderTheGivenNameAndABadNameIsRefusedNamingTheField() throws Exception {
        Path root = Files.createDirectories(this.dir.resolve("data"));
        DistillationMessages messages = new DistillationMessages(List.of(root));
        io.distill4j.api.grpc.distill.v1.DistillationSpec.Builder message = io.distill4j.api.grpc.distill.v1.DistillationSpec
            .newBuilder().setData(Data.newBuilder().setTrainPath("train.csv"))
            .setTeacher(Teacher.newBuilder().setFineTuned(FineTuned.newBuilder()
                .setRepositoryModel(RepositoryModel.newBuilder().setName("minilm")).setRegister("minilm-topics")));

        assertThat(messages.toSpec(message.build()).teacher()).isEqualTo(TeacherSpec.fineTuned(
            TeacherSpec.repositoryModel("minilm"), FineTuning.ofDefaults()).register("minilm-topics"));
        message.getTeacherBuilder().getFineTunedBuilder().setRegister("../teachers");
        assertThatThrownBy(() -> messages.toSpec(message.build())).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("teacher.register must be a valid model name").hasMessageContaining("../teachers");
    }

    @Test
    void aFineTunedTeacherWithoutABaseOrWithABadSettingIsRefusedNamingTheField() throws Exception {
        Path root = Files.createDirectories(this.dir.resolve("data"));
        DistillationMessages messages = new DistillationMessages(List.of(root));
        io.distill4j.api.grpc.distill.v1.DistillationSpec noBase = io.distill4j.api.grpc.distill.v1.DistillationSpec
            .newBuilder().setData(Data.newBuilder().setTrainPath("train.csv"))
            .setTeacher(Teacher.newBuilder().setFineTuned(FineTuned.newBuilder())).build();
        io.distill4j.api.grpc.distill.v1.DistillationSpec badDecay = noBase.toBuilder()
            .setTeacher(Teacher.newBuilder().setFineTuned(FineTuned.newBuilder()
                .setRepositoryModel(RepositoryModel.newBuilder().setName("minilm"))
                .setSettings(io.distill4j.api.grpc.distill.v1.FineTuning.newBuilder().setLayerDecay(0)))).build();

        assertThatThrownBy(() -> messages.toSpec(noBase)).isInstanceOfSatisfying(InvalidInputException.class,
                ex -> assertThat(ex.field()).isEqualTo("spec.teacher.fine_tuned")).hasMessageContaining("needs a base");
        assertThatThrownBy(() -> messages.toSpec(badDecay)).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("teacher.fineTuning.layerDecay must be in (0, 1], was 0.0");
    }

    @Test
    void anEncoderTeachersPoolingMapsOntoTheSpecAndDefaultsToMean() throws Exception {
        Path root = Files.createDirectories(this.dir.resolve("data"));
        DistillationMessages messages = new DistillationMessages(List.of(root));

        DistillationSpec cls = messages.toSpec(encoderSpec("CLS"));
        DistillationSpec mean = messages.toSpec(encoderSpec("MEAN"));
        DistillationSpec unset = messages.toSpec(specFromJson("""
                {"data": {"trainPath": "reviews.tsv"}}"""));

        assertThat(cls.teacher()).isEqualTo(TeacherSpec.onnxEncoder(root.resolve("minilm.onnx"),
                root.resolve("tokenizer.json"), Pooling.CLS));
        assertThat(((TeacherSpec.OnnxEncoder) mean.teacher()).pooling()).isEqualTo(Pooling.MEAN);
        assertThat(((TeacherSpec.OnnxEncoder) unset.teacher()).pooling()).isEqualTo(Pooling.MEAN);
    }

    @Test
    void anUnknownOrMisplacedPoolingIsRefusedNamingTheField() throws Exception {
        Path root = Files.createDirectories(this.dir.resolve("data"));
        DistillationMessages messages = new DistillationMessages(List.of(root));
        io.distill4j.api.grpc.distill.v1.DistillationSpec spec = specFromJson("""
                {"data": {"trainPath": "reviews.tsv"}}""");
        io.distill4j.api.grpc.distill.v1.DistillationSpec unknown = spec.toBuilder().setTeacher(Teacher.newBuilder()
                .setOnnxEncoder(spec.getTeacher().getOnnxEncoder().toBuilder().setPoolingValue(7))).build();
        io.distill4j.api.grpc.distill.v1.DistillationSpec onClassifier = spec.toBuilder().setTeacher(Teacher.newBuilder()
                .setOnnxClassifier(OnnxModel.newBuilder().setModelPath("sst2.onnx").setTokenizerPath("tokenizer.json")
                        .setPooling(OnnxModel.Pooling.CLS))).build();

        assertThatThrownBy(() -> messages.toSpec(unknown)).isInstanceOfSatisfying(InvalidInputException.class,
                ex -> assertThat(ex.field()).isEqualTo("spec.teacher.onnx_encoder.pooling"))
                .hasMessageContaining("MEAN or CLS");
        assertThatThrownBy(() -> messages.toSpec(onClassifier)).isInstanceOfSatisfying(InvalidInputException.class,
                ex -> assertThat(ex.field()).isEqualTo("spec.teacher.onnx_classifier.pooling"));
        assertThatThrownBy(() -> encoderSpec("MAX")).hasMessageContaining("MAX");
    }

    @Test
    void anEncoderTeachersFineTuningPolicyMapsOntoTheSpecAndDefaultsToAuto() throws Exception {
        Path root = Files.createDirectories(this.dir.resolve("data"));
        DistillationMessages messages = new DistillationMessages(List.of(root));
        io.distill4j.api.grpc.distill.v1.DistillationSpec spec = encoderSpec("MEAN");
        io.distill4j.api.grpc.distill.v1.DistillationSpec never = spec.toBuilder().setTeacher(Teacher.newBuilder()
                .setOnnxEncoder(spec.getTeacher().getOnnxEncoder().toBuilder()
                        .setFineTuningPolicy(OnnxModel.FineTuningPolicy.NEVER))).build();
        io.distill4j.api.grpc.distill.v1.DistillationSpec repository = spec.toBuilder().setTeacher(Teacher.newBuilder()
                .setRepositoryModel(RepositoryModel.newBuilder().setName("minilm")
                        .setFineTuningPolicy(OnnxModel.FineTuningPolicy.NEVER))).build();

        assertThat(((TeacherSpec.OnnxEncoder) messages.toSpec(spec).teacher()).fineTuningPolicy())
                .isEqualTo(FineTuningPolicy.AUTO);
        assertThat(messages.toSpec(never).teacher()).isEqualTo(TeacherSpec.onnxEncoder(root.resolve("minilm.onnx"),
                root.resolve("tokenizer.json")).fineTuningPolicy(FineTuningPolicy.NEVER));
        assertThat(messages.toSpec(repository).teacher()).isEqualTo(TeacherSpec.repositoryModel("minilm")
                .fineTuningPolicy(FineTuningPolicy.NEVER));
    }

    @Test
    void aMisplacedOrUnknownFineTuningPolicyIsRefusedNamingTheField() throws Exception {
        Path root = Files.createDirectories(this.dir.resolve("data"));
        DistillationMessages messages = new DistillationMessages(List.of(root));
        io.distill4j.api.grpc.distill.v1.DistillationSpec spec = encoderSpec("MEAN");
        OnnxModel encoder = spec.getTeacher().getOnnxEncoder();
        io.distill4j.api.grpc.distill.v1.DistillationSpec onClassifier = spec.toBuilder().setTeacher(Teacher.newBuilder()
                .setOnnxClassifier(OnnxModel.newBuilder().setModelPath("sst2.onnx").setTokenizerPath("tokenizer.json")
                        .setFineTuningPolicy(OnnxModel.FineTuningPolicy.AUTO))).build();
        io.distill4j.api.grpc.distill.v1.DistillationSpec onFineTunedBase = spec.toBuilder().setTeacher(Teacher
                .newBuilder().setFineTuned(FineTuned.newBuilder().setOnnxEncoder(encoder.toBuilder()
                        .setFineTuningPolicy(OnnxModel.FineTuningPolicy.NEVER)))).build();
        io.distill4j.api.grpc.distill.v1.DistillationSpec unknown = spec.toBuilder().setTeacher(Teacher.newBuilder()
                .setOnnxEncoder(encoder.toBuilder().setFineTuningPolicyValue(9))).build();

        assertThatThrownBy(() -> messages.toSpec(onClassifier)).isInstanceOfSatisfying(InvalidInputException.class,
                ex -> assertThat(ex.field()).isEqualTo("spec.teacher.onnx_classifier.fine_tuning_policy"));
        assertThatThrownBy(() -> messages.toSpec(onFineTunedBase)).isInstanceOfSatisfying(InvalidInputException.class,
                ex -> assertThat(ex.field()).isEqualTo("spec.teacher.fine_tuned.onnx_encoder.fine_tuning_policy"))
                .hasMessageContaining("always fine-tunes");
        assertThatThrownBy(() -> messages.toSpec(unknown)).isInstanceOfSatisfying(InvalidInputException.class,
                ex -> assertThat(ex.field()).isEqualTo("spec.teacher.onnx_encoder.fine_tuning_policy"))
                .hasMessageContaining("AUTO or NEVER");
    }

    private static io.distill4j.api.grpc.distill.v1.DistillationSpec encoderSpec(String pooling) throws Exception {
        io.distill4j.api.grpc.distill.v1.DistillationSpec.Builder spec = io.distill4j.api.grpc.distill.v1.DistillationSpec
                .newBuilder();
        JsonFormat.parser().merge("""
                {"data": {"trainPath": "reviews.tsv"}, "teacher": {"onnxEncoder": {"modelPath": "minilm.onnx",
                 "tokenizerPath": "tokenizer.json", "pooling": "%s"}}}""".formatted(pooling), spec);
        return spec.build();
    }

    private static final Teacher MINILM = Teacher.newBuilder()
        .setRepositoryModel(io.distill4j.api.grpc.distill.v1.RepositoryModel.newBuilder().setName("minilm")).build();

    @Test
    void intermediateDistillationMapsOntoTheTransformerStudentsWithDefaultWeightsWhereUnset() throws Exception {
        Path root = Files.createDirectories(this.dir.resolve("data"));
        DistillationMessages messages = new DistillationMessages(List.of(root));
        io.distill4j.api.grpc.distill.v1.DistillationSpec.Builder message = io.distill4j.api.grpc.distill.v1
            .DistillationSpec.newBuilder().setData(Data.newBuilder().setTrainPath("train.csv")).setTeacher(MINILM);
        Student.Builder layers = Student.newBuilder().setTeacherLayers(TeacherLayers.newBuilder().setLayers(2))
            .setIntermediateDistillation(IntermediateDistillation.newBuilder().setEnabled(true).setAttentionWeight(0.5f));
        assertThat(messages.toSpec(message.setStudent(layers).build()).student().intermediateDistillation())
            .contains(StudentSpec.IntermediateDistillation.of(1f, 0.5f));
        Student.Builder off = Student.newBuilder().setTransformer(Transformer.newBuilder().setLayers(2)
            .setHiddenSize(64).setHeads(4).setIntermediateSize(128))
            .setIntermediateDistillation(IntermediateDistillation.newBuilder().setEnabled(false));
        assertThat(messages.toSpec(message.setStudent(off).build()).student().intermediateDistillation())
            .hasValueSatisfying(d -> assertThat(d.enabled()).isFalse());
        Student.Builder unset = Student.newBuilder().setTeacherLayers(TeacherLayers.newBuilder().setLayers(2));
        StudentSpec spec = messages.toSpec(message.setStudent(unset).build()).student();
        assertThat(spec.intermediateDistillation()).as("the default: decided by the job").isEmpty();
        assertThat(spec.pruneVocabulary(DistillationTask.TEXT_CLASSIFICATION)).isTrue();
        assertThat(spec.pruneVocabulary(DistillationTask.TEXT_EMBEDDING)).isFalse();
    }

    @Test
    void intermediateDistillationOnAStudentWithoutLayersIsRefusedNamingTheField() throws Exception {
        Path root = Files.createDirectories(this.dir.resolve("data"));
        DistillationMessages messages = new DistillationMessages(List.of(root));
        io.distill4j.api.grpc.distill.v1.DistillationSpec message = io.distill4j.api.grpc.distill.v1.DistillationSpec
            .newBuilder().setData(Data.newBuilder().setTrainPath("train.csv")).setTeacher(MINILM)
            .setStudent(Student.newBuilder().setBagOfEmbeddings(BagOfEmbeddings.newBuilder().setEmbeddingSize(16)
                .setHiddenSize(8)).setIntermediateDistillation(IntermediateDistillation.newBuilder().setEnabled(true)))
            .build();
        assertThatThrownBy(() -> messages.toSpec(message)).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("spec.student.intermediate_distillation");
    }

    @Test
    void pinnedTrainingMapsOntoTheFixedStudentWithItsScheduleAndItsAbsences() throws Exception {
        Path root = Files.createDirectories(this.dir.resolve("data"));
        DistillationMessages messages = new DistillationMessages(List.of(root));
        io.distill4j.api.grpc.distill.v1.DistillationSpec.Builder message = trainCsvWithMiniLm();
        Student.Builder bag = bagOfEmbeddings16x8();
        Training.Builder scheduled = Training.newBuilder().setLearningRate(3e-3f).setTemperature(4f).setAlpha(0f)
            .setEpochs(9).setTemperatureAnnealing(true).setHardLabelWarmupEpochs(2);
        StudentSpec spec = messages.toSpec(message.setStudent(bag.clone().setTraining(scheduled)).build()).student();
        assertThat(spec).isEqualTo(StudentSpec.bagOfEmbeddings(16, 8).training(new StudentSpec.Training(3e-3f, 4f, 0f,
            OptionalInt.of(9), true, 2)));

        Training.Builder plain = Training.newBuilder().setLearningRate(1e-2f).setTemperature(2f).setAlpha(0.5f);
        Student.Builder layers = Student.newBuilder().setTeacherLayers(TeacherLayers.newBuilder().setLayers(2)
            .setIntermediateSize(512)).setTraining(plain);
        assertThat(messages.toSpec(message.setStudent(layers).build()).student())
            .isEqualTo(StudentSpec.teacherLayers(2).intermediateSize(512).training(StudentSpec.Training.of(1e-2f, 2f,
                0.5f)));
        assertThat(messages.toSpec(message.setStudent(bag).build()).student().training()).as("unset: not pinned")
            .isEmpty();
    }

    @Test
    void pinnedTrainingThatIsIncompleteOutOfRangeOrOnTheAutoStudentIsRefusedNamingTheField() throws Exception {
        Path root = Files.createDirectories(this.dir.resolve("data"));
        DistillationMessages messages = new DistillationMessages(List.of(root));
        io.distill4j.api.grpc.distill.v1.DistillationSpec.Builder message = trainCsvWithMiniLm();
        Student.Builder bag = bagOfEmbeddings16x8();
        Training.Builder complete = Training.newBuilder().setLearningRate(3e-3f).setTemperature(2f).setAlpha(0.5f);
        assertThatThrownBy(() -> messages.toSpec(message.setStudent(bag.clone()
            .setTraining(complete.clone().clearAlpha())).build())).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("spec.student.training.alpha");
        assertThatThrownBy(() -> messages.toSpec(message.setStudent(bag.clone()
            .setTraining(complete.clone().setEpochs(3).setHardLabelWarmupEpochs(3))).build()))
            .isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("student.training.hardLabelWarmupEpochs must be less than student.training.epochs 3");
        assertThatThrownBy(() -> messages.toSpec(message.setStudent(Student.newBuilder()
            .setAuto(io.distill4j.api.grpc.distill.v1.Auto.getDefaultInstance()).setTraining(complete)).build()))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("spec.student.training");
    }

    /** A spec message with only a training file and the MiniLM teacher. */
    private static io.distill4j.api.grpc.distill.v1.DistillationSpec.Builder trainCsvWithMiniLm() {
        return io.distill4j.api.grpc.distill.v1.DistillationSpec.newBuilder()
            .setData(Data.newBuilder().setTrainPath("train.csv")).setTeacher(MINILM);
    }

    /** A fixed bag-of-embeddings student, 16 × 8. */
    private static Student.Builder bagOfEmbeddings16x8() {
        return Student.newBuilder().setBagOfEmbeddings(BagOfEmbeddings.newBuilder().setEmbeddingSize(16)
            .setHiddenSize(8));
    }
}
