package dev.calx.decode.exec;

/**
 * What running one code cell produced: printed output (plus, for notebook-style executors, the
 * value of a trailing expression), the error text (null when none), and whether the time limit
 * cut it off or the output was truncated to the output limit.
 *
 * @param output    what the cell printed; never null (null is stored as the empty string)
 * @param error     the error text (a traceback or its last line, or a timeout message), or null
 *                  when the cell ran to the end
 * @param timedOut  the cell was stopped at the executor's time limit
 * @param truncated the output was cut to the executor's output limit
 */
public record ExecutionResult(String output, String error, boolean timedOut, boolean truncated) {
    /** The error text of {@link #timeout}, and what {@link #display()} shows for a timeout without error text. */
    private static final String TIMEOUT_ERROR = "Timeout Error";

    /**
     * Creates a result; a null {@code output} becomes the empty string.
     *
     * @param output    printed output; null is read as empty
     * @param error     the error text, or null
     * @param timedOut  whether the time limit stopped the cell
     * @param truncated whether the output was cut
     */
    public ExecutionResult {
        if (output == null) output = "";
    }

    /**
     * A cell that ran to the end.
     *
     * @param output what the cell printed
     * @return a successful result: no error, no timeout, not truncated
     */
    public static ExecutionResult ok(String output) {
        return new ExecutionResult(output, null, false, false);
    }

    /**
     * A cell that raised an error.
     *
     * @param output what the cell printed before it failed
     * @param error  the error text (traceback or its last line); should not be null
     * @return a failed result that did not time out
     */
    public static ExecutionResult error(String output, String error) {
        return new ExecutionResult(output, error, false, false);
    }

    /**
     * A cell stopped at the time limit.
     *
     * @param output what the cell printed before it was stopped
     * @return a timed-out result with the error text {@code "Timeout Error"}, as ToRA shows it
     */
    public static ExecutionResult timeout(String output) {
        return new ExecutionResult(output, TIMEOUT_ERROR, true, false);
    }

    /**
     * Nothing printed and nothing failed.
     *
     * @return true when the output is blank (whitespace only counts as nothing) and the cell
     *         neither raised an error nor timed out
     */
    public boolean empty() {
        return output.isBlank() && !failed();
    }

    /** {@return whether the cell raised an error or timed out} */
    public boolean failed() {
        return error != null || timedOut;
    }

    /**
     * The text shown to the model, as ToRA does it: the output when the cell ran, else the last
     * line of the error (e.g. "NameError: name 'x' is not defined"); trailing newlines dropped.
     * Output printed before an error is not shown. A timeout without error text shows
     * {@code "Timeout Error"}, as {@link #timeout} does.
     *
     * @return the text the tool loop feeds back to the model
     */
    public String display() {
        if (!failed()) return output.stripTrailing();
        if (error == null) return TIMEOUT_ERROR; // timedOut, built without error text
        String e = error.stripTrailing();
        int nl = e.lastIndexOf('\n');
        return nl >= 0 ? e.substring(nl + 1) : e;
    }
}
