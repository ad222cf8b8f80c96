package dev.calx.decode.eval;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The lines of a UTF-8 text (a JSON Lines file or stdin), with their numbers, decoded strictly.
 * {@link java.io.BufferedReader} either replaces malformed bytes with U+FFFD without a word
 * (an {@code InputStreamReader}'s default) or fails with {@code MalformedInputException: Input
 * length = 1}, naming neither the file nor the line ({@code Files.newBufferedReader}); and it
 * decodes ahead of the line it returns, so the failure can come lines early. Here each line is
 * read whole and then decoded, so a malformed byte is an {@link MalformedLineException} naming
 * the source, the line and the byte, and reading can go on after it (a caller that drops a torn
 * last line needs that). Lines end at {@code \n}; a {@code \r} before it is dropped, and so is a
 * byte order mark at the start of the first line (JSON files saved by some Windows tools have
 * one).
 */
public final class Utf8Lines implements Closeable {
    /** A line that is not valid UTF-8. */
    public static final class MalformedLineException extends IOException {
        /** The number of the bad line, from 1. */
        private final long line;
        /** What was wrong with it, without the source and line. */
        private final String reason;

        MalformedLineException(String source, long line, String reason) {
            super(source + ":" + line + ": " + reason);
            this.line = line;
            this.reason = reason;
        }

        /** {@return what was wrong, without the source and line: "not valid UTF-8 (byte 0xFF at byte 3 of the line)"} */
        public String reason() {
            return reason;
        }

        /** {@return the number of the bad line, from 1} */
        public long line() {
            return line;
        }
    }

    /**
     * Turns one line of a log into a value.
     *
     * @param <T> the value
     */
    @FunctionalInterface
    public interface LineParser<T> {
        /**
         * Parses a line.
         *
         * @param line a non-blank line
         * @return its value
         * @throws IOException (or an unchecked exception) with what is wrong when the line is not one
         */
        T parse(String line) throws IOException;
    }

    /**
     * An append-only log as {@link #readLog} found it.
     *
     * @param lines        the good non-blank lines, in order
     * @param values       their parsed values, in the same order
     * @param droppedTail  what was wrong with a torn last line that was left out (file:line: ...),
     *                     or null when there was none
     * @param unterminated whether the file did not end with a newline
     * @param <T>          the parsed value
     */
    public record Log<T>(List<String> lines, List<T> values, String droppedTail, boolean unterminated) {
        /** {@return whether the file should be rewritten from {@link #lines}: a torn tail or no final newline} */
        public boolean needsRewrite() {
            return droppedTail != null || unterminated;
        }
    }

    /**
     * Reads a file that a process appends a line at a time (evaluation records, training
     * metrics), where a kill can leave the last line torn, even inside a multi-byte character.
     * A bad last line is left out and reported in {@link Log#droppedTail}; a bad line anywhere
     * else is an error.
     *
     * @param file   the log
     * @param what   what a line should be, for messages ("an evaluation record")
     * @param parser parses one non-blank line
     * @param <T>    the parsed value
     * @return the good lines and their values
     * @throws IOException "FILE:LINE: not WHAT: reason" for a bad line before the last, or when
     *                     reading fails
     */
    public static <T> Log<T> readLog(Path file, String what, LineParser<T> parser) throws IOException {
        List<String> lines = new ArrayList<>();
        List<T> values = new ArrayList<>();
        String bad = null; // what was wrong with the line before: an error unless it was the last
        boolean unterminated = false;
        try (Utf8Lines r = open(file)) {
            while (true) {
                String line;
                try {
                    line = r.next();
                } catch (MalformedLineException e) {
                    if (bad != null) throw new IOException(bad);
                    bad = file + ":" + e.line() + ": not " + what + ": " + e.reason();
                    continue;
                }
                if (line == null) break;
                if (bad != null) throw new IOException(bad);
                unterminated = !r.terminated();
                if (line.isBlank()) continue;
                try {
                    values.add(parser.parse(line));
                    lines.add(line);
                } catch (IOException | RuntimeException e) {
                    String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? dev.calx.llama.format.StrictJson.reason(j) : e.getMessage();
                    bad = file + ":" + r.lineNumber() + ": not " + what + ": " + why;
                }
            }
        }
        return new Log<>(lines, values, bad, unterminated);
    }

    private final InputStream in;
    private final String source;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private byte[] buf = new byte[1024];
    private final byte[] chunk = new byte[1 << 16];
    private int chunkPos, chunkEnd;
    private boolean eof;
    private long line;
    private boolean terminated = true;

    /**
     * Lines of a stream.
     *
     * @param in     the bytes; read to the end, closed by {@link #close}
     * @param source how errors name the stream (a file name, "stdin")
     */
    public Utf8Lines(InputStream in, String source) {
        this.in = in;
        this.source = source;
    }

    /**
     * Lines of a file.
     *
     * @param file a UTF-8 text file
     * @return its lines; close it when done
     * @throws IOException when the file cannot be opened
     */
    public static Utf8Lines open(Path file) throws IOException {
        return new Utf8Lines(Files.newInputStream(file), file.toString());
    }

    /**
     * The next line, without its line end.
     *
     * @return the line, or null at the end of the input
     * @throws MalformedLineException when the line is not valid UTF-8 (the line is consumed, so
     *         the next call reads the one after it)
     * @throws IOException when reading fails
     */
    public String next() throws IOException {
        int n = 0;
        boolean newline = false;
        while (!newline) {
            if (chunkPos == chunkEnd) {
                if (eof) break;
                int got = in.read(chunk, 0, chunk.length);
                if (got < 0) {
                    eof = true;
                    break;
                }
                chunkPos = 0;
                chunkEnd = got;
            }
            int from = chunkPos, i = from;
            while (i < chunkEnd && chunk[i] != '\n') i++;
            int len = i - from;
            if (n + len > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + len));
            System.arraycopy(chunk, from, buf, n, len);
            n += len;
            newline = i < chunkEnd;
            chunkPos = newline ? i + 1 : i;
        }
        if (!newline && n == 0) return null;
        terminated = newline;
        line++;
        int start = 0, end = n;
        if (end > 0 && buf[end - 1] == '\r') end--;
        if (line == 1 && end >= 3 && (buf[0] & 0xFF) == 0xEF && (buf[1] & 0xFF) == 0xBB && (buf[2] & 0xFF) == 0xBF) start = 3;
        try {
            return decoder.reset().decode(ByteBuffer.wrap(buf, start, end - start)).toString();
        } catch (CharacterCodingException e) {
            int at = firstMalformed(buf, start, end);
            throw new MalformedLineException(source, line, "not valid UTF-8 (byte 0x"
                    + String.format("%02X", buf[at] & 0xFF) + " at byte " + (at - start + 1) + " of the line)");
        }
    }

    /** Where the first byte that does not decode is (a strict decoder's report has no position). */
    private int firstMalformed(byte[] b, int from, int to) {
        for (int i = from; i < to; ) {
            int len = 1;
            while (i + len <= to) {
                try {
                    decoder.reset().decode(ByteBuffer.wrap(b, i, len));
                    break;
                } catch (CharacterCodingException e) {
                    len++;
                    if (len > 4) return i;
                }
            }
            if (i + len > to) return i;
            i += len;
        }
        return from;
    }

    /** {@return the number of the line last returned (from 1), or 0 before the first} */
    public long lineNumber() {
        return line;
    }

    /** {@return whether the line last returned ended with a newline; false only for a last line without one} */
    public boolean terminated() {
        return terminated;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
