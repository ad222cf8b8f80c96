package dev.calx.decode.eval;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Utf8LinesTest {
    private static Utf8Lines of(byte[] b) {
        return new Utf8Lines(new ByteArrayInputStream(b), "t.jsonl");
    }

    private static List<String> all(Utf8Lines r) throws IOException {
        List<String> out = new ArrayList<>();
        for (String l; (l = r.next()) != null; ) out.add(l);
        return out;
    }

    @Test
    void splitsAtNewlinesDropsCrAndAFirstLineBomAndKeepsNonAscii() throws IOException {
        byte[] b = "\uFEFFa ÷ 😀\r\n\nlast".getBytes(StandardCharsets.UTF_8);
        Utf8Lines r = of(b);
        assertEquals("a ÷ 😀", r.next());
        assertEquals(1, r.lineNumber());
        assertTrue(r.terminated());
        assertEquals("", r.next());
        assertEquals("last", r.next());
        assertEquals(3, r.lineNumber());
        assertFalse(r.terminated(), "the last line has no newline");
        assertNull(r.next());
        // a BOM is only dropped at the very start
        assertEquals(List.of("x", "\uFEFFy"), all(of("x\n\uFEFFy\n".getBytes(StandardCharsets.UTF_8))));
        assertEquals(List.of(), all(of(new byte[0])));
    }

    @Test
    void aMalformedLineNamesSourceLineAndByteAndReadingGoesOn() throws IOException {
        byte[] b = {'o', 'k', '\n', 'a', 'b', (byte) 0xC3, 'x', '\n', 'n', 'e', 'x', 't', '\n', (byte) 0xE2, (byte) 0x82};
        Utf8Lines r = of(b);
        assertEquals("ok", r.next());
        Utf8Lines.MalformedLineException e = assertThrows(Utf8Lines.MalformedLineException.class, r::next);
        assertEquals("t.jsonl:2: not valid UTF-8 (byte 0xC3 at byte 3 of the line)", e.getMessage());
        assertEquals(2, e.line());
        assertEquals("next", r.next());
        e = assertThrows(Utf8Lines.MalformedLineException.class, r::next);
        assertEquals("t.jsonl:4: not valid UTF-8 (byte 0xE2 at byte 1 of the line)", e.getMessage(), "a character cut at the end");
        assertNull(r.next());
    }

    /** Lines longer than the read chunk, and a stream that hands over a few bytes at a time, as a pipe does. */
    @Test
    void givesTheSameLinesAsStringSplitWhateverTheReadSizes() throws IOException {
        Random rnd = new Random(42);
        StringBuilder sb = new StringBuilder();
        String[] alphabet = {"a", "é", "中", "😀", " ", "\n", "\r\n", "{\"x\": 1}"};
        for (int i = 0; i < 60_000; i++) sb.append(alphabet[rnd.nextInt(alphabet.length)]);
        sb.append('x').append("y".repeat(200_000)).append('\n');
        String text = sb.toString();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        List<String> expected = new ArrayList<>();
        for (String l : text.split("\n", -1)) expected.add(l.endsWith("\r") ? l.substring(0, l.length() - 1) : l);
        expected.removeLast(); // the text ends with a newline
        InputStream trickle = new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1 + rnd.nextInt(7)));
            }
        };
        assertEquals(expected, all(new Utf8Lines(trickle, "pipe")));
        assertEquals(expected, all(of(bytes)));
    }

    @Test
    void aLogDropsOnlyABadLastLine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        java.nio.file.Path f = dir.resolve("log");
        Utf8Lines.LineParser<Integer> parser = Integer::parseInt;
        java.nio.file.Files.writeString(f, "1\n\n2\n");
        Utf8Lines.Log<Integer> ok = Utf8Lines.readLog(f, "a number", parser);
        assertEquals(List.of(1, 2), ok.values());
        assertFalse(ok.needsRewrite());
        java.nio.file.Files.writeString(f, "1\n2\n3x");
        Utf8Lines.Log<Integer> torn = Utf8Lines.readLog(f, "a number", parser);
        assertEquals(List.of("1", "2"), torn.lines());
        assertEquals(f + ":3: not a number: For input string: \"3x\"", torn.droppedTail());
        assertTrue(torn.needsRewrite());
        java.nio.file.Files.write(f, new byte[] {'1', '\n', '2', (byte) 0xC3});
        assertEquals(f + ":2: not a number: not valid UTF-8 (byte 0xC3 at byte 2 of the line)",
                Utf8Lines.readLog(f, "a number", parser).droppedTail());
        java.nio.file.Files.writeString(f, "1\nx\n3\n");
        IOException e = assertThrows(IOException.class, () -> Utf8Lines.readLog(f, "a number", parser));
        assertEquals(f + ":2: not a number: For input string: \"x\"", e.getMessage());
        java.nio.file.Files.writeString(f, "1\n2");
        assertTrue(Utf8Lines.readLog(f, "a number", parser).needsRewrite(), "no final newline");
    }
}
