package dev.calx.solver;

import dev.calx.trainer.exec.CodeRunner;
import dev.calx.trainer.exec.GraalPyCodeRunner;
import dev.calx.trainer.exec.ProcessCodeRunner;
import dev.calx.trainer.synth.Gsm8k;
import dev.calx.trainer.synth.Synthesizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code calx data}: synthesized word problems and GSM8K, as stage-1 (CoT) and stage-2 (code-nested) data. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Make training data: synthesized word problems (synth) or GSM8K conversion (gsm8k).",
        subcommands = {DataCommand.Synth.class, DataCommand.Gsm8kCmd.class})
public final class DataCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        new picocli.CommandLine(this).usage(System.out);
        return 0;
    }

    /** graalpy (default), none, or the path of a CPython executable. */
    static CodeRunner runner(String spec) {
        return switch (spec) {
            case "none" -> null;
            case "graalpy" -> new GraalPyCodeRunner();
            default -> new ProcessCodeRunner(spec, 10);
        };
    }

    static void warnUnexecuted(CodeRunner r) {
        if (r == null) {
            System.err.println("calx data: --runner none: stage-2 programs were NOT executed; they are written"
                    + " without output blocks to *_UNEXECUTED* files and are not training data yet.");
        }
    }

    static void close(CodeRunner r) {
        if (r instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // shutting down workers; nothing to report
            }
        }
    }

    @Command(name = "synth", mixinStandardHelpOptions = true,
            description = "Synthesize multi-step arithmetic word problems (forward and backward) with CoT and code-nested solutions.")
    static final class Synth implements Callable<Integer> {
        @Option(names = "--out", required = true, description = "Output directory.") Path out;
        @Option(names = "--n", defaultValue = "1000", description = "Problems for train/val/test (default: ${DEFAULT-VALUE}); n/20 more xlarge test problems.") int n;
        @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).") long seed;
        @Option(names = "--runner", defaultValue = "graalpy", description = "Where the stage-2 programs run: graalpy, none (no output blocks; *_UNEXECUTED* files), or a CPython path such as /usr/bin/python3 with sympy (default: ${DEFAULT-VALUE}).") String runnerSpec;

        @Override
        public Integer call() throws Exception {
            CodeRunner r = runner(runnerSpec);
            warnUnexecuted(r);
            var problems = Synthesizer.generate(n, seed);
            Synthesizer.Report rep;
            try {
                rep = Synthesizer.write(problems, out, seed, r);
            } finally {
                close(r);
            }
            System.out.println("problems " + problems.size() + "; stage1 rows " + rep.cotRows() + "; stage2 rows " + rep.codeRows()
                    + "; stage2 dropped " + rep.dropped() + " " + rep.dropReasons() + "; executed " + rep.executed() + " -> " + out);
            return 0;
        }
    }

    @Command(name = "gsm8k", mixinStandardHelpOptions = true,
            description = "Convert GSM8K JSONL to CoT (annotations stripped) and code-nested (annotations run as Python) data.")
    static final class Gsm8kCmd implements Callable<Integer> {
        @Option(names = "--in", required = true, description = "GSM8K JSONL (question, answer).") Path in;
        @Option(names = "--out", required = true, description = "Output directory.") Path out;
        @Option(names = "--runner", defaultValue = "graalpy", description = "Where the annotation programs run: graalpy, none, or a CPython path (default: ${DEFAULT-VALUE}).") String runnerSpec;

        @Override
        public Integer call() throws Exception {
            CodeRunner r = runner(runnerSpec);
            warnUnexecuted(r);
            Gsm8k.Report rep;
            try {
                rep = Gsm8k.convert(in, out, r);
            } finally {
                close(r);
            }
            System.out.println("rows " + rep.rows() + "; code rows " + rep.codeRows() + "; dropped " + rep.dropReasons()
                    + "; executed " + rep.executed() + " -> " + out);
            return 0;
        }
    }
}
