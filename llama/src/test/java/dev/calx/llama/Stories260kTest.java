package dev.calx.llama;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The real trained model from llama2.c's test: greedy generation must print llama2.c's text exactly. */
class Stories260kTest {
    static final Path DIR = Path.of(System.getProperty("calx.shared", "../shared"), "data/models/stories260K");

    @Test
    void greedy200StepsWithoutPromptPrintsLlama2cExpectedText() throws IOException {
        Path bin = DIR.resolve("stories260K.bin"), tok = DIR.resolve("tok512.bin"), exp = DIR.resolve("expected_greedy_200.txt");
        for (Path p : new Path[]{bin, tok, exp}) Assumptions.assumeTrue(Files.exists(p), "missing " + p);
        try (LlamaModel m = LlamaModel.load(bin); InferenceSession s = m.newSession()) {
            assertEquals(LlamaModel.Format.LLAMA2C, m.format());
            assertEquals(64, m.config().hiddenSize());
            assertEquals(4, m.config().numKeyValueHeads());
            int[] ids = Generator.generate(s, new int[]{1}, 200, Sampler.greedy(), 1, 2, null);
            String text = RunCDecoder.decode(tok, 1, ids);
            assertEquals(Files.readString(exp), text);
        }
    }

    /**
     * run.c's way of printing tokens from a llama2.c tokenizer.bin (score, length, bytes per
     * entry): a leading space after BOS is dropped, {@code <0xXX>} pieces are raw bytes. Kept in
     * the test so this check does not depend on the tokenizer module.
     */
    static final class RunCDecoder {
        static String decode(Path tokBin, int bos, int[] ids) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(tokBin)).order(ByteOrder.LITTLE_ENDIAN);
            b.getInt();
            java.util.List<byte[]> vocab = new java.util.ArrayList<>();
            while (b.hasRemaining()) {
                b.getFloat();
                byte[] p = new byte[b.getInt()];
                b.get(p);
                vocab.add(p);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int prev = bos;
            for (int id : ids) {
                String piece = new String(vocab.get(id), StandardCharsets.UTF_8);
                if (prev == bos && piece.startsWith(" ")) piece = piece.substring(1);
                if (piece.matches("<0x[0-9A-F]{2}>")) out.write(Integer.parseInt(piece.substring(3, 5), 16));
                else out.writeBytes(piece.getBytes(StandardCharsets.UTF_8));
                prev = id;
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
