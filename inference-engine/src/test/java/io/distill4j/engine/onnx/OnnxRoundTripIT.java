package io.distill4j.engine.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.distill4j.engine.onnx.graph.GraphView;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.proto.NodeProto;
import io.distill4j.engine.onnx.proto.TensorProto;
import io.distill4j.engine.testing.MiniLm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads, rewrites and re-reads the real all-MiniLM-L6-v2 export (PyTorch, IR 6, opset 11). */
class OnnxRoundTripIT {

    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    /** "[CLS] hello world [SEP]" in the MiniLM vocabulary. */
    private static final long[][] INPUT_IDS = {{101, 7592, 2088, 102}};

    private static Path original;

    private static Path rewritten;

    private static ModelProto read;

    private static ModelProto reread;

    @BeforeAll
    static void readWriteAndReadAgain(@TempDir Path dir) throws IOException {
        original = MiniLm.modelFile();
        read = OnnxModelReader.ofDefaults().read(original, "all-minilm-l6-v2");
        rewritten = dir.resolve("rewritten.onnx");
        OnnxModelWriter.write(read, rewritten);
        reread = OnnxModelReader.ofDefaults().read(rewritten, "all-minilm-l6-v2");
    }

    @Test
    void theRewrittenModelIsTheSameModel() {
        assertThat(read.getIrVersion()).isEqualTo(6);
        assertThat(reread).isEqualTo(read);
        assertThat(reread.getIrVersion()).isEqualTo(read.getIrVersion());
        assertThat(reread.getOpsetImportList()).isEqualTo(read.getOpsetImportList()).isNotEmpty();
        assertThat(reread.getMetadataPropsList()).isEqualTo(read.getMetadataPropsList());
        assertThat(reread.getProducerName()).isEqualTo(read.getProducerName()).isEqualTo("pytorch");
        assertThat(reread.getGraph().getNodeList()).isEqualTo(read.getGraph().getNodeList()).hasSizeGreaterThan(100);
    }

    @Test
    void initializersAreBitEqual() {
        List<TensorProto> before = read.getGraph().getInitializerList();
        List<TensorProto> after = reread.getGraph().getInitializerList();
        assertThat(after).hasSameSizeAs(before).isNotEmpty();
        long bytes = 0;
        for (int i = 0; i < before.size(); i++) {
            assertThat(after.get(i).getName()).isEqualTo(before.get(i).getName());
            assertThat(after.get(i).getDimsList()).isEqualTo(before.get(i).getDimsList());
            assertThat(after.get(i).getRawData().equals(before.get(i).getRawData()))
                    .as("raw_data of %s", before.get(i).getName()).isTrue();
            bytes += after.get(i).getRawData().size();
        }
        assertThat(bytes).as("bytes of weights").isGreaterThan(80_000_000L);
    }

    /**
     * The rewritten file is proto-equal to the export but not byte-identical (11 bytes shorter): the
     * exporter's proto2 schema writes repeated scalars such as {@code dims} and {@code ints} unpacked,
     * the proto3 schema here writes them packed. Both encodings parse to the same message.
     */
    @Test
    void theRewrittenFileReadsBackToTheSameBytes() throws IOException {
        byte[] written = Files.readAllBytes(rewritten);
        assertThat(OnnxModelWriter.toByteArray(reread)).isEqualTo(written);
        assertThat(ModelProto.parseFrom(Files.readAllBytes(original))).isEqualTo(ModelProto.parseFrom(written));
    }

    @Test
    void onnxRuntimeComputesTheSameOutputFromTheRewrittenFile() throws OrtException {
        float[][][] expected = run(original);
        float[][][] actual = run(rewritten);
        assertThat(actual).hasDimensions(1, 4);
        assertThat(actual[0][0]).hasSize(384);
        for (int t = 0; t < 4; t++) {
            assertThat(actual[0][t]).as("token %d", t).containsExactly(expected[0][t]);
        }
    }

    @Test
    void graphViewOrdersEveryNodeAfterItsInputs() {
        GraphView view = GraphView.of(reread.getGraph());
        assertThat(view.nodes()).containsExactlyInAnyOrderElementsOf(reread.getGraph().getNodeList());
        Set<String> defined = new HashSet<>(view.initializers().keySet());
        view.inputs().forEach(input -> defined.add(input.getName()));
        for (NodeProto node : view.nodes()) {
            for (String input : node.getInputList()) {
                assertThat(input.isEmpty() || defined.contains(input)).as("%s reads %s", node.getName(), input)
                        .isTrue();
            }
            defined.addAll(node.getOutputList());
        }
        assertThat(view.consumers("input_ids")).isNotEmpty()
                .allSatisfy(node -> assertThat(node.getInputList()).contains("input_ids"));
    }

    private static float[][][] run(Path model) throws OrtException {
        long[][] mask = {{1, 1, 1, 1}};
        long[][] types = {{0, 0, 0, 0}};
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = ENV.createSession(model.toString(), options);
                OnnxTensor ids = OnnxTensor.createTensor(ENV, INPUT_IDS);
                OnnxTensor attention = OnnxTensor.createTensor(ENV, mask);
                OnnxTensor tokenTypes = OnnxTensor.createTensor(ENV, types);
                OrtSession.Result result = session.run(
                        Map.of("input_ids", ids, "attention_mask", attention, "token_type_ids", tokenTypes))) {
            return (float[][][]) result.get("last_hidden_state").orElseThrow().getValue();
        }
    }
}
