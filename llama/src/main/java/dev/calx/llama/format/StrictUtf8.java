package dev.calx.llama.format;

import dev.calx.llama.CheckpointException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * UTF-8 that must be valid: the JSON parts of a Hugging Face checkpoint (config.json, the shard
 * index, each safetensors header), which the format defines as UTF-8 and which Python's and
 * Rust's readers refuse when they are not, and the other whole JSON files Calx reads
 * (tokenizer.json, added_tokens.json, the trainer state, configs). Jackson handed the bytes
 * itself would also guess UTF-16 or UTF-32 from leading zero bytes and fail with a
 * {@code CharConversionException} naming no file. Malformed bytes are a {@link CheckpointException}
 * naming the file, the part, the byte and its offset in the file, where {@code new String(bytes,
 * UTF_8)} would turn them into U+FFFD and {@code Files.readString} would throw a
 * {@code MalformedInputException} that names neither.
 */
public final class StrictUtf8 {
    private StrictUtf8() { }

    /**
     * Decodes b, which starts at byte offset base of file.
     *
     * @param file the file the bytes come from (for the message)
     * @param what which part of it ("the model config", "the safetensors header")
     * @param b    the bytes
     * @param base the file offset of b[0] (for the message)
     * @return the text
     * @throws CheckpointException at the first malformed or truncated sequence
     */
    public static String decode(Path file, String what, byte[] b, long base) throws CheckpointException {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(b);
        CharBuffer out = CharBuffer.allocate(b.length);
        CoderResult r = d.decode(in, out, true);
        if (!r.isError()) r = d.flush(out);
        if (r.isError()) {
            int at = in.position();
            throw new CheckpointException(file, what + " is not valid UTF-8 (byte 0x"
                    + String.format("%02X", b[at] & 0xFF) + " at byte " + (base + at) + " of the file)");
        }
        return out.flip().toString();
    }

    /**
     * The text without a leading byte order mark, for the JSON parser (which refuses one in a
     * string, though it skipped one when it read the file's bytes itself, as before session 27).
     *
     * @param text decoded text
     * @return text from its first character after an initial U+FEFF
     */
    public static String withoutBom(String text) {
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /**
     * A whole file as UTF-8 text.
     *
     * @param file the file
     * @param what which part of a checkpoint it is (for the message)
     * @return the text
     * @throws CheckpointException when it is not valid UTF-8
     * @throws IOException         when it cannot be read (as {@link Files#readAllBytes} throws:
     *                             a missing file is a {@code NoSuchFileException}, which callers
     *                             report in their own words)
     */
    public static String read(Path file, String what) throws IOException {
        return decode(file, what, Files.readAllBytes(file), 0);
    }
}
