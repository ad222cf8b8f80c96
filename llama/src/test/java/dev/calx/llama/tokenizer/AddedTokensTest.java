package dev.calx.llama.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AddedTokensTest {
    static SentencePieceTokenizer mathCoder() throws IOException {
        return SentencePieceModel.load(TestData.llama2Model()).withAddedTokens(Tokenizers.MATHCODER_SPECIAL_TOKENS);
    }

    @Test
    void addedTokensGetIdsAfterTheVocabularyAndMatchAtomically() throws IOException {
        SentencePieceTokenizer t = mathCoder();
        assertEquals(32008, t.vocabSize());
        assertEquals(32000, t.idOf("<|text|>"));
        assertEquals(32007, t.idOf("<|system|>"));
        int[] ids = t.encode("<|code|>print(1)<|endofblock|>", false);
        // SentencePiece keeps the dummy-prefix "▁" (29871) as its own piece before a user-defined one.
        assertEquals(29871, ids[0]);
        assertEquals(32001, ids[1]);
        assertEquals(32003, ids[ids.length - 1]);
        assertEquals("<|code|>print(1)<|endofblock|>", t.decode(ids));
        assertEquals("<|execution|>", t.decode(new int[] {32002}));
        assertTrue(t.withAddedTokens(List.of("<|code|>")) == t, "adding an existing token changes nothing");
    }

    @Test
    void longestAddedTokenWins() throws IOException {
        SentencePieceTokenizer t = SentencePieceModel.load(TestData.llama2Model()).withAddedTokens(List.of("<|a", "<|a|>"));
        int[] ids = t.encode("<|a|><|a", false);
        assertArrayEquals(new int[] {29871, 32001, 32000}, ids);
    }

    @Test
    void addedTokensSurviveSavingAsModelAndMatchTheLibraryAfterReload(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("tokenizer.model");
        Tokenizers.save(mathCoder(), file);
        SentencePieceTokenizer back = Tokenizers.load(file);
        assertEquals(32008, back.vocabSize());
        assertEquals(PieceType.USER_DEFINED, back.vocabulary().type(32004));
        assertEquals("<|endofmessage|>", back.piece(32004));
        // The fixture's "added" cases came from the sentencepiece library on the same augmented model.
        for (Fixtures.Case c : Fixtures.cases()) {
            if (c.added() == null) continue;
            assertEquals(Tokenizers.MATHCODER_SPECIAL_TOKENS, c.added());
            if (c.decode() != null) assertEquals(c.text(), back.decode(c.decode()), c.describe());
            else assertArrayEquals(c.ids(), back.encode(c.text(), false), c.describe());
        }
    }

    @Test
    void directorySaveWritesModelAndJsonAndLoadPrefersTheModel(@TempDir Path dir) throws IOException {
        SentencePieceTokenizer t = mathCoder();
        Tokenizers.save(t, dir);
        assertTrue(Files.exists(dir.resolve("tokenizer.model")) && Files.exists(dir.resolve("tokenizer.json")));
        SentencePieceTokenizer fromDir = Tokenizers.load(dir);
        assertEquals(t.vocabulary().score(1000), fromDir.vocabulary().score(1000), "real scores: the .model was read");
        SentencePieceTokenizer fromJson = Tokenizers.load(dir.resolve("tokenizer.json"));
        String text = "<|user|>What is 2+3?<|endofmessage|><|assistant|><|code|>print(2+3)<|endofblock|>";
        assertArrayEquals(t.encode(text, true), fromDir.encode(text, true));
        assertArrayEquals(t.encode(text, true), fromJson.encode(text, true));
    }

    @Test
    void formatIsDetectedFromTheBytesWhenTheNameSaysNothing(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("a");
        Files.copy(TestData.llama2Model(), model);
        Path bin = dir.resolve("b");
        Files.copy(TestData.llama2Bin(), bin);
        Path json = dir.resolve("c");
        HfTokenizerJson.write(SentencePieceModel.load(TestData.llama2Model()), json);
        assertEquals(Tokenizers.Format.MODEL, Tokenizers.format(model));
        assertEquals(Tokenizers.Format.LLAMA2C, Tokenizers.format(bin));
        assertEquals(Tokenizers.Format.JSON, Tokenizers.format(json));
        int[] expected = {306, 4658, 278, 6593, 310, 2834, 338};
        for (Path p : List.of(model, bin, json)) {
            assertArrayEquals(expected, Tokenizers.load(p).encode("I believe the meaning of life is", false), p.toString());
        }
        IOException e = assertThrows(IOException.class, () -> Tokenizers.load(dir.resolve("missing")));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
        Path empty = Files.createDirectory(dir.resolve("empty"));
        IOException e2 = assertThrows(IOException.class, () -> Tokenizers.load(empty));
        assertTrue(e2.getMessage().contains("tokenizer.model"), e2.getMessage());
    }

    @Test
    void llama2cBinRefusesTokensItCannotMarkAsUserDefined(@TempDir Path dir) throws IOException {
        IOException e = assertThrows(IOException.class, () -> Tokenizers.save(mathCoder(), dir.resolve("tokenizer.bin")));
        assertTrue(e.getMessage().contains("32000") && e.getMessage().contains("USER_DEFINED"), e.getMessage());
        assertTrue(Arrays.stream(dir.toFile().list()).noneMatch(n -> n.startsWith("tokenizer.bin")), "no partial file");
    }
}
