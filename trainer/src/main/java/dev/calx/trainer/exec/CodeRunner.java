package dev.calx.trainer.exec;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a Python program and returns what it printed. The trainer uses it to produce the output
 * blocks of code-nested training data from real executions (never from what the code "should"
 * print). The lead wires the GraalPy interpreter module to it; {@link ProcessCodeRunner} runs an
 * external CPython for machines that have one.
 */
public interface CodeRunner {
    /**
     * The outcome of one program: its stdout, and an error message (null when it ran to completion).
     *
     * @param stdout what the program printed, up to where it stopped
     * @param error  why it did not complete (a Python exception as {@code Type: message}, a
     *               timeout, a cut output), or null
     */
    record Result(String stdout, String error) {
        /**
         * Whether the program ran to completion.
         *
         * @return true when there is no error
         */
        public boolean ok() { return error == null; }
    }

    /**
     * Runs one program in a fresh namespace. Failures of the program come back in
     * {@link Result#error()}; only a failure of the runner itself is thrown.
     *
     * @param code the Python source
     * @return its output and error
     */
    Result run(String code);

    /**
     * Runs independent programs (each in a fresh namespace); implementations may batch them.
     *
     * @param programs the Python sources
     * @return one result per program, in the same order
     */
    default List<Result> runAll(List<String> programs) {
        List<Result> out = new ArrayList<>(programs.size());
        for (String p : programs) out.add(run(p));
        return out;
    }

    /**
     * A short description for logs and data manifests (e.g. "cpython /usr/bin/python3").
     *
     * @return the description
     */
    String describe();
}
