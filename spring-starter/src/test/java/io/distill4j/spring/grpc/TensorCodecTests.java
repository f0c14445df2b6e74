package io.distill4j.spring.grpc;

import com.google.protobuf.ByteString;
import io.distill4j.api.ElementType;
import io.distill4j.api.Tensor;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.api.grpc.inference.InferTensorContents;
import io.distill4j.spring.inference.OpenInference;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class TensorCodecTests {

    private static final Tensor[] SAMPLES = {
        Tensor.ofFloats(new float[] {1.5f, -2f, 0f, 3.25f}, 2, 2),
        Tensor.ofDoubles(new double[] {1e-300, 2}, 2),
        Tensor.ofLongs(new long[] {Long.MIN_VALUE, 7, Long.MAX_VALUE}, 3),
        Tensor.ofInts(new int[] {-1, 65_536}, 1, 2),
        Tensor.ofBytes(new byte[] {-128, 127}, 2),
        Tensor.ofUnsignedBytes(new byte[] {(byte) 255, 0}, 2),
        Tensor.ofBooleans(new boolean[] {true, false, true}, 3),
        Tensor.ofStrings(new String[] {"héllo", "", "日本"}, 3),
    };

    @Test
    void everySupportedTypeRoundTripsRawAndTyped() {
        for (Tensor sample : SAMPLES) {
            String datatype = sample.type().protocolName();
            Tensor fromRaw = TensorCodec.decode("m", "x", datatype, sample.shape(), InferTensorContents.getDefaultInstance(),
                    TensorCodec.raw(sample));
            Tensor fromTyped = TensorCodec.decode("m", "x", datatype, sample.shape(), TensorCodec.contents(sample), null);
            for (Tensor decoded : new Tensor[] {fromRaw, fromTyped}) {
                assertThat(decoded.type()).as(datatype).isEqualTo(sample.type());
                assertThat(decoded.shape()).isEqualTo(sample.shape());
                assertThat(decoded.array()).as(datatype).isEqualTo(sample.array());
            }
        }
    }

    @Test
    void rawFloatsAreLittleEndian() {
        ByteString raw = TensorCodec.raw(Tensor.ofFloats(new float[] {1f}, 1));
        assertThat(raw.toByteArray()).containsExactly(0, 0, (byte) 0x80, 0x3F);
    }

    @Test
    void badTensorsNameTheTensorAndTheRule() {
        assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> TensorCodec.decode("m", "ids", "INT64",
                new long[] {2, -1}, InferTensorContents.getDefaultInstance(), null))
            .withMessageContaining("ids.shape: dimensions must be >= 0, got [2, -1]");
        assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> TensorCodec.decode("m", "ids", "INT64",
                new long[] {1}, InferTensorContents.getDefaultInstance(), ByteString.copyFrom(new byte[5])))
            .withMessageContaining("raw contents of 5 bytes are not a whole number of 8-byte INT64 elements");
        assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> TensorCodec.decode("m", "q", "INT8",
                new long[] {1}, InferTensorContents.newBuilder().addIntContents(300).build(), null))
            .withMessageContaining("q[0]: must be in -128..127, got 300");
        assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> TensorCodec.decode("m", "x", "UINT16",
                new long[] {1}, InferTensorContents.getDefaultInstance(), null))
            .withMessageContaining("x.datatype: 'UINT16' is not supported");
        assertThat(OpenInference.elementType("m", "x", "fp32")).isEqualTo(ElementType.FLOAT32);
    }
}
