package dev.calx.decode.generate;

import dev.calx.decode.sample.Sampler;
import dev.calx.decode.sample.SamplerConfig;
import dev.calx.decode.testing.ScriptedSession;
import dev.calx.decode.testing.TestTokenizer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DecoderTest {
    // Multi-character pieces make a stop string straddle tokens: "x = ``" + "`out" + "put\nmore".
    private final TestTokenizer tok = new TestTokenizer(List.of(), List.of("x = ``", "`out", "put\nmore", "hello", " world"));

    private Decoder decoder(ScriptedSession s) {
        return new Decoder(s, tok, new Sampler(SamplerConfig.greedy()), new GenerationStats());
    }

    private ScriptedSession script(String... turns) {
        return new ScriptedSession(java.util.Arrays.stream(turns).map(t -> tok.encode(t, false)).toList(), tok.vocabSize(), TestTokenizer.EOS, 10_000);
    }

    private static GenerateOptions until(String... stops) {
        return new GenerateOptions(1000, List.of(stops), Set.of(TestTokenizer.EOS));
    }

    @Test
    void stopStringSplitAcrossTokensStopsAndTheTextBeforeItIsExact() {
        ScriptedSession s = script("x = ```output\nmore text");
        assertEquals(List.of("x = ``", "`out", "put\nmore"), List.of(tok.piece(tok.encode("x = ```output\nmore", false)[0]),
                tok.piece(tok.encode("x = ```output\nmore", false)[1]), tok.piece(tok.encode("x = ```output\nmore", false)[2])));
        Decoder d = decoder(s);
        d.prefill(tok.encode("Q:", true));
        StringBuilder streamed = new StringBuilder();
        Segment seg = d.generate(until("```output"), streamed::append);
        assertEquals("x = ", seg.text());
        assertEquals(StopReason.STOP_STRING, seg.reason());
        assertEquals("```output", seg.stop());
        assertEquals("x = ", streamed.toString(), "the stream must never show part of a stop string");
    }

    @Test
    void afterAStopTheCacheHoldsExactlyTheTranscriptAndTheOwedTextGoesFirst() {
        ScriptedSession s = script("x = ```output\nmore", "2\nThe end");
        Decoder d = decoder(s);
        int[] prompt = tok.encode("Q:", true);
        d.prefill(prompt);
        Segment seg = d.generate(until("```output"), null);
        d.prefillText("```output\n42\n```\n");
        Segment next = d.generate(until("```output"), null);
        assertEquals("2\nThe end", next.text());
        assertEquals(StopReason.STOP_TOKEN, next.reason());
        String cached = tok.decode(d.cachedTokens());
        assertEquals("Q:" + seg.text() + "```output\n42\n```\n" + next.text(), cached);
        assertEquals(tok.decode(s.history()), cached);
        // The prompt went in once, at the start; everything after it was appended, never re-encoded.
        assertEquals(prompt.length, s.appends().getFirst().length);
    }

    @Test
    void stopTokenEndsTheSegmentWithoutEnteringTheText() {
        Decoder d = decoder(script("hello world"));
        d.prefill(tok.encode("Q", true));
        Segment seg = d.generate(until("zzz"), null);
        assertEquals("hello world", seg.text());
        assertEquals(StopReason.STOP_TOKEN, seg.reason());
        assertNull(seg.stop());
    }

    @Test
    void maxTokensStopsAndAccountingCountsPrefillAndDecode() {
        Decoder d = decoder(script("abcdefghij"));
        d.prefill(tok.encode("Qx", true));
        Segment seg = d.generate(new GenerateOptions(4, List.of(), Set.of()), null);
        assertEquals("abcd", seg.text());
        assertEquals(StopReason.MAX_TOKENS, seg.reason());
        assertEquals(3, d.stats().prefillTokens());
        assertEquals(4, d.stats().decodeTokens());
        assertTrue(d.stats().decodeTokensPerSecond() > 0);
    }

    @Test
    void contextFullStopsCleanly() {
        ScriptedSession s = new ScriptedSession(List.of(tok.encode("abcdefghij", false)), tok.vocabSize(), TestTokenizer.EOS, 6);
        Decoder d = decoder(s);
        d.prefill(tok.encode("Q", true));
        Segment seg = d.generate(until(), null);
        assertEquals(StopReason.CONTEXT_FULL, seg.reason());
        assertEquals("abcd", seg.text());
    }

    @Test
    void aPromptLongerThanTheContextEndsTheSegmentInsteadOfThrowing() {
        ScriptedSession s = new ScriptedSession(List.of(tok.encode("abc", false)), tok.vocabSize(), TestTokenizer.EOS, 4);
        Decoder d = decoder(s);
        d.prefill(tok.encode("a long question", true));
        assertTrue(d.contextFull());
        Segment seg = d.generate(until(), null);
        assertEquals(StopReason.CONTEXT_FULL, seg.reason());
        assertEquals("", seg.text());
        assertEquals(0, s.history().length, "nothing of the overflowing prompt entered the cache");
    }

    @Test
    void toolOutputThatOverflowsEndsTheNextSegment() {
        ScriptedSession s = new ScriptedSession(List.of(tok.encode("ab", false), tok.encode("cd", false)), tok.vocabSize(), TestTokenizer.EOS, 8);
        Decoder d = decoder(s);
        d.prefill(tok.encode("Q", true));
        Segment first = d.generate(until(), null);
        assertEquals("ab", first.text());
        d.prefillText("a tool output far longer than what is left of the context");
        Segment next = d.generate(until(), null);
        assertEquals(StopReason.CONTEXT_FULL, next.reason());
    }

    @Test
    void streamedPiecesConcatenateToTheSegmentText() {
        Decoder d = decoder(script("hello world, a long line\nand more"));
        d.prefill(tok.encode("Q", true));
        StringBuilder sb = new StringBuilder();
        int[] calls = {0};
        Segment seg = d.generate(until("\n\n"), t -> {
            sb.append(t);
            calls[0]++;
        });
        assertEquals(seg.text(), sb.toString());
        assertTrue(calls[0] > 5, "streamed in pieces, got " + calls[0]);
    }

    @Test
    void stopStringAtTheVeryStartRollsBackToThePromptAndCanContinue() {
        ScriptedSession s = script("```output", "ok");
        Decoder d = decoder(s);
        d.prefill(tok.encode("Q", true));
        Segment seg = d.generate(until("```output"), null);
        assertEquals("", seg.text());
        assertEquals("Q", tok.decode(d.cachedTokens()));
        d.prefillText("!");
        assertEquals("ok", d.generate(until(), null).text());
    }

    @Test
    void embeddingPaddingBeyondTheTokenizerIsNeverSampled() {
        // The model has 5 extra rows and the script prefers an id the tokenizer does not have.
        int pad = tok.vocabSize() + 2;
        ScriptedSession s = new ScriptedSession(List.of(new int[] {pad}), tok.vocabSize() + 5, TestTokenizer.EOS, 100);
        Decoder d = decoder(s);
        d.prefill(tok.encode("Q", true));
        Segment seg = d.generate(new GenerateOptions(3, List.of(), Set.of()), null);
        for (int t : d.cachedTokens()) assertTrue(t < tok.vocabSize(), "sampled padding id " + t);
        assertEquals(3, seg.tokens());
    }

    @Test
    void heldBackCoversPrefixesOfStopStringsAndBrokenCharacters() {
        assertEquals(3, Decoder.heldBack("abc```", List.of("```output")));
        assertEquals(0, Decoder.heldBack("abc", List.of("```output")));
        assertEquals(1, Decoder.heldBack("ab\uFFFD", List.of()));
    }
}
