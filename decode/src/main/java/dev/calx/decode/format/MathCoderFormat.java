package dev.calx.decode.format;

import dev.calx.decode.exec.ExecutionResult;
import dev.calx.decode.exec.PythonExecutor;
import dev.calx.decode.generate.GenerationStats;
import dev.calx.decode.generate.Segment;
import dev.calx.decode.generate.StopReason;
import dev.calx.llama.tokenizer.Tokenizer;
import dev.calx.llama.tokenizer.Tokenizers;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The MathCoder format: special-token messages and blocks. Each call generates one block,
 * stopping at {@code <|endofblock|>} or {@code <|endofmessage|>} (as tokens when the vocabulary
 * has them, and as strings otherwise); a {@code <|code|>} block runs in the problem's session and
 * {@code <|execution|>{out}<|endofblock|>} is appended ({@code <empty_execution>} when nothing was
 * shown); at most N generated blocks (16 in the paper).
 */
public final class MathCoderFormat implements PromptFormat {
    /** The registry name of this format. */
    public static final String NAME = "mathcoder";
    /**
     * MathCoder's special tokens: the block kinds, the two delimiters and the role markers, in
     * the order the trainer appends them to a vocabulary that lacks them (which fixes their ids).
     * The same list as {@link Tokenizers#MATHCODER_SPECIAL_TOKENS}, the one source of truth.
     */
    public static final List<String> SPECIAL_TOKENS = Tokenizers.MATHCODER_SPECIAL_TOKENS;
    static final String END_BLOCK = "<|endofblock|>", END_MESSAGE = "<|endofmessage|>";
    static final String TEXT = "<|text|>", CODE = "<|code|>", EXECUTION = "<|execution|>";
    static final String EMPTY = "<empty_execution>";

    private final String system;

    /**
     * A format with a given system message.
     *
     * @param system the system message; MathCoder's evaluation uses an empty one
     */
    public MathCoderFormat(String system) {
        this.system = system;
    }

    /** The format as MathCoder evaluates it: an empty system message. */
    public MathCoderFormat() {
        this("");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int defaultMaxToolCalls() {
        return 16;
    }

    @Override
    public String renderPrompt(String question) {
        return "<|system|>" + TEXT + system + END_BLOCK + END_MESSAGE
                + "<|user|>" + TEXT + question + END_BLOCK + END_MESSAGE + "<|assistant|>";
    }

    /**
     * A block of a MathCoder solution ({@code debug_result} entries): role text, code or execution.
     *
     * @param role    {@code "text"}, {@code "code"} or {@code "execution"}
     * @param content the block's text without markers; for execution, empty means no output
     */
    public record Block(String role, String content) {}

    /**
     * Spans from a block list: text blocks TEXT, code blocks CODE, execution blocks EXECUTION.
     * Each span includes its block's markers; the closing {@code <|endofmessage|>} is TEXT.
     *
     * @param question the problem statement
     * @param blocks   the solution's blocks, in order
     * @return PROMPT, one span per block, the end-of-message TEXT and EOS
     * @throws IllegalArgumentException when a block's role is none of text, code, execution
     */
    public List<Span> renderBlocks(String question, List<Block> blocks) {
        List<Span> out = new ArrayList<>();
        out.add(new Span(SpanKind.PROMPT, renderPrompt(question)));
        for (Block b : blocks) {
            switch (b.role()) {
                case "text" -> out.add(new Span(SpanKind.TEXT, TEXT + b.content() + END_BLOCK));
                case "code" -> out.add(new Span(SpanKind.CODE, CODE + b.content() + END_BLOCK));
                case "execution" -> out.add(new Span(SpanKind.EXECUTION, executionBlock(b.content())));
                default -> throw new IllegalArgumentException("unknown MathCoder block role '" + b.role() + "' (text, code or execution)");
            }
        }
        out.add(new Span(SpanKind.TEXT, END_MESSAGE));
        out.add(new Span(SpanKind.EOS, "</s>"));
        return out;
    }

    /** Spans from a solution already in the special-token form (blocks, then optional {@code <|endofmessage|>}). */
    @Override
    public List<Span> renderTraining(String question, String solution) {
        return renderBlocks(question, parseBlocks(solution));
    }

    static String executionBlock(String output) {
        return EXECUTION + (output.isEmpty() ? EMPTY : output) + END_BLOCK;
    }

    /**
     * Splits {@code "<|text|>a<|endofblock|><|code|>b<|endofblock|>..."} into blocks; the trailing end-of-message is implied.
     *
     * @param solution a solution in the special-token form, optionally ending with
     *                 {@code <|endofmessage|>}
     * @return its blocks, markers removed ({@code <empty_execution>} becomes empty content)
     * @throws IllegalArgumentException when a block lacks {@code <|endofblock|>} or starts with
     *         no block marker
     */
    public static List<Block> parseBlocks(String solution) {
        List<Block> blocks = new ArrayList<>();
        String s = solution.endsWith(END_MESSAGE) ? solution.substring(0, solution.length() - END_MESSAGE.length()) : solution;
        int i = 0;
        while (i < s.length()) {
            int end = s.indexOf(END_BLOCK, i);
            if (end < 0) throw new IllegalArgumentException("MathCoder solution: block at offset " + i + " has no " + END_BLOCK);
            String block = s.substring(i, end);
            if (block.startsWith(TEXT)) blocks.add(new Block("text", block.substring(TEXT.length())));
            else if (block.startsWith(CODE)) blocks.add(new Block("code", block.substring(CODE.length())));
            else if (block.startsWith(EXECUTION)) {
                String out = block.substring(EXECUTION.length());
                blocks.add(new Block("execution", out.equals(EMPTY) ? "" : out));
            } else throw new IllegalArgumentException("MathCoder solution: block at offset " + i + " starts with neither "
                    + TEXT + ", " + CODE + " nor " + EXECUTION);
            i = end + END_BLOCK.length();
        }
        return blocks;
    }

    @Override
    public Solution solve(SessionFactory model, PythonExecutor executor, String problemId, String question,
                          SolveOptions options, TranscriptSink sink) {
        GenerationStats stats = new GenerationStats();
        String sessionId = problemId + "/" + NAME;
        Tokenizer tok = model.tokenizer();
        int endBlock = singleToken(tok, END_BLOCK), endMessage = singleToken(tok, END_MESSAGE);
        Set<Integer> stopTokens = new HashSet<>(Set.of(tok.eosId()));
        if (endBlock >= 0) stopTokens.add(endBlock);
        if (endMessage >= 0) stopTokens.add(endMessage);
        try (Run run = new Run(model, options, sink, stats)) {
            run.prompt(renderPrompt(question));
            int blocks = 0;
            boolean hitLimit = false;
            while (run.budgetLeft()) {
                if (blocks >= options.maxToolCalls()) {
                    hitLimit = true;
                    break;
                }
                int before = run.transcript.length();
                Segment seg = run.generate(List.of(END_BLOCK, END_MESSAGE), stopTokens);
                blocks++;
                String block = run.transcript.substring(before);
                String delimiter = delimiter(seg, endBlock, endMessage);
                if (delimiter == null) break; // EOS, token budget or full context: the turn is over
                run.transcript.append(delimiter);
                sink.accept(SpanKind.TEXT, delimiter);
                if (seg.reason() == StopReason.STOP_STRING) run.decoder.queueText(delimiter);
                if (delimiter.equals(END_MESSAGE)) break;
                if (block.startsWith(CODE)) {
                    ExecutionResult r = run.execute(executor, sessionId, block.substring(CODE.length()));
                    run.feed(executionBlock(r.display()));
                }
            }
            return run.finish(NAME, hitLimit);
        } finally {
            executor.closeSession(sessionId);
        }
    }

    /** Which delimiter ended the block (and so belongs in the transcript), or null for anything else. */
    private static String delimiter(Segment seg, int endBlock, int endMessage) {
        if (seg.reason() == StopReason.STOP_STRING) return seg.stop();
        if (seg.reason() != StopReason.STOP_TOKEN) return null;
        if (seg.stopToken() == endBlock) return END_BLOCK;
        if (seg.stopToken() == endMessage) return END_MESSAGE;
        return null;
    }

    /** The id of text when it is one token of the vocabulary (an added special token), else -1. */
    static int singleToken(Tokenizer tok, String text) {
        int[] ids = tok.encode(text, false);
        if (ids.length == 1) return ids[0];
        if (ids.length == 2 && tok.decode(new int[] {ids[0]}).isBlank()) return ids[1]; // SentencePiece dummy prefix
        return -1;
    }
}
