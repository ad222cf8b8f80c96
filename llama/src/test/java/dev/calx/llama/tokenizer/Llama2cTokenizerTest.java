package dev.calx.llama.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Llama2cTokenizerTest {
    static final List<String> SAMPLES = List.of(
            "Once upon a time, there was a little girl named Lily.",
            "Lily's mom said, \"Lily, let's go to the park.\"",
            "I believe the meaning of life is", "Hello world  \t\n x", " leading", "trailing  ",
            "$\\frac{1}{2}$", "😀 日本語 é é", "", " ", "\n\n", "a\u200Ab", "<0x0A> <s> </s> <unk>");

    @Test
    void llama2BinEncodesAsTheSentencepieceLibrary() throws IOException {
        SentencePieceTokenizer t = Llama2cTokenizer.load(TestData.llama2Bin(), 32000);
        // Expected ids printed by python3-sentencepiece 0.1.97 on tokenizer.model.
        assertArrayEquals(new int[] {1, 306, 4658, 278, 6593, 310, 2834, 338},
                t.encode("I believe the meaning of life is", true));
        assertArrayEquals(new int[] {15043, 3186, 259, 12, 13, 921}, t.encode("Hello world  \t\n x", false));
        assertArrayEquals(new int[] {26259, 423, 5239, 9335, 567, 304, 29871, 29946, 29947, 310, 902, 7875,
                297, 3786, 29892, 322, 769, 1183, 5239, 4203, 408, 1784, 9335, 567, 297, 2610, 29889},
                t.encode("Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May.", false));
        assertArrayEquals(new int[] {29871, 243, 162, 155, 131, 29871, 30325, 30346, 30968, 904, 904},
                t.encode("😀 日本語 é é", false));
        assertArrayEquals(new int[] {29871, 8236}, t.encode(" leading", false));
        assertArrayEquals(new int[] {25053, 259}, t.encode("trailing  ", false));
        assertArrayEquals(new int[] {779, 1154, 29912, 29896, 1157, 29906, 1042}, t.encode("$\\frac{1}{2}$", false));
        assertArrayEquals(new int[] {}, t.encode("", false));
        assertArrayEquals(new int[] {1}, t.encode("", true));
    }

    @Test
    void llama2BinHasLlamaSpecialIdsAndByteFallback() throws IOException {
        SentencePieceTokenizer t = Llama2cTokenizer.load(TestData.llama2Bin());
        assertEquals(32000, t.vocabSize());
        assertEquals(1, t.bosId());
        assertEquals(2, t.eosId());
        assertEquals("<0x0A>", t.piece(13));
        assertEquals("▁t", t.piece(260));
        assertTrue(t.vocabulary().byteFallback());
        assertEquals(PieceType.BYTE, t.vocabulary().type(3 + 255));
    }

    /**
     * tools/tokenizer_fixtures.py builds a tokenizer.model from tok512.bin's pieces and scores and
     * lets the sentencepiece library encode: a second vocabulary checked against the library.
     */
    @Test
    void tok512EncodesAsTheSentencepieceLibraryOnTheSameVocabulary() throws IOException {
        SentencePieceTokenizer t = Llama2cTokenizer.load(TestData.tok512(), 512);
        int n = 0;
        for (com.fasterxml.jackson.databind.JsonNode c : Fixtures.gzJsonLines("tok512_cases.jsonl.gz")) {
            String text = c.get("text").asText();
            assertArrayEquals(Fixtures.ints(c.get("ids")), t.encode(text, false), "tok512: " + text);
            assertArrayEquals(t.encodeNaive(text, false), t.encode(text, false), "naive, tok512: " + text);
            n++;
        }
        assertTrue(n > 150, "only " + n + " cases");
    }

    @Test
    void tok512DecodesWhatItEncodes() throws IOException {
        SentencePieceTokenizer t = Llama2cTokenizer.load(TestData.tok512(), 512);
        assertEquals(512, t.vocabSize());
        for (String s : SAMPLES) {
            int[] ids = t.encode(s, true);
            assertEquals(1, ids[0]);
            assertEquals(s, t.decode(ids), "round trip of " + s);
        }
    }

    @Test
    void fastEncoderMatchesTheObviousLoopOnBothVocabularies() throws IOException {
        for (Path p : List.of(TestData.tok512(), TestData.llama2Bin())) {
            SentencePieceTokenizer t = Llama2cTokenizer.load(p);
            for (String s : SAMPLES) {
                assertArrayEquals(t.encodeNaive(s, false), t.encode(s, false), p + ": " + s);
            }
        }
    }

    @Test
    void decodeDropsTheDummySpaceAfterBosAndReassemblesBytes() throws IOException {
        SentencePieceTokenizer t = Llama2cTokenizer.load(TestData.llama2Bin());
        assertEquals("Hello", t.decode(new int[] {1, 15043}));
        assertEquals("  Hello", t.decode(new int[] {29871, 29871, 15043}));
        assertEquals("\uFFFD Hello", t.decode(new int[] {3 + 0xE2, 15043}));
        assertEquals("😀", t.decode(new int[] {243, 162, 155, 131}));
        StreamingDecoder d = t.streamingDecoder();
        assertEquals("", d.next(243));
        assertEquals("", d.next(162));
        assertEquals("", d.next(155));
        assertEquals("😀", d.next(131));
        assertEquals("", d.finish());
    }

    @Test
    void writeReproducesTheFileByteForByte(@TempDir Path dir) throws IOException {
        for (Path p : List.of(TestData.tok512(), TestData.llama2Bin())) {
            Path out = dir.resolve("copy.bin");
            Llama2cTokenizer.write(Llama2cTokenizer.read(p, -1), out);
            assertArrayEquals(Files.readAllBytes(p), Files.readAllBytes(out), p.toString());
        }
    }

    @Test
    void truncatedFileIsAnErrorNamingTheToken(@TempDir Path dir) throws IOException {
        byte[] all = Files.readAllBytes(TestData.tok512());
        Path cut = dir.resolve("cut.bin");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length - 3));
        IOException e = assertThrows(IOException.class, () -> Llama2cTokenizer.load(cut));
        assertTrue(e.getMessage().contains("token 511"), e.getMessage());
        IOException e2 = assertThrows(IOException.class, () -> Llama2cTokenizer.load(TestData.tok512(), 600));
        assertTrue(e2.getMessage().contains("600 tokens"), e2.getMessage());
    }

    /** A vocabulary with neither {@code <unk>} nor all 256 byte pieces cannot spell every text: say so, never emit id -1. */
    @Test
    void aCharacterWithNoIdIsAnErrorNamingItAndTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("nounk.bin");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4096).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(8);
        for (String p : List.of("x", "\n<s>\n", "\n</s>\n", "a", "b", " ", " a", " b")) {
            byte[] u = p.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            b.putFloat(0f).putInt(u.length).put(u);
        }
        out.write(b.array(), 0, b.position());
        Files.write(file, out.toByteArray());
        SentencePieceTokenizer t = Llama2cTokenizer.load(file);
        assertEquals(-1, t.vocabulary().unkId());
        assertTrue(t.encode("a b", false).length > 0);
        for (var encode : List.<java.util.function.Function<String, int[]>>of(s -> t.encode(s, false), s -> t.encodeNaive(s, false))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> encode.apply("a é"));
            assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("U+00E9")
                    && e.getMessage().contains("no <unk>"), e.getMessage());
        }
    }

    @Test
    void aPieceSpelledTwiceIsACorruptFileNamingBothIds(@TempDir Path dir) throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(256).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(8);
        for (String p : List.of("<unk>", "\n<s>\n", "\n</s>\n", "ab", "c", "ab")) {
            byte[] u = p.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            b.putFloat(0f).putInt(u.length).put(u);
        }
        Path file = dir.resolve("dup.bin");
        Files.write(file, java.util.Arrays.copyOf(b.array(), b.position()));
        IOException e = assertThrows(IOException.class, () -> Llama2cTokenizer.load(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("'ab' (id 5) is already defined as id 3"),
                e.getMessage());
    }
}
