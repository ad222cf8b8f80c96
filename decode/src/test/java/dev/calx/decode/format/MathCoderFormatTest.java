package dev.calx.decode.format;

import dev.calx.decode.exec.ExecutionResult;
import dev.calx.decode.testing.RecordingExecutor;
import dev.calx.decode.testing.ScriptedModel;
import dev.calx.decode.testing.TestTokenizer;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MathCoderFormatTest {
    private final TestTokenizer special = new TestTokenizer(MathCoderFormat.SPECIAL_TOKENS, List.of("print"));
    private final MathCoderFormat mc = new MathCoderFormat();
    private static final String Q = "What is 1+1?";
    private static final String TURN1 = "<|text|>We add.<|endofblock|><|code|>x = 1 + 1\nprint(x)<|endofblock|>";
    private static final String TURN2 = "<|text|>So $\\boxed{2}$.<|endofblock|><|endofmessage|>";

    @Test
    void oneBlockPerCallCodeRunsAndExecutionBlocksGoIntoTheSameCache() {
        ScriptedModel model = ScriptedModel.of(special, TURN1, TURN2);
        RecordingExecutor exec = new RecordingExecutor((code, n) -> ExecutionResult.ok("2\n"));
        Solution s = mc.solve(model, exec, "m1", Q, SolveOptions.greedy(16), TranscriptSink.NONE);
        String expected = TURN1 + "<|execution|>2<|endofblock|>" + TURN2;
        assertEquals(expected, s.transcript());
        assertEquals("2", s.answer());
        assertEquals(List.of(new RecordingExecutor.Call("m1/mathcoder", "x = 1 + 1\nprint(x)")), exec.calls);
        // The cache holds prompt + transcript; the final <|endofmessage|> is owed but never needed.
        String cached = special.decode(model.sessions.getFirst().history());
        assertEquals(mc.renderPrompt(Q) + expected, cached + "<|endofmessage|>");
        assertEquals(1, model.sessions.size());
    }

    @Test
    void specialTokensStopAsTokensAndPlainTokenizersStopOnTheStrings() {
        // Without special tokens each delimiter is text the loop re-feeds, so the script has one turn per block.
        ScriptedModel plainModel = ScriptedModel.of(TestTokenizer.plain(), "<|text|>We add.<|endofblock|>",
                "<|code|>x = 1 + 1\nprint(x)<|endofblock|>", "<|text|>So $\\boxed{2}$.<|endofblock|>", "<|endofmessage|>");
        Solution s = mc.solve(plainModel, new RecordingExecutor((c, n) -> ExecutionResult.ok("2")), "m2", Q,
                SolveOptions.greedy(16), TranscriptSink.NONE);
        assertEquals(TURN1 + "<|execution|>2<|endofblock|>" + TURN2, s.transcript());
        String cached = TestTokenizer.plain().decode(plainModel.sessions.getFirst().history());
        assertEquals(mc.renderPrompt(Q) + s.transcript(), cached + "<|endofmessage|>");
    }

    @Test
    void emptyOutputIsShownAsEmptyExecutionAndStateIsKeptAcrossBlocks() {
        String t1 = "<|code|>x = 5<|endofblock|>";
        String t2 = "<|code|>print(x)<|endofblock|>";
        String t3 = "<|text|>$\\boxed{5}$<|endofblock|><|endofmessage|>";
        ScriptedModel model = ScriptedModel.of(special, t1, t2, t3);
        RecordingExecutor exec = new RecordingExecutor((code, earlier) -> ExecutionResult.ok(earlier == 0 ? "" : "5"));
        Solution s = mc.solve(model, exec, "m3", Q, SolveOptions.greedy(16), TranscriptSink.NONE);
        assertEquals(t1 + "<|execution|><empty_execution><|endofblock|>" + t2 + "<|execution|>5<|endofblock|>" + t3, s.transcript());
        assertEquals(2, exec.calls.size());
        assertEquals(exec.calls.get(0).sessionId(), exec.calls.get(1).sessionId());
        assertEquals(List.of("m3/mathcoder"), exec.closed);
    }

    @Test
    void atMostNBlocksAreGenerated() {
        String many = String.join("", Collections.nCopies(30, "<|text|>step<|endofblock|>"));
        ScriptedModel model = ScriptedModel.of(special, many);
        Solution s = mc.solve(model, new RecordingExecutor((c, n) -> ExecutionResult.ok("")), "m4", Q,
                SolveOptions.greedy(3), TranscriptSink.NONE);
        assertTrue(s.hitToolLimit());
        assertEquals(String.join("", Collections.nCopies(3, "<|text|>step<|endofblock|>")), s.transcript());
    }

    @Test
    void blockListsRenderToSpansWithExecutionMasked() {
        List<MathCoderFormat.Block> blocks = List.of(new MathCoderFormat.Block("text", "We add."),
                new MathCoderFormat.Block("code", "print(1+1)"), new MathCoderFormat.Block("execution", ""),
                new MathCoderFormat.Block("text", "$\\boxed{2}$"));
        List<Span> spans = mc.renderBlocks(Q, blocks);
        assertEquals(List.of(SpanKind.PROMPT, SpanKind.TEXT, SpanKind.CODE, SpanKind.EXECUTION, SpanKind.TEXT, SpanKind.TEXT, SpanKind.EOS),
                spans.stream().map(Span::kind).toList());
        assertEquals("<|execution|><empty_execution><|endofblock|>", spans.get(3).text());
        String text = spans.subList(1, spans.size() - 1).stream().map(Span::text).collect(Collectors.joining());
        assertEquals(blocks, MathCoderFormat.parseBlocks(text), "rendering then parsing gives the blocks back");
        var e = assertThrows(IllegalArgumentException.class, () -> mc.renderBlocks(Q, List.of(new MathCoderFormat.Block("image", "x"))));
        assertTrue(e.getMessage().contains("image"));
    }

    @Test
    void specialTokensAreTheLlamaTokenizersListInItsOrder() {
        // one source of truth: the trainer appends these in this order, so it fixes their ids
        assertEquals(dev.calx.llama.tokenizer.Tokenizers.MATHCODER_SPECIAL_TOKENS, MathCoderFormat.SPECIAL_TOKENS);
        assertEquals(List.of("<|text|>", "<|code|>", "<|execution|>", "<|endofblock|>", "<|endofmessage|>",
                "<|user|>", "<|assistant|>", "<|system|>"), MathCoderFormat.SPECIAL_TOKENS);
    }

    @Test
    void promptIsThePapersSpecialTokenLayout() {
        assertEquals("<|system|><|text|><|endofblock|><|endofmessage|><|user|><|text|>" + Q
                + "<|endofblock|><|endofmessage|><|assistant|>", mc.renderPrompt(Q));
    }
}
