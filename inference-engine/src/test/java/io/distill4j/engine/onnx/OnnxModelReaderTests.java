package io.distill4j.engine.onnx;

import static io.distill4j.engine.testing.HandBuiltNodes.ifNode;
import static io.distill4j.engine.testing.HandBuiltNodes.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.distill4j.api.exception.ModelLoadException;
import io.distill4j.engine.onnx.graph.OnnxModelBuilder;
import io.distill4j.engine.onnx.graph.OnnxTensors;
import io.distill4j.engine.onnx.proto.AttributeProto;
import io.distill4j.engine.onnx.proto.GraphProto;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.proto.NodeProto;
import io.distill4j.engine.onnx.proto.OperatorSetIdProto;
import io.distill4j.engine.onnx.proto.StringStringEntryProto;
import io.distill4j.engine.onnx.proto.TensorProto;
import io.distill4j.engine.onnx.proto.TypeProto;
import io.distill4j.engine.onnx.proto.ValueInfoProto;
import io.distill4j.engine.testing.ModelGenerators;
import org.assertj.core.api.ThrowableAssertAlternative;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OnnxModelReaderTests {

    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private static final OnnxModelReader READER = OnnxModelReader.ofDefaults();

    @TempDir
    Path dir;

    static Stream<Arguments> generatedModels() {
        return Stream.of(
                Arguments.of("addAndScale", (Supplier<byte[]>) ModelGenerators::addAndScale),
                Arguments.of("toyTextEncoder", (Supplier<byte[]>) () -> ModelGenerators.toyTextEncoder(11, 5, 42)),
                Arguments.of("toyTextEncoderWithTokenTypes",
                        (Supplier<byte[]>) () -> ModelGenerators.toyTextEncoderWithTokenTypes(11, 5, 42)),
                Arguments.of("toyTextClassifier",
                        (Supplier<byte[]>) () -> ModelGenerators.toyTextClassifier(11, 5, 3, 42)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("generatedModels")
    void everyGeneratedModelRoundTripsThroughReadAndWrite(String name, Supplier<byte[]> generator) throws Exception {
        byte[] original = generator.get();
        ModelProto read = READER.read(original, name);
        Path file = this.dir.resolve(name + ".onnx");
        OnnxModelWriter.write(read, file);
        ModelProto reread = READER.read(file);

        assertThat(reread).isEqualTo(read);
        assertThat(reread.getGraph().getInitializerCount()).isPositive();
        for (int i = 0; i < read.getGraph().getInitializerCount(); i++) {
            TensorProto before = read.getGraph().getInitializer(i);
            TensorProto after = reread.getGraph().getInitializer(i);
            assertThat(after.getName()).isEqualTo(before.getName());
            assertThat(after.getRawData().toByteArray()).isEqualTo(before.getRawData().toByteArray()).isNotEmpty();
        }
        byte[] rewritten = Files.readAllBytes(file);
        assertThat(rewritten).isEqualTo(original);
        assertThat(OnnxModelWriter.toByteArray(reread)).isEqualTo(original);
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = ENV.createSession(rewritten, options)) {
            assertThat(session.getOutputNames()).isNotEmpty();
        }
    }

    @Test
    void anEmptyFileIsRejected() throws IOException {
        Path file = Files.write(this.dir.resolve("empty.onnx"), new byte[0]);
        assertLoadFails(() -> READER.read(file)).withMessage("The model is empty (0 bytes)")
                .satisfies(ex -> assertThat(ex.subject()).contains("empty.onnx"));
        assertLoadFails(() -> READER.read(new byte[0], "m")).withMessage("The model is empty (0 bytes)");
    }

    @Test
    void aModelOverTheSizeLimitIsRejectedBeforeItIsRead() throws IOException {
        OnnxModelReader reader = OnnxModelReader.builder().maxModelBytes(64).build();
        byte[] model = ModelGenerators.addAndScale();
        Path file = ModelGenerators.write(model, this.dir.resolve("big.onnx"));
        assertLoadFails(() -> reader.read(file, "big"))
                .withMessage("The model is " + model.length + " bytes, larger than the limit of 64 bytes");
        assertThat(READER.read(file, "big").getGraph().getName()).isEqualTo("add_and_scale");
        assertThatIllegalArgumentException().isThrownBy(() -> OnnxModelReader.builder().maxModelBytes(1L << 31))
                .withMessageContaining("between 1 and 2147483647");
    }

    @Test
    void aMissingFileIsRejected() {
        assertLoadFails(() -> READER.read(this.dir.resolve("missing.onnx")))
                .withMessage("Model file missing.onnx does not exist");
    }

    @Test
    void aTextFileIsNotAModel() throws IOException {
        Path json = Files.writeString(this.dir.resolve("model.onnx"), "{\"ir_version\": 8}");
        assertLoadFails(() -> READER.read(json)).withMessageStartingWith(
                "Not an ONNX model: the first byte 0x7b does not start a ModelProto field");
        byte[] textFormat = "ir_version: 8\ngraph { }".getBytes(StandardCharsets.UTF_8);
        assertLoadFails(() -> READER.read(textFormat, "m"))
                .withMessageStartingWith("Not an ONNX model: the first byte 0x69");
    }

    @Test
    void aWrongFirstByteIsNotAModel() {
        byte[] model = ModelGenerators.addAndScale();
        assertThat(model[0]).isEqualTo((byte) 0x08);
        model[0] = 0x09; // field 1 with wire type fixed64 instead of varint
        assertLoadFails(() -> READER.read(model, "m")).withMessageStartingWith(
                "Not an ONNX model: the first byte 0x09 does not start a ModelProto field");
    }

    @Test
    void randomBytesAreRejected() {
        for (long seed = 0; seed < 200; seed++) {
            byte[] noise = new byte[1 + (int) (seed * 37 % 4096)];
            new Random(seed).nextBytes(noise);
            assertLoadFails(() -> READER.read(noise, "noise")).as("seed %d", seed)
                    .withMessageMatching("(?s)(Not an ONNX model|The model is not a valid ONNX protobuf message"
                            + "|Invalid ONNX model).*");
        }
    }

    @Test
    void aTruncatedModelIsRejectedAtEveryCutPoint() throws IOException {
        byte[] model = ModelGenerators.toyTextClassifier(11, 5, 3, 42);
        for (int cut : new int[] {1, 2, 3, 10, model.length / 3, model.length / 2, model.length - 2,
                model.length - 1}) {
            byte[] truncated = Arrays.copyOf(model, cut);
            assertLoadFails(() -> READER.read(truncated, "cut")).as("cut at %d", cut)
                    .withMessageMatching("(?s)(The model is not a valid ONNX protobuf message|Invalid ONNX model).*");
        }
        Path file = Files.write(this.dir.resolve("truncated.onnx"), Arrays.copyOf(model, model.length - 1));
        assertLoadFails(() -> READER.read(file))
                .withMessageStartingWith("The model is not a valid ONNX protobuf message, parsing stopped at byte offset ")
                .withMessageContaining(" of " + (model.length - 1) + ": ")
                .withMessageContaining("the input ended unexpectedly in the middle of a field");
    }

    @Test
    void aForgedHugeLengthPrefixIsRejectedWithoutAllocatingIt() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeTag(7, 2); // graph, length-delimited: 0x3a
        out.writeUInt32NoTag(2_000_000_000);
        out.writeRawBytes(new byte[] {0x0a, 0x02, 0x00});
        out.flush();
        byte[] forged = bytes.toByteArray();
        assertThat(forged[0]).isEqualTo((byte) 0x3a);
        Path file = Files.write(this.dir.resolve("forged.onnx"), forged);

        assertLoadFails(() -> READER.read(file))
                .withMessageStartingWith("The model is not a valid ONNX protobuf message, parsing stopped at byte offset ")
                .withMessageContaining("the input ended unexpectedly");
    }

    @Test
    void messagesNestedDeeperThanTheRecursionLimitAreRejected() {
        OnnxModelReader shallow = OnnxModelReader.builder().recursionLimit(3).build();
        byte[] model = ModelGenerators.addAndScale();
        assertLoadFails(() -> shallow.read(model, "m"))
                .withMessageContaining("too many levels of nesting");
        assertThat(READER.read(model, "m").getGraph().getNodeCount()).isEqualTo(2);
    }

    @Test
    void aModelWithoutAGraphIsRejected() {
        byte[] model = ModelProto.newBuilder().setIrVersion(8).addOpsetImport(defaultOpset()).build().toByteArray();
        assertLoadFails(() -> READER.read(model, "m")).withMessage("Invalid ONNX model: The model has no graph");
    }

    @Test
    void aModelWithoutTheDefaultOperatorSetIsRejected() throws IOException {
        ModelProto model = ModelProto.parseFrom(ModelGenerators.addAndScale()).toBuilder()
                .clearOpsetImport()
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("com.microsoft").setVersion(1))
                .build();
        assertLoadFails(() -> READER.read(model.toByteArray(), "m")).withMessage(
                "Invalid ONNX model: The model imports no operator set of the default domain (ai.onnx)");
    }

    @Test
    void aCycleIsRejectedWithTheNodesOnIt() {
        GraphProto graph = GraphProto.newBuilder().setName("g")
                .addInput(input("x"))
                .addNode(node("a", "Add", List.of("x", "b_out"), List.of("a_out")))
                .addNode(node("b", "Relu", List.of("a_out"), List.of("b_out")))
                .addOutput(output("b_out"))
                .build();
        assertLoadFails(() -> READER.read(model(graph), "m")).withMessage(
                "Invalid ONNX model: Graph 'g' has a cycle: node #0 'a' (Add) -> node #1 'b' (Relu) -> node #0 'a' (Add)");
    }

    @Test
    void aDanglingInputIsRejected() {
        GraphProto graph = GraphProto.newBuilder().setName("g")
                .addInput(input("x"))
                .addNode(node("a", "Relu", List.of("x"), List.of("a_out")))
                .addNode(node("b", "Add", List.of("a_out", "ghost"), List.of("y")))
                .addOutput(output("y"))
                .build();
        assertLoadFails(() -> READER.read(model(graph), "m")).withMessage("Invalid ONNX model: Node #1 'b' (Add) "
                + "in graph 'g' reads 'ghost', which no graph input, initializer or node output defines");
    }

    @Test
    void anAbsentOptionalInputIsAccepted() {
        GraphProto graph = GraphProto.newBuilder().setName("g")
                .addInput(input("x"))
                .addNode(node("clip", "Clip", List.of("x", "", ""), List.of("y")))
                .addOutput(output("y"))
                .build();
        assertThat(READER.read(model(graph), "m").getGraph().getNode(0).getInputList()).containsExactly("x", "", "");
    }

    @Test
    void aDuplicateOutputNameIsRejected() {
        GraphProto graph = GraphProto.newBuilder().setName("g")
                .addInput(input("x"))
                .addNode(node("a", "Relu", List.of("x"), List.of("y")))
                .addNode(node("b", "Neg", List.of("x"), List.of("y")))
                .addOutput(output("y"))
                .build();
        assertLoadFails(() -> READER.read(model(graph), "m")).withMessage("Invalid ONNX model: Output 'y' of "
                + "node #1 'b' (Neg) in graph 'g' is already defined by node #0 'a' (Relu) in graph 'g'");
        GraphProto shadowsInput = graph.toBuilder().setNode(1, node("b", "Neg", List.of("y"), List.of("x"))).build();
        assertLoadFails(() -> READER.read(model(shadowsInput), "m")).withMessage("Invalid ONNX model: Output 'x' of "
                + "node #1 'b' (Neg) in graph 'g' is already defined by a graph input");
    }

    @Test
    void anInitializerWhoseRawDataIsShorterThanItsDimsIsRejected() {
        TensorProto w = OnnxTensors.ofFloats("w", new float[] {1f, 2f, 3f}, 3).toBuilder()
                .clearDims().addDims(2).addDims(3).build();
        assertLoadFails(() -> READER.read(model(addGraph(w)), "m")).withMessage("Invalid ONNX model: Initializer "
                + "'w' of graph 'g' has dims [2, 3] (6 elements of FLOAT, 24 bytes) but raw_data holds 12 bytes");
    }

    @Test
    void anInitializerWhoseTypedDataDoesNotMatchItsDimsIsRejected() {
        TensorProto w = TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(4).addFloatData(1f).addFloatData(2f).build();
        assertLoadFails(() -> READER.read(model(addGraph(w)), "m")).withMessage("Invalid ONNX model: Initializer "
                + "'w' of graph 'g' has dims [4] (4 elements of FLOAT, 16 bytes) but float_data holds 2 values "
                + "(4 expected) and raw_data is empty");
        TensorProto typed = w.toBuilder().addFloatData(3f).addFloatData(4f).build();
        assertThat(READER.read(model(addGraph(typed)), "m").getGraph().getInitializer(0).getFloatDataList())
                .containsExactly(1f, 2f, 3f, 4f);
    }

    @Test
    void absurdInitializerDimsAreRejected() {
        TensorProto overflow = tensor("w", TensorProto.DataType.FLOAT, 1L << 40, 1L << 40);
        assertLoadFails(() -> READER.read(model(addGraph(overflow)), "m")).withMessage("Invalid ONNX model: "
                + "Initializer 'w' of graph 'g' has dims [1099511627776, 1099511627776] whose element count "
                + "overflows a 64-bit integer");
        TensorProto bytesOverflow = tensor("w", TensorProto.DataType.DOUBLE, 1L << 60);
        assertLoadFails(() -> READER.read(model(addGraph(bytesOverflow)), "m")).withMessage("Invalid ONNX model: "
                + "Initializer 'w' of graph 'g' has dims [1152921504606846976]: 1152921504606846976 elements of "
                + "DOUBLE take more than 2^63 bytes");
        TensorProto negative = tensor("w", TensorProto.DataType.FLOAT, 2, -3);
        assertLoadFails(() -> READER.read(model(addGraph(negative)), "m")).withMessage("Invalid ONNX model: "
                + "Initializer 'w' of graph 'g' has negative dimension -3 in dims [2, -3]");
        TensorProto unknownType = tensor("w", TensorProto.DataType.FLOAT, 1).toBuilder().setDataType(99).build();
        assertLoadFails(() -> READER.read(model(addGraph(unknownType)), "m")).withMessage("Invalid ONNX model: "
                + "Initializer 'w' of graph 'g' has unknown data type 99");
    }

    @Test
    void aConstantNodeWhoseTensorDoesNotMatchItsDimsIsRejected() {
        TensorProto value = OnnxTensors.ofLongs("", new long[] {1, 2}, 2).toBuilder().setDims(0, 3).build();
        NodeProto constant = node("c", "Constant", List.of(), List.of("k")).toBuilder()
                .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                        .setT(value))
                .build();
        GraphProto graph = GraphProto.newBuilder().setName("g").addNode(constant).addOutput(output("k")).build();
        assertLoadFails(() -> READER.read(model(graph), "m")).withMessage("Invalid ONNX model: Tensor attribute "
                + "'value' of node #0 'c' (Constant) in graph 'g' has dims [3] (3 elements of INT64, 24 bytes) but "
                + "raw_data holds 16 bytes");
    }

    @Test
    void externalDataInsideTheModelsFolderIsAcceptedAndRuns() throws Exception {
        byte[] data = new byte[8 + 16];
        byte[] values = OnnxTensors.ofFloats("w", new float[] {1f, 2f, 3f, 4f}, 4).getRawData().toByteArray();
        System.arraycopy(values, 0, data, 8, 16);
        Files.createDirectories(this.dir.resolve("data"));
        Files.write(this.dir.resolve("data/weights.bin"), data);
        Path file = writeModel(addGraph(external("w", 4, "data/weights.bin", 8, 16)));

        ModelProto model = READER.read(file);

        assertThat(model.getGraph().getInitializer(0).getDataLocation()).isEqualTo(TensorProto.DataLocation.EXTERNAL);
        assertThat(READER.readWithBytes(file, "m").usesExternalData()).isTrue();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = ENV.createSession(file.toString(), options);
                OnnxTensor x = OnnxTensor.createTensor(ENV, new float[] {10f, 20f, 30f, 40f});
                OrtSession.Result result = session.run(Map.of("x", x))) {
            assertThat((float[]) result.get(0).getValue()).containsExactly(11f, 22f, 33f, 44f);
        }
    }

    @Test
    void readWithBytesReturnsTheFilesBytesWithTheModel() throws IOException {
        byte[] bytes = ModelGenerators.addAndScale();
        Path file = Files.write(this.dir.resolve("add.onnx"), bytes);

        OnnxModelReader.ParsedModel parsed = READER.readWithBytes(file, "add/1");

        assertThat(parsed.bytes()).isEqualTo(bytes);
        assertThat(parsed.model()).isEqualTo(READER.read(bytes, "add/1"));
        assertThat(parsed.usesExternalData()).isFalse();
    }

    @Test
    void externalDataOutsideTheModelsFolderIsRejected() throws IOException {
        Path modelDir = Files.createDirectories(this.dir.resolve("model"));
        Files.write(this.dir.resolve("x.bin"), new byte[16]);
        Path file = writeModel(modelDir, addGraph(external("w", 4, "../x.bin", 0, 16)));
        assertLoadFails(() -> READER.read(file)).withMessage("Invalid ONNX model: Initializer 'w' of graph 'g' has "
                + "external data location '../x.bin', which points outside the model's folder; it must be a "
                + "relative path inside it");
        Path absolute = writeModel(modelDir,
                addGraph(external("w", 4, this.dir.resolve("x.bin").toAbsolutePath().toString(), 0, 16)));
        assertLoadFails(() -> READER.read(absolute)).withMessageContaining("which points outside the model's folder");
    }

    @Test
    void externalDataBeyondTheEndOfItsFileIsRejected() throws IOException {
        Files.write(this.dir.resolve("w.bin"), new byte[20]);
        Path file = writeModel(addGraph(external("w", 4, "w.bin", 8, 16)));
        assertLoadFails(() -> READER.read(file)).withMessage("Invalid ONNX model: Initializer 'w' of graph 'g' has "
                + "external data at offset 8 of length 16, beyond the end of 'w.bin' (20 bytes)");
        Path wrongLength = writeModel(addGraph(external("w", 4, "w.bin", 0, 20)));
        assertLoadFails(() -> READER.read(wrongLength)).withMessage("Invalid ONNX model: Initializer 'w' of graph "
                + "'g' needs 16 bytes of data but its external data in 'w.bin' is 20 bytes long");
        Path missing = writeModel(addGraph(external("w", 4, "nothing.bin", 0, 16)));
        assertLoadFails(() -> READER.read(missing)).withMessage("Invalid ONNX model: Initializer 'w' of graph 'g' "
                + "has its data in external file 'nothing.bin', which does not exist or is not a regular file");
    }

    @Test
    void externalDataCannotBeFoundWhenTheModelIsReadFromBytes() {
        byte[] model = model(addGraph(external("w", 4, "w.bin", 0, 16)));
        assertLoadFails(() -> READER.read(model, "m")).withMessage("Invalid ONNX model: Initializer 'w' of graph 'g' "
                + "keeps its data in external file 'w.bin', which can only be found next to the model file: read the "
                + "model from its path rather than from bytes");
    }

    @Test
    void aSubgraphMayReadValuesOfItsEnclosingGraph() throws OrtException {
        GraphProto thenBranch = GraphProto.newBuilder().setName("then")
                .addNode(node("neg", "Neg", List.of("x"), List.of("negated")))
                .addOutput(floatOutput("negated"))
                .build();
        GraphProto elseBranch = GraphProto.newBuilder().setName("else")
                .addNode(node("same", "Identity", List.of("x"), List.of("kept")))
                .addOutput(floatOutput("kept"))
                .build();
        GraphProto graph = GraphProto.newBuilder().setName("g")
                .addInput(ValueInfoProto.newBuilder().setName("cond").setType(tensorType(TensorProto.DataType.BOOL)))
                .addInput(floatOutput("x"))
                .addNode(ifNode(thenBranch, elseBranch))
                .addOutput(floatOutput("y"))
                .build();
        byte[] model = model(graph);

        assertThat(READER.read(model, "m").getGraph()).isEqualTo(graph);
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = ENV.createSession(model, options);
                OnnxTensor cond = OnnxTensor.createTensor(ENV, true);
                OnnxTensor x = OnnxTensor.createTensor(ENV, new float[] {1f, -2f});
                OrtSession.Result result = session.run(Map.of("cond", cond, "x", x))) {
            assertThat((float[]) result.get(0).getValue()).containsExactly(-1f, 2f);
        }

        GraphProto brokenThen = thenBranch.toBuilder().setNode(0, node("neg", "Neg", List.of("z"), List.of("negated")))
                .build();
        byte[] broken = model(graph.toBuilder().setNode(0, ifNode(brokenThen, elseBranch)).build());
        assertLoadFails(() -> READER.read(broken, "m")).withMessage("Invalid ONNX model: Node #0 'neg' (Neg) in graph "
                + "'then' (attribute 'then_branch' of node #0 'if' (If) in graph 'g') reads 'z', which no graph "
                + "input, initializer or node output defines");
    }

    @Test
    void writeReplacesAnExistingFileAndLeavesNoTemporaryFile() throws IOException {
        Path file = Files.writeString(this.dir.resolve("model.onnx"), "old");
        ModelProto model = READER.read(ModelGenerators.addAndScale(), "m");
        OnnxModelWriter.write(model, file);
        assertThat(Files.readAllBytes(file)).isEqualTo(model.toByteArray());
        try (Stream<Path> files = Files.list(this.dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void writeRefusesAModelThatFailsValidation() {
        ModelProto cyclic = modelProto(GraphProto.newBuilder().setName("g")
                .addNode(node("a", "Relu", List.of("a_out"), List.of("a_out")))
                .addOutput(output("a_out"))
                .build());
        Path file = this.dir.resolve("cyclic.onnx");
        assertThatIllegalArgumentException().isThrownBy(() -> OnnxModelWriter.write(cyclic, file))
                .withMessage("Graph 'g' has a cycle: node #0 'a' (Relu) -> node #0 'a' (Relu)");
        assertThat(file).doesNotExist();
        assertThatIllegalArgumentException().isThrownBy(() -> OnnxModelWriter.toByteArray(cyclic))
                .withMessageContaining("has a cycle");
    }

    private static ThrowableAssertAlternative<ModelLoadException> assertLoadFails(Runnable read) {
        return assertThatExceptionOfType(ModelLoadException.class).isThrownBy(read::run);
    }

    /** {@code y = x + w}, x and y FLOAT [4]. */
    private static GraphProto addGraph(TensorProto w) {
        return GraphProto.newBuilder().setName("g")
                .addInput(floatOutput("x"))
                .addInitializer(w)
                .addNode(node("add", "Add", List.of("x", "w"), List.of("y")))
                .addOutput(floatOutput("y"))
                .build();
    }

    private static TensorProto external(String name, long elements, String location, long offset, long length) {
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(elements)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", location))
                .addExternalData(entry("offset", Long.toString(offset)))
                .addExternalData(entry("length", Long.toString(length)))
                .build();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private static TensorProto tensor(String name, TensorProto.DataType type, long... dims) {
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(type.getNumber())
                .setRawData(ByteString.copyFrom(new byte[4]));
        Arrays.stream(dims).forEach(tensor::addDims);
        return tensor.build();
    }

    private Path writeModel(GraphProto graph) throws IOException {
        return writeModel(this.dir, graph);
    }

    private static Path writeModel(Path folder, GraphProto graph) throws IOException {
        return Files.write(Files.createTempFile(folder, "model", ".onnx"), model(graph));
    }

    private static byte[] model(GraphProto graph) {
        return modelProto(graph).toByteArray();
    }

    private static ModelProto modelProto(GraphProto graph) {
        return ModelProto.newBuilder().setIrVersion(OnnxModelBuilder.DEFAULT_IR_VERSION).setProducerName("test")
                .addOpsetImport(defaultOpset()).setGraph(graph).build();
    }

    private static OperatorSetIdProto defaultOpset() {
        return OperatorSetIdProto.newBuilder().setDomain("").setVersion(13).build();
    }

    private static ValueInfoProto input(String name) {
        return ValueInfoProto.newBuilder().setName(name).build();
    }

    private static ValueInfoProto output(String name) {
        return ValueInfoProto.newBuilder().setName(name).build();
    }

    private static ValueInfoProto floatOutput(String name) {
        return ValueInfoProto.newBuilder().setName(name).setType(tensorType(TensorProto.DataType.FLOAT)).build();
    }

    private static TypeProto tensorType(TensorProto.DataType type) {
        return TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(type.getNumber()))
                .build();
    }
}
