package dev.calx.decode.format;

import dev.calx.decode.exec.ExecutionResult;
import dev.calx.decode.exec.PythonExecutor;
import dev.calx.decode.generate.Decoder;
import dev.calx.decode.generate.GenerateOptions;
import dev.calx.decode.generate.GenerationStats;
import dev.calx.decode.generate.Segment;
import dev.calx.decode.generate.StopReason;
import dev.calx.decode.grade.AnswerExtractor;
import dev.calx.decode.sample.Sampler;
import dev.calx.llama.InferenceSession;

import java.util.List;
import java.util.Set;

/** One attempt at a problem: a session, its decoder, the transcript so far and the counters. */
final class Run implements AutoCloseable {
    final InferenceSession session;
    final Decoder decoder;
    final GenerationStats stats;
    final StringBuilder transcript = new StringBuilder();
    final SolveOptions options;
    final TranscriptSink sink;
    int toolCalls, toolErrors, toolTimeouts, generatedTokens;
    long executionNanos;
    StopReason lastStop;

    Run(SessionFactory model, SolveOptions options, TranscriptSink sink, GenerationStats stats) {
        this.session = model.newSession();
        this.stats = stats;
        this.decoder = new Decoder(session, model.tokenizer(), new Sampler(options.sampler()), stats);
        this.options = options;
        this.sink = sink;
    }

    void prompt(String text) {
        decoder.prefill(decoder.tokenizer().encode(text, true));
    }

    /** Whether any token is left in the total budget ({@code maxNewTokensTotal}), so that another segment can be asked for. */
    boolean budgetLeft() {
        return generatedTokens < options.maxNewTokensTotal();
    }

    Segment generate(List<String> stopStrings, Set<Integer> stopTokens) {
        int max = Math.min(options.maxNewTokensPerSegment(), options.maxNewTokensTotal() - generatedTokens);
        Segment s = decoder.generate(new GenerateOptions(Math.max(1, max), stopStrings, stopTokens),
                t -> sink.accept(SpanKind.TEXT, t));
        generatedTokens += s.tokens();
        transcript.append(s.text());
        lastStop = s.reason();
        return s;
    }

    /** Runs a cell; the executor's start-up (the first cell's wait for Python) is not counted in executionNanos. */
    ExecutionResult execute(PythonExecutor executor, String sessionId, String code) {
        executor.start();
        long t0 = System.nanoTime();
        ExecutionResult r = executor.execute(sessionId, code);
        executionNanos += System.nanoTime() - t0;
        toolCalls++;
        if (r.timedOut()) toolTimeouts++;
        else if (r.error() != null) toolErrors++;
        return r;
    }

    /** Text the loop adds (tool output and its markers): into the transcript and the cache. */
    void feed(String text) {
        transcript.append(text);
        sink.accept(SpanKind.EXECUTION, text);
        decoder.prefillText(text);
    }

    /** Text that ends the transcript (nothing is generated after it, so it skips the cache). */
    void note(String text) {
        transcript.append(text);
        sink.accept(SpanKind.TEXT, text);
    }

    Solution finish(String format, boolean hitToolLimit) {
        return finish(format, hitToolLimit, AnswerExtractor.extract(transcript.toString()));
    }

    Solution finish(String format, boolean hitToolLimit, AnswerExtractor.Extraction answer) {
        return new Solution(format, transcript.toString(), answer.answer(), answer.source(), toolCalls, toolErrors,
                toolTimeouts, hitToolLimit, lastStop, stats, executionNanos);
    }

    @Override
    public void close() {
        session.close();
    }
}
