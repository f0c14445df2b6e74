package io.distill4j.spring.grpc;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.distill4j.engine.EngineConfig;
import io.distill4j.engine.OnnxInferenceEngine;
import io.distill4j.spring.testing.MiniLmRepository;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The independent check: a client that knows only the published Open Inference Protocol (the
 * method's full name and the field numbers of the specification), none of this project's generated
 * classes, writes a ModelInfer request byte by byte, sends it over a real connection and reads the
 * embedding out of the response bytes; it must equal the in-process engine's.
 */
class WireLevelClientIT {

    /** From the specification: ModelInferRequest and ModelInferResponse fields, InferTensorContents fields. */
    private static final int REQUEST_MODEL_NAME = 1;

    private static final int REQUEST_INPUTS = 5;

    private static final int TENSOR_NAME = 1;

    private static final int TENSOR_DATATYPE = 2;

    private static final int TENSOR_SHAPE = 3;

    private static final int TENSOR_CONTENTS = 5;

    private static final int CONTENTS_FP32 = 6;

    private static final int CONTENTS_BYTES = 8;

    private static final int RESPONSE_OUTPUTS = 5;

    private static final MethodDescriptor<byte[], byte[]> MODEL_INFER = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName("inference.GRPCInferenceService/ModelInfer")
        .setRequestMarshaller(new BytesMarshaller()).setResponseMarshaller(new BytesMarshaller()).build();

    @Test
    void aClientFromThePublishedProtocolGetsTheEnginesEmbedding(@TempDir Path dir) throws Exception {
        String text = "A man is playing a guitar.";
        try (OnnxInferenceEngine engine = OnnxInferenceEngine.open(EngineConfig.builder()
                .modelRepository(MiniLmRepository.install(dir.resolve("repo"))).build())) {
            engine.load("minilm");
            Server server = NettyServerBuilder.forPort(0).addService(new OpenInferenceService(engine, "d", "t")).build()
                .start();
            ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", server.getPort()).usePlaintext().build();
            try {
                byte[] response = ClientCalls.blockingUnaryCall(channel, MODEL_INFER, CallOptions.DEFAULT,
                        request("minilm", text));
                assertThat(readEmbedding(response)).containsExactly(engine.embed("minilm", text));
            }
            finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    /** ModelInferRequest{model_name, inputs[{name "text", datatype "BYTES", shape [1], contents{bytes_contents}}]}. */
    private static byte[] request(String model, String text) throws IOException {
        byte[] contents = message(out -> out.writeBytes(CONTENTS_BYTES, com.google.protobuf.ByteString.copyFromUtf8(text)));
        byte[] input = message(out -> {
            out.writeString(TENSOR_NAME, "text");
            out.writeString(TENSOR_DATATYPE, "BYTES");
            out.writeInt64(TENSOR_SHAPE, 1);
            out.writeByteArray(TENSOR_CONTENTS, contents);
        });
        return message(out -> {
            out.writeString(REQUEST_MODEL_NAME, model);
            out.writeByteArray(REQUEST_INPUTS, input);
        });
    }

    /** outputs[0].contents.fp32_contents, packed or not. */
    private static float[] readEmbedding(byte[] response) throws IOException {
        byte[] output = field(response, RESPONSE_OUTPUTS);
        byte[] contents = field(output, TENSOR_CONTENTS);
        List<Float> values = new ArrayList<>();
        CodedInputStream in = CodedInputStream.newInstance(contents);
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagFieldNumber(tag) != CONTENTS_FP32) {
                in.skipField(tag);
            }
            else if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int limit = in.pushLimit(in.readRawVarint32());
                while (in.getBytesUntilLimit() > 0) {
                    values.add(in.readFloat());
                }
                in.popLimit(limit);
            }
            else {
                values.add(in.readFloat());
            }
        }
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    /** The first length-delimited field of that number. */
    private static byte[] field(byte[] message, int number) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(message);
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagFieldNumber(tag) == number) {
                return in.readByteArray();
            }
            in.skipField(tag);
        }
        throw new AssertionError("no field " + number + " in the response");
    }

    private static byte[] message(Writer writer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        writer.write(out);
        out.flush();
        return bytes.toByteArray();
    }

    @FunctionalInterface
    private interface Writer {

        void write(CodedOutputStream out) throws IOException;
    }

    private static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {

        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
    }
}
