package dev.calx.decode.format;

import dev.calx.decode.exec.ExecutionResult;
import dev.calx.decode.exec.PythonExecutor;
import dev.calx.decode.generate.GenerationStats;
import dev.calx.decode.grade.AnswerExtractor;

import java.util.List;
import java.util.Set;

/**
 * The MAmmoTH (Alpaca) formats. {@code cot}: the question as the instruction, the response is
 * reasoning. {@code pot}: the question plus " Let's write a program.", the response is a program
 * whose printed output is the answer. {@code hybrid}: PoT, falling back to CoT when the program
 * fails or prints nothing. The response follows "### Response:" directly, as in MAmmoTH's training.
 */
public final class AlpacaFormat implements PromptFormat {
    /** Which MAmmoTH variant; the lower-case name is the format name. */
    public enum Mode {
        /** Chain of thought: the response is reasoning, no code runs. */
        COT,
        /** Program of thought: the response is a program, its last printed line is the answer. */
        POT,
        /** PoT first; CoT on a fresh session when the program fails or prints nothing. */
        HYBRID
    }

    static final String HEADER = "Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n### Instruction:\n";
    static final String RESPONSE = "\n\n### Response:";
    static final String POT_TRIGGER = " Let's write a program.";
    static final List<String> STOPS = List.of("</s>", "\n\n### Instruction:");

    private final Mode mode;

    /**
     * A format for one variant.
     *
     * @param mode the variant, which also gives the format its name
     */
    public AlpacaFormat(Mode mode) {
        this.mode = mode;
    }

    @Override
    public String name() {
        return mode.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public int defaultMaxToolCalls() {
        return mode == Mode.COT ? 0 : 1;
    }

    static String alpaca(String instruction) {
        return HEADER + instruction + RESPONSE;
    }

    static String withTrigger(String question) {
        return question.endsWith(POT_TRIGGER.strip()) ? question : question + POT_TRIGGER;
    }

    /** The inference prompt; hybrid starts with the PoT prompt. */
    @Override
    public String renderPrompt(String question) {
        return alpaca(mode == Mode.COT ? question : withTrigger(question));
    }

    /**
     * MathInstruct examples: the instruction as given (MathInstruct's PoT instructions already
     * ask for a program) for cot and hybrid; pot adds the trigger unless it is there. The
     * output is CODE for pot, TEXT otherwise.
     */
    @Override
    public List<Span> renderTraining(String question, String solution) {
        String prompt = mode == Mode.POT ? alpaca(withTrigger(question)) : alpaca(question);
        return List.of(new Span(SpanKind.PROMPT, prompt),
                new Span(mode == Mode.POT ? SpanKind.CODE : SpanKind.TEXT, solution),
                new Span(SpanKind.EOS, "</s>"));
    }

    @Override
    public Solution solve(SessionFactory model, PythonExecutor executor, String problemId, String question,
                          SolveOptions options, TranscriptSink sink) {
        GenerationStats stats = new GenerationStats();
        return switch (mode) {
            case COT -> cot(model, question, options, sink, stats, null);
            case POT -> pot(model, executor, problemId, question, options, sink, stats).solution;
            case HYBRID -> {
                PotAttempt pot = pot(model, executor, problemId, question, options, sink, stats);
                if (pot.usable) yield pot.solution;
                sink.accept(SpanKind.TEXT, FALLBACK);
                yield cot(model, question, options, sink, stats, pot.solution);
            }
        };
    }

    static final String FALLBACK = "\n[program failed or printed nothing: falling back to CoT]\n";

    private record PotAttempt(Solution solution, boolean usable) {}

    private Solution cot(SessionFactory model, String question, SolveOptions options, TranscriptSink sink,
                         GenerationStats stats, Solution before) {
        try (Run run = new Run(model, options, sink, stats)) {
            run.prompt(alpaca(question));
            run.generate(STOPS, Set.of(model.tokenizer().eosId()));
            String cotText = run.transcript.toString();
            if (before != null) {
                run.transcript.insert(0, before.transcript() + FALLBACK);
                run.toolCalls = before.toolCalls();
                run.toolErrors = before.toolErrors();
                run.toolTimeouts = before.toolTimeouts();
                run.executionNanos = before.executionNanos();
            }
            return run.finish(name(), false, AnswerExtractor.extract(cotText));
        }
    }

    private PotAttempt pot(SessionFactory model, PythonExecutor executor, String problemId, String question,
                           SolveOptions options, TranscriptSink sink, GenerationStats stats) {
        String sessionId = problemId + "/" + name();
        try (Run run = new Run(model, options, sink, stats)) {
            run.prompt(alpaca(withTrigger(question)));
            run.generate(STOPS, Set.of(model.tokenizer().eosId()));
            String program = program(run.transcript.toString());
            if (program.isBlank() || options.maxToolCalls() == 0) {
                return new PotAttempt(run.finish(name(), options.maxToolCalls() == 0, new AnswerExtractor.Extraction("", AnswerExtractor.Source.NONE)), false);
            }
            ExecutionResult r = run.execute(executor, sessionId, program);
            String shown = "\n```output\n" + r.display() + "\n```\n";
            run.transcript.append(shown);
            sink.accept(SpanKind.EXECUTION, shown);
            String answer = r.failed() ? "" : AnswerExtractor.printedAnswer(lastLine(r.output()));
            AnswerExtractor.Extraction e = answer.isEmpty()
                    ? new AnswerExtractor.Extraction("", AnswerExtractor.Source.NONE)
                    : new AnswerExtractor.Extraction(answer, AnswerExtractor.Source.OUTPUT_BLOCK);
            return new PotAttempt(run.finish(name(), false, e), !answer.isEmpty());
        } finally {
            executor.closeSession(sessionId);
        }
    }

    /** The program in a response: the body of a fenced block when there is one, else the whole text. */
    static String program(String response) {
        String code = ToraFormat.lastPythonBlock(response);
        if (code != null) return code;
        int fence = response.indexOf("```");
        if (fence >= 0) {
            int start = response.indexOf('\n', fence);
            int end = start < 0 ? -1 : response.indexOf("```", start + 1);
            if (end > 0) return response.substring(start + 1, end);
        }
        return response.strip();
    }

    /** The last non-empty line of printed output: the program's final print is its answer. */
    static String lastLine(String output) {
        String[] lines = output.strip().split("\n");
        for (int i = lines.length - 1; i >= 0; i--) if (!lines[i].isBlank()) return lines[i].strip();
        return "";
    }
}
