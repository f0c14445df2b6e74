package io.distill4j.engine.digest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Sha256Tests {

    /** SHA-256 of "abc", FIPS 180-2 appendix B.1. */
    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    /** SHA-256 of no bytes. */
    private static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Test
    void bytesHashToTheStandardDigestInLowerCaseHex() {
        assertThat(Sha256.hexOf("abc".getBytes(StandardCharsets.US_ASCII))).isEqualTo(ABC);
        assertThat(Sha256.hexOf(new byte[0])).isEqualTo(EMPTY);
    }

    @Test
    void textIsHashedAsItsUtf8Bytes() {
        assertThat(Sha256.hexOf("abc")).isEqualTo(ABC);
        assertThat(Sha256.hexOf("é€")).isEqualTo(Sha256.hexOf("é€".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aFileLargerThanOneChunkHashesLikeItsBytes(@TempDir Path folder) throws IOException {
        byte[] bytes = new byte[200_003];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        Path file = Files.write(folder.resolve("data.bin"), bytes);
        assertThat(Sha256.hexOf(file)).isEqualTo(Sha256.hexOf(bytes)).hasSize(64).matches("[0-9a-f]{64}");
    }

    @Test
    void piecesAddedInOrderHashLikeTheirConcatenation(@TempDir Path folder) throws IOException {
        Path file = Files.writeString(folder.resolve("c.txt"), "c");
        Sha256 sha = Sha256.start().update("a").update(ByteBuffer.wrap(new byte[] {'b'})).update(file);
        byte[] raw = Sha256.start().update("abc").digest();
        assertThat(sha.hex()).isEqualTo(ABC).isEqualTo(Sha256.hex(raw));
        assertThat(raw).hasSize(32);
        assertThat(sha.hex()).as("finishing resets the hash").isEqualTo(EMPTY);
    }

    @Test
    void aMissingFileIsAnIoException(@TempDir Path folder) {
        assertThatThrownBy(() -> Sha256.hexOf(folder.resolve("absent"))).isInstanceOf(NoSuchFileException.class);
    }
}
