package dev.calx.llama.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SentencePieceModelTest {
    @Test
    void readsLlama2ModelSpecs() throws IOException {
        SentencePieceTokenizer t = SentencePieceModel.load(TestData.llama2Model());
        Vocabulary v = t.vocabulary();
        assertEquals(32000, v.size());
        assertEquals(0, v.unkId());
        assertEquals(1, v.bosId());
        assertEquals(2, v.eosId());
        assertEquals(-1, v.padId());
        assertTrue(v.byteFallback());
        assertEquals(Normalization.LLAMA, v.normalization());
        assertEquals(PieceType.UNKNOWN, v.type(0));
        assertEquals(PieceType.CONTROL, v.type(1));
        assertEquals(PieceType.BYTE, v.type(13));
        assertEquals("<0x0A>", v.piece(13));
        assertEquals(-1e9f, v.score(29871));
    }

    @Test
    void encodesAsTheSentencepieceLibrary() throws IOException {
        SentencePieceTokenizer t = SentencePieceModel.load(TestData.llama2Model());
        // Expected ids printed by python3-sentencepiece 0.1.97 on the same file.
        assertArrayEquals(new int[] {1, 306, 4658, 278, 6593, 310, 2834, 338},
                t.encode("I believe the meaning of life is", true));
        assertArrayEquals(new int[] {15043, 3186, 259, 12, 13, 921}, t.encode("Hello world  \t\n x", false));
        assertArrayEquals(new int[] {263, 26308, 26308, 26308, 29890},
                t.encodeUtf8(new byte[] {'a', (byte) 0xED, (byte) 0xA0, (byte) 0x80, (byte) 0xED, (byte) 0xA0, (byte) 0x80, 'b'}, false));
        assertArrayEquals(new int[] {29871, 26308}, t.encodeUtf8(new byte[] {(byte) 0xE2, (byte) 0x82}, false));
        assertArrayEquals(new int[] {263, 30140, 29890}, t.encodeUtf8(new byte[] {'a', (byte) 0xFF, 'b'}, false));
    }

    @Test
    void modelAndLlama2cBinHoldTheSameVocabulary() throws IOException {
        Vocabulary m = SentencePieceModel.load(TestData.llama2Model()).vocabulary();
        Vocabulary b = Llama2cTokenizer.read(TestData.llama2Bin(), 32000);
        for (int id = 0; id < m.size(); id++) {
            assertEquals(m.piece(id), b.piece(id), "piece " + id);
            assertEquals(m.type(id), b.type(id), "type " + id);
            assertEquals(Float.floatToRawIntBits(m.score(id)), Float.floatToRawIntBits(b.score(id)), "score " + id);
        }
    }

    @Test
    void writeReproducesTheFileByteForByte(@TempDir Path dir) throws IOException {
        SentencePieceTokenizer t = SentencePieceModel.load(TestData.llama2Model());
        Path out = dir.resolve("tokenizer.model");
        SentencePieceModel.write(t, out);
        assertArrayEquals(Files.readAllBytes(TestData.llama2Model()), Files.readAllBytes(out));
    }

    @Test
    void truncatedModelIsAnErrorNamingTheOffset(@TempDir Path dir) throws IOException {
        byte[] all = Files.readAllBytes(TestData.llama2Model());
        Path cut = dir.resolve("cut.model");
        Files.write(cut, Arrays.copyOf(all, all.length / 2));
        IOException e = assertThrows(IOException.class, () -> SentencePieceModel.load(cut));
        assertTrue(e.getMessage().contains("cut.model") && e.getMessage().contains("malformed protobuf at byte"),
                e.getMessage());
    }

    /** trainer_spec.vocab_size (field 4 of field 2) of a serialized ModelProto, or -1. */
    static long trainerVocabSize(byte[] model) throws IOException {
        Protobuf.Reader top = new Protobuf.Reader("model", model, 0, model.length);
        long size = -1;
        while (top.next()) {
            if (top.field != 2) {
                top.skip();
                continue;
            }
            Protobuf.Reader r = new Protobuf.Reader("trainer_spec", model, top.lenStart(), top.lenEnd);
            while (r.next()) {
                if (r.field == 4) size = r.varintField();
                else r.skip();
            }
        }
        return size;
    }

    @Test
    void writingAddedTokensUpdatesTheTrainerSpecVocabSize(@TempDir Path dir) throws IOException {
        assertEquals(32000, trainerVocabSize(Files.readAllBytes(TestData.llama2Model())));
        SentencePieceTokenizer t = SentencePieceModel.load(TestData.llama2Model()).withAddedTokens(java.util.List.of("<|a|>", "<|b|>"));
        Path out = dir.resolve("tokenizer.model");
        SentencePieceModel.write(t, out);
        byte[] written = Files.readAllBytes(out);
        assertEquals(32002, trainerVocabSize(written));
        SentencePieceTokenizer back = SentencePieceModel.load(out);
        assertEquals(32002, back.vocabSize());
        assertEquals(t.vocabulary().normalization(), back.vocabulary().normalization());
        assertEquals(t.vocabulary().byteFallback(), back.vocabulary().byteFallback());
        // written again unchanged, the file is kept byte for byte
        Path again = dir.resolve("again.model");
        SentencePieceModel.write(back, again);
        assertArrayEquals(written, Files.readAllBytes(again));
    }
}
