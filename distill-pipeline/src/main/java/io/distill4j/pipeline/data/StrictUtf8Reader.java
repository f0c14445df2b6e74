package io.distill4j.pipeline.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;

/**
 * Decodes UTF-8 strictly and remembers which physical lines held invalid bytes, instead of failing
 * the whole file or silently replacing characters. Invalid bytes are dropped from the character
 * stream (they are never ASCII, so quotes, delimiters and line breaks survive) and their line is
 * marked; the caller turns every record touching a marked line into a bad row.
 *
 * <p>Lines are counted the way Commons CSV and {@link java.io.BufferedReader#readLine()} count them:
 * {@code \n}, {@code \r\n} and a lone {@code \r} each end a line. A leading byte-order mark is dropped.
 */
final class StrictUtf8Reader extends Reader {

    private static final int BUFFER = 8192;

    private final InputStream in;

    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    private final ByteBuffer bytes = ByteBuffer.allocate(BUFFER).flip();

    private final CharBuffer chars = CharBuffer.allocate(BUFFER).flip();

    private final BitSet invalidLines = new BitSet();

    private long lineBreaks;

    private boolean previousWasCr;

    private boolean endOfBytes;

    private boolean finished;

    private boolean started;

    StrictUtf8Reader(InputStream in) {
        this.in = in;
    }

    /** Whether any of the 1-based lines {@code first..last} (inclusive) held invalid UTF-8; only lines already read count. */
    boolean hasInvalidBytes(long first, long last) {
        int from = (int) Math.min(Math.max(first, 0), Integer.MAX_VALUE);
        int next = this.invalidLines.nextSetBit(from);
        return next >= 0 && next <= last;
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (!this.chars.hasRemaining()) {
            if (this.finished) {
                return -1;
            }
            fill();
        }
        int count = Math.min(length, this.chars.remaining());
        this.chars.get(buffer, offset, count);
        return count;
    }

    private void fill() throws IOException {
        this.chars.clear();
        while (this.chars.position() == 0 && !this.finished) {
            if (!this.endOfBytes) {
                this.bytes.compact();
                int read = this.in.read(this.bytes.array(), this.bytes.position(), this.bytes.remaining());
                if (read < 0) {
                    this.endOfBytes = true;
                } else {
                    this.bytes.position(this.bytes.position() + read);
                }
                this.bytes.flip();
            }
            CoderResult result;
            do {
                int start = this.chars.position();
                result = this.decoder.decode(this.bytes, this.chars, this.endOfBytes);
                countLineBreaks(start, this.chars.position());
                if (result.isError()) {
                    // The invalid bytes belong to the line after the breaks seen so far; drop them.
                    this.invalidLines.set((int) Math.min(this.lineBreaks + 1, Integer.MAX_VALUE));
                    this.bytes.position(this.bytes.position() + result.length());
                }
            } while (result.isError());
            if (this.endOfBytes && result.isUnderflow() && !this.bytes.hasRemaining()) {
                this.decoder.flush(this.chars);
                this.finished = true;
            }
        }
        this.chars.flip();
        if (!this.started && this.chars.hasRemaining()) {
            this.started = true;
            if (this.chars.get(this.chars.position()) == '\uFEFF') {
                this.chars.position(this.chars.position() + 1);
            }
        }
    }

    private void countLineBreaks(int from, int to) {
        for (int i = from; i < to; i++) {
            char c = this.chars.get(i);
            if (c == '\r') {
                this.lineBreaks++;
                this.previousWasCr = true;
            } else {
                if (c == '\n' && !this.previousWasCr) {
                    this.lineBreaks++;
                }
                this.previousWasCr = false;
            }
        }
    }

    /** Does not close the stream: whoever opened it closes it. */
    @Override
    public void close() {
        this.finished = true;
        this.chars.clear().flip();
    }
}
