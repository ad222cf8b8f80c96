package dev.calx.solver;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenizeCommandTest {
    static Path model() {
        Path p = Path.of(System.getProperty("calx.shared", "../../shared")).resolve("data/tokenizers/llama2/tokenizer.model");
        Assumptions.assumeTrue(Files.exists(p), "missing " + p);
        return p;
    }

    /** Runs the command as the CLI would (picocli parsing) with captured output; returns {exit code, stdout, stderr}. */
    static String[] run(String stdin, String... args) {
        TokenizeCommand cmd = new TokenizeCommand();
        StringWriter out = new StringWriter();
        cmd.out = out;
        cmd.in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(cmd).setErr(new PrintWriter(err));
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            c.getErr().println("calx: " + ex.getMessage());
            return 1;
        });
        int rc = cl.execute(args);
        return new String[] {String.valueOf(rc), out.toString(), err.toString()};
    }

    @Test
    void encodesTextToSpaceSeparatedIdsWithOptionalBos() {
        // Ids from python3-sentencepiece on the same tokenizer.model.
        String[] r = run("", "--tokenizer", model().toString(), "--bos", "I believe the meaning of life is");
        assertEquals("0", r[0], r[2]);
        assertEquals("1 306 4658 278 6593 310 2834 338\n", r[1]);
        assertEquals("306 4658 278 6593 310 2834 338\n",
                run("", "--tokenizer", model().toString(), "I believe the meaning of life is")[1]);
    }

    @Test
    void decodesIdsToText() {
        String[] r = run("", "--tokenizer", model().toString(), "--decode", "1", "306", "4658", "278,6593", "243", "162", "155", "131");
        assertEquals("0", r[0], r[2]);
        assertEquals("I believe the meaning😀\n", r[1]);
    }

    @Test
    void encodesJsonLinesFromStdin() {
        String in = "{\"text\": \"I believe the meaning of life is\"}\n{\"text\": \"\"}\n{\"text\": \"Hello world  \\t\\n x\"}\n";
        String[] r = run(in, "--tokenizer", model().toString(), "--jsonl");
        assertEquals("0", r[0], r[2]);
        assertEquals("{\"ids\":[306,4658,278,6593,310,2834,338]}\n{\"ids\":[]}\n{\"ids\":[15043,3186,259,12,13,921]}\n", r[1]);
        assertEquals("{\"ids\":[1]}\n", run("{\"text\":\"\"}\n", "--tokenizer", model().toString(), "--jsonl", "--bos")[1]);
    }

    @Test
    void decodesJsonLinesFromStdin() {
        // Texts from python3-sentencepiece's decode on the same tokenizer.model: BOS dropped, the leading
        // space of the first piece dropped, byte-fallback pieces 243 162 155 131 reassembled into one emoji,
        // a lone continuation byte (131) as U+FFFD, and a control character (id 14, <0x0B>) kept.
        String in = "{\"ids\": [1, 306, 4658, 278, 6593, 243, 162, 155, 131]}\n\n{\"ids\": []}\n{\"ids\": [131, 14]}\n";
        String[] r = run(in, "--tokenizer", model().toString(), "--decode", "--jsonl");
        assertEquals("0", r[0], r[2]);
        assertEquals("{\"text\":\"I believe the meaning\uD83D\uDE00\"}\n{\"text\":\"\"}\n{\"text\":\"\uFFFD\\u000B\"}\n", r[1]);
    }

    @Test
    void badDecodeLinesNameTheLineAndLeaveNoHalfLine() {
        String m = model().toString();
        String[] r = run("{\"ids\": [306]}\n{\"ids\": [306, 32000]}\n", "--tokenizer", m, "--decode", "--jsonl");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("stdin line 2: token id 32000 is outside the vocabulary of 32000 pieces"), r[2]);
        assertEquals("{\"text\":\"I\"}\n", r[1], "line 1 whole, nothing of line 2");
        String[] r2 = run("{\"ids\": [306, \"x\"]}\n", "--tokenizer", m, "--decode", "--jsonl");
        assertTrue(r2[2].contains("stdin line 1: ids[1] = \"x\" is not a token id"), r2[2]);
        String[] r3 = run("{\"ids\": [1.5]}\n", "--tokenizer", m, "--decode", "--jsonl");
        assertTrue(r3[2].contains("stdin line 1: ids[0] = 1.5 is not a token id"), r3[2]);
        String[] r4 = run("{\"text\": \"a\"}\n", "--tokenizer", m, "--decode", "--jsonl");
        assertTrue(r4[2].contains("stdin line 1: expected {\"ids\": [...]}, found {\"text\":\"a\"}"), r4[2]);
        String[] r5 = run("{\"ids\": [306]}\n", "--tokenizer", m, "--decode", "--jsonl", "--bos");
        assertEquals("1", r5[0]);
        assertTrue(r5[2].contains("--bos is for encoding"), r5[2]);
        String[] r6 = run("{\"text\": \"a\"}\n", "--tokenizer", m, "--jsonl", "extra");
        assertEquals("1", r6[0]);
        assertTrue(r6[2].contains("--jsonl reads stdin; found arguments too: extra"), r6[2]);
        assertEquals("", r6[1]);
    }

    @Test
    void badInputIsAnErrorNamingTheLine() {
        String[] r = run("{\"text\": \"ok\"}\n{\"txt\": 1}\n", "--tokenizer", model().toString(), "--jsonl");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("stdin line 2"), r[2]);
        String[] r2 = run("", "--tokenizer", model().toString(), "--decode", "12x");
        assertTrue(r2[2].contains("'12x' is not a token id"), r2[2]);
        String[] r5 = run("", "--tokenizer", model().toString(), "--decode");
        assertEquals("1", r5[0]);
        assertTrue(r5[2].contains("--decode: no ids given"), r5[2]);
        assertEquals("", r5[1]);
        String[] r4 = run("{\"text\": \"ok\"}\n{oops\n", "--tokenizer", model().toString(), "--jsonl");
        assertEquals("1", r4[0]);
        assertTrue(r4[2].contains("stdin line 2: not JSON: "), r4[2]);
        assertTrue(r4[2].lines().count() == 1 && !r4[2].contains("[Source:"), "one line, no parser location dump: " + r4[2]);
        String[] r3 = run("", "--tokenizer", "/nonexistent/tok.model", "x");
        // two objects on one line: the second text was dropped without a word
        String[] r6 = run("{\"text\": \"a\"}\n{\"text\": \"b\"} {\"text\": \"c\"}\n", "--tokenizer", model().toString(), "--jsonl");
        assertEquals("1", r6[0]);
        assertTrue(r6[2].contains("stdin line 2: not JSON: text after the end of the JSON value"), r6[2]);
        assertEquals("{\"ids\":[263]}\n", r6[1].replace("\r\n", "\n"));
        assertTrue(r3[2].contains("/nonexistent/tok.model"), r3[2]);
    }

    /** A text the vocabulary cannot spell (no piece, no byte fallback, no unk): the error names the line, and no line is half-written. */
    @Test
    void anUnencodableTextNamesTheLineAndLeavesNoHalfLine(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(256).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(8);
        for (String p : java.util.List.of("x", "\n<s>\n", "\n</s>\n", "a", " ", " a")) {
            byte[] u = p.getBytes(StandardCharsets.UTF_8);
            b.putFloat(0f).putInt(u.length).put(u);
        }
        Path tok = dir.resolve("nounk.bin");
        Files.write(tok, java.util.Arrays.copyOf(b.array(), b.position()));
        String[] r = run("{\"text\": \"a\"}\n{\"text\": \"a \u00e9\"}\n", "--tokenizer", tok.toString(), "--jsonl");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("stdin line 2: " + tok) && r[2].contains("U+00E9"), r[2]);
        assertEquals("{\"ids\":[5]}\n", r[1], "line 1 whole (\"a\" is the piece \"\u2581a\", id 5), nothing of line 2");
    }

    @Test
    void malformedUtf8OnStdinNamesTheLine() {
        TokenizeCommand cmd = new TokenizeCommand();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cmd.out = out;
        cmd.in = new ByteArrayInputStream(new byte[] {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', 'a', '"', '}', '\n',
                '{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC0, '"', '}', '\n'});
        CommandLine cl = new CommandLine(cmd).setErr(new PrintWriter(err));
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            c.getErr().println("calx: " + ex.getMessage());
            return 1;
        });
        assertEquals(1, cl.execute("--tokenizer", model().toString(), "--jsonl"));
        assertTrue(err.toString().contains("stdin line 2: not valid UTF-8 (byte 0xC0 at byte 10 of the line)"), err.toString());
        assertEquals("{\"ids\":[263]}\n", out.toString());
    }

    @Test
    void isRegisteredAsASubcommandOfCalx() {
        assertTrue(new CommandLine(new Main()).getSubcommands().containsKey("tokenize"));
    }
}
