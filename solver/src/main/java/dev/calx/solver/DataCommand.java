package dev.calx.solver;

import dev.calx.interpreter.InterpreterOptions;
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
    /** Creates the command; picocli fills in its options. */
    public DataCommand() { }

    @Override
    public Integer call() {
        new picocli.CommandLine(this).usage(System.out);
        return 0;
    }

    /** Where the programs run: GraalPy (sandboxed, the default) or an external CPython given with --python. */
    static final class Exec {
        @Option(names = "--python", description = "Run the programs with this CPython instead of the sandboxed GraalPy"
                + " interpreter (e.g. /usr/bin/python3; needs sympy for backward problems).") String python;
        @Option(names = "--workers", defaultValue = "2", description = "GraalPy worker JVMs running programs in parallel"
                + " (default: ${DEFAULT-VALUE}).") int workers;
        @Option(names = "--timeout", defaultValue = "10", description = "Seconds per program (default: ${DEFAULT-VALUE}).") int timeout;

        CodeRunner open(picocli.CommandLine cl) {
            if (timeout < 1) throw new picocli.CommandLine.ParameterException(cl, "--timeout must be 1 or more seconds, got " + timeout);
            if (workers < 1) throw new picocli.CommandLine.ParameterException(cl, "--workers must be 1 or more, got " + workers);
            if (python != null) return new ProcessCodeRunner(python, timeout);
            System.err.println("calx data: running programs in GraalPy (" + workers + " worker(s); starting them, with SymPy,"
                    + " takes ~20 s)...");
            // a batch job can wait: on a loaded 2-core machine a worker importing SymPy took over the
            // default 180 s start-up limit three times in a row and the whole run stopped
            return new GraalPyCodeRunner(InterpreterOptions.defaults().withWorkers(workers)
                    .withTimeout(java.time.Duration.ofSeconds(timeout)).withStartupTimeout(java.time.Duration.ofSeconds(900)));
        }

        /** The first dropped row of each reason, one indented line each, on stderr. */
        static void printExamples(java.util.Map<String, String> examples) {
            for (var e : examples.entrySet()) System.err.println("  first " + e.getKey() + ": " + e.getValue());
        }

        static void close(CodeRunner r) {
            if (r instanceof AutoCloseable c) {
                try { c.close(); } catch (Exception e) { System.err.println("calx data: closing the interpreter: " + e.getMessage()); }
            }
        }
    }

    @Command(name = "synth", mixinStandardHelpOptions = true,
            description = "Synthesize multi-step arithmetic word problems (forward and backward) with CoT and code-nested solutions.")
    static final class Synth implements Callable<Integer> {
        @Option(names = "--out", required = true, description = "Output directory.") Path out;
        @Option(names = "--n", defaultValue = "1000", description = "Problems for train/val/test (default: ${DEFAULT-VALUE}); n/20 more xlarge test problems.") int n;
        @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).") long seed;
        @Option(names = "--long-share", defaultValue = "0", description = "Fraction of the n problems drawn with 7-12 digit"
                + " numbers (tier 'long', split like the others, so it trains; the xlarge test problems stay unseen); 0 keeps"
                + " 7-12 digits test-only (default: ${DEFAULT-VALUE}).") double longShare;
        @picocli.CommandLine.Mixin Exec exec = new Exec();
        @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (!(longShare >= 0 && longShare < 1)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--long-share must be at least 0 and below 1, got " + longShare);
            }
            if (n < 1) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--n must be 1 or more, got " + n);
            var problems = Synthesizer.generate(n, seed, longShare);
            CodeRunner r = exec.open(spec.commandLine());
            Synthesizer.Report rep;
            try {
                rep = Synthesizer.write(problems, out, seed, r);
            } finally {
                Exec.close(r);
            }
            System.out.println("problems " + problems.size() + "; stage1 rows " + rep.cotRows() + "; stage2 rows " + rep.codeRows()
                    + "; stage2 dropped " + rep.dropped() + " " + rep.dropReasons() + "; executed " + rep.executed() + " -> " + out);
            Exec.printExamples(rep.dropExamples());
            for (String split : Synthesizer.SPLITS) {
                if (!rep.cotRows().containsKey(split)) {
                    System.err.println("calx data synth: no problem fell into the " + split + " split (it gets " + (split.equals("train") ? "90" : "5")
                            + "% of them by a hash of their numbers), so its files are empty: use a larger --n");
                }
            }
            return 0;
        }
    }

    @Command(name = "gsm8k", mixinStandardHelpOptions = true,
            description = "Convert GSM8K JSONL to CoT (annotations stripped) and code-nested (annotations run as Python) data.")
    static final class Gsm8kCmd implements Callable<Integer> {
        @Option(names = "--in", required = true, description = "GSM8K JSONL (question, answer).") Path in;
        @Option(names = "--out", required = true, description = "Output directory.") Path out;
        @picocli.CommandLine.Mixin Exec exec = new Exec();
        @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            // before the interpreter starts (GraalPy takes ~20 s): a wrong path fails at once
            if (!java.nio.file.Files.isRegularFile(in) || !java.nio.file.Files.isReadable(in)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--in " + in + ": " + (java.nio.file.Files.exists(in) ? "not a readable file" : "no such file"));
            }
            CodeRunner r = exec.open(spec.commandLine());
            Gsm8k.Report rep;
            try {
                rep = Gsm8k.convert(in, out, r);
            } finally {
                Exec.close(r);
            }
            System.out.println("rows " + rep.rows() + "; code rows " + rep.codeRows() + "; dropped " + rep.dropReasons()
                    + "; executed " + rep.executed() + " -> " + out);
            Exec.printExamples(rep.dropExamples());
            return 0;
        }
    }
}
