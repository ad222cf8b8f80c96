package dev.calx.solver;

import dev.calx.decode.exec.ExecutionResult;
import dev.calx.decode.exec.InterpreterExecutor;
import dev.calx.decode.exec.PythonExecutor;
import dev.calx.decode.format.Formats;
import dev.calx.decode.format.LlamaSessionFactory;
import dev.calx.decode.format.PromptFormat;
import dev.calx.decode.format.SessionFactory;
import dev.calx.decode.format.Solution;
import dev.calx.decode.format.SolveOptions;
import dev.calx.decode.format.SpanKind;
import dev.calx.decode.format.TranscriptSink;
import dev.calx.decode.generate.StopReason;
import dev.calx.decode.grade.AnswerExtractor;
import dev.calx.decode.sample.SamplerConfig;
import dev.calx.interpreter.InterpreterOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code calx solve}: answers one question with a model, streaming the transcript (code in its
 * fences, execution output highlighted on a terminal) and ending with "Answer: ...".
 */
@Command(name = "solve", mixinStandardHelpOptions = true,
        description = "Solve one math question with a model that writes and runs Python.")
public final class SolveCommand implements Callable<Integer> {
    /** Creates the command; picocli fills in its options. */
    public SolveCommand() { }


    /** Model, format and decoding options shared by solve and eval. */
    static final class Decoding {
        /** The command this mixin is part of (solve or eval), for its usage in errors. */
        @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
        CommandLine.Model.CommandSpec command;

        @Option(names = "--model", paramLabel = "PATH",
                description = "Checkpoint: Hugging Face directory, .gguf, or llama2.c .bin (default: the small model embedded in"
                        + " this build, trained by Calx on synthetic word problems; use --format tora with it).")
        Path model;

        @Option(names = "--tokenizer", paramLabel = "PATH",
                description = "tokenizer.model or llama2.c tokenizer.bin (default: the one beside the model).")
        Path tokenizer;

        @Option(names = "--format", defaultValue = "tora", description = "tora, mathcoder, pot, cot or hybrid (default: ${DEFAULT-VALUE}).")
        String format;

        @Option(names = "--max-tool-calls", paramLabel = "N",
                description = "Most code executions (tora: 4) or blocks (mathcoder: 16); default: the format's.")
        Integer maxToolCalls;

        @Option(names = "--temperature", defaultValue = "0", description = "0 is greedy (default: ${DEFAULT-VALUE}).")
        float temperature;

        @Option(names = "--top-k", defaultValue = "0", description = "0 disables (default: ${DEFAULT-VALUE}).")
        int topK;

        @Option(names = "--top-p", defaultValue = "1", description = "1 disables (default: ${DEFAULT-VALUE}).")
        float topP;

        @Option(names = "--seed", defaultValue = "0", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--max-new-tokens", defaultValue = "1024", description = "Per generated segment (default: ${DEFAULT-VALUE}).")
        int maxNewTokens;

        @Option(names = "--max-total-tokens", defaultValue = "2048", description = "Generated per problem (default: ${DEFAULT-VALUE}).")
        int maxTotalTokens;

        @Option(names = "--max-length", defaultValue = "0", description = "Context limit; 0: the model's (default: ${DEFAULT-VALUE}).")
        int maxLength;

        @Option(names = "--python-timeout", defaultValue = "10", description = "Seconds per code cell (default: ${DEFAULT-VALUE}).")
        int pythonTimeout;

        PromptFormat promptFormat() {
            return Formats.get(format);
        }

        /** Ranges of the numeric options, named as the user typed them (before anything loads). */
        void check() {
            requireAtLeast("--max-new-tokens", maxNewTokens, 1, "");
            requireAtLeast("--max-total-tokens", maxTotalTokens, 1, "");
            requireAtLeast("--max-length", maxLength, 0, " (the model's)");
            requireAtLeast("--top-k", topK, 0, " (off)");
            requireAtLeast("--python-timeout", pythonTimeout, 1, " (seconds)");
            if (maxToolCalls != null) requireAtLeast("--max-tool-calls", maxToolCalls, 0, "");
        }

        private void requireAtLeast(String option, long v, long min, String note) {
            if (v < min) {
                throw new CommandLine.ParameterException(command.commandLine(), option + " must be " + min + note + " or more, got " + v);
            }
        }

        SolveOptions solveOptions(PromptFormat f) {
            check();
            int calls = maxToolCalls != null ? maxToolCalls : f.defaultMaxToolCalls();
            return new SolveOptions(calls, maxNewTokens, maxTotalTokens, new SamplerConfig(temperature, topK, topP, seed));
        }

        LlamaSessionFactory openModel() throws IOException {
            Path m = model;
            if (m == null) {
                if (!DefaultModel.present()) {
                    throw new CommandLine.ParameterException(command.commandLine(),
                            "no default model is embedded in this build: pass --model PATH (a Hugging Face directory, .gguf or llama2.c .bin)");
                }
                m = DefaultModel.directory();
                System.err.println("calx: using the embedded default model (" + m + "), a small model trained by Calx on"
                        + " synthetic word problems; --model PATH runs another checkpoint");
            }
            return LlamaSessionFactory.open(m, tokenizer, maxLength);
        }

        /**
         * One question (solve) starts one worker with no spare and no SymPy pre-import: on 2 cores
         * a spare and a pre-import compete with the first cell (a cell that imports SymPy pays it
         * then). Evaluation keeps the warm pool with SymPy pre-imported.
         */
        PythonExecutor openExecutor(int workers, boolean oneQuestion) {
            InterpreterOptions o = InterpreterOptions.defaults().withTimeout(Duration.ofSeconds(pythonTimeout))
                    .withWorkers(Math.max(1, workers));
            if (oneQuestion) o = o.withSpareWorkers(0).withPreimportSympy(false);
            return new InterpreterExecutor(o);
        }
    }

    @Mixin
    Decoding decoding;

    @Parameters(paramLabel = "QUESTION", description = "The question (quote it).")
    String question;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (question.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "QUESTION is empty: pass the question as one quoted argument");
        }
        PromptFormat format = decoding.promptFormat();
        SolveOptions options = decoding.solveOptions(format);
        try (LlamaSessionFactory model = decoding.openModel()) {
            // A prompt that cannot fit would end the solve at once with an empty answer; say so
            // before starting Python. (The evaluation harness records such problems instead.)
            int promptTokens = model.tokenizer().encode(format.renderPrompt(question), true).length;
            if (promptTokens >= model.maxLength()) {
                throw new IllegalArgumentException("the question does not fit the model's context: its " + format.name()
                        + " prompt is " + promptTokens + " tokens and the context is " + model.maxLength()
                        + " (--max-length, at most the model's max_position_embeddings), leaving no room for an answer");
            }
            try (PythonExecutor executor = decoding.openExecutor(1, true)) {
                StartTimed timed = new StartTimed(executor);
                Solution s = solve(format, model, timed, question, options, System.out, System.console() != null);
                if (s.lastStop() == StopReason.CONTEXT_FULL) {
                    System.err.println("calx: the model's context (" + model.maxLength() + " tokens) filled up before the"
                            + " solution ended" + (s.answerSource() != AnswerExtractor.Source.NONE ? "; the answer is from what fit" : ""));
                }
                System.err.printf("[%d tool call%s, %s, python %.1f s%s]%n", s.toolCalls(), s.toolCalls() == 1 ? "" : "s", s.stats(),
                        s.executionNanos() / 1e9,
                        timed.startupNanos > 0 ? String.format(" (start-up %.1f s)", timed.startupNanos / 1e9) : "");
                return 0;
            }
        }
    }

    /**
     * Times the executor's start-up apart (the tool loop calls {@link #start} before each cell and
     * leaves it out of the Solution's Python time; GraalPy's start-up is most of a one-question
     * solve's Python time).
     */
    static final class StartTimed implements PythonExecutor {
        private final PythonExecutor inner;
        long startupNanos;
        private boolean started;

        StartTimed(PythonExecutor inner) {
            this.inner = inner;
        }

        @Override
        public void start() {
            if (started) return;
            long t0 = System.nanoTime();
            inner.start();
            startupNanos = System.nanoTime() - t0;
            started = true;
        }

        @Override
        public ExecutionResult execute(String sessionId, String code) {
            return inner.execute(sessionId, code);
        }

        @Override
        public void closeSession(String sessionId) {
            inner.closeSession(sessionId);
        }
    }

    /** Solves and streams; separated from model loading so it can be tested with any SessionFactory. */
    static Solution solve(PromptFormat format, SessionFactory model, PythonExecutor executor, String question,
                          SolveOptions options, PrintStream out, boolean color) {
        TranscriptSink sink = (kind, text) -> {
            if (kind == SpanKind.EXECUTION && color) out.print("\u001b[36m" + text + "\u001b[0m");
            else out.print(text);
            out.flush();
        };
        Solution s = format.solve(model, executor, "solve", question, options, sink);
        out.println();
        out.println("Answer: " + answerLine(s));
        return s;
    }

    /** The answer, or why there is none (an empty "Answer: " line says nothing). */
    static String answerLine(Solution s) {
        if (s.answerSource() != AnswerExtractor.Source.NONE) return s.answer();
        String last = AnswerExtractor.lastOutputBlock(s.transcript());
        if (last != null && AnswerExtractor.isErrorOutput(last)) return "(none: the last program failed: " + last.strip().lines().reduce((a, b) -> b).orElse("") + ")";
        if (s.lastStop() == StopReason.CONTEXT_FULL) return "(none: the context filled up first)";
        return "(none found)";
    }
}
