package dev.calx.decode.exec;

/**
 * What running one code cell produced: printed output (plus, for notebook-style executors, the
 * value of a trailing expression), the error text (null when none), and whether the time limit
 * cut it off or the output was truncated to the output limit.
 */
public record ExecutionResult(String output, String error, boolean timedOut, boolean truncated) {
    public ExecutionResult {
        if (output == null) output = "";
    }

    public static ExecutionResult ok(String output) {
        return new ExecutionResult(output, null, false, false);
    }

    public static ExecutionResult error(String output, String error) {
        return new ExecutionResult(output, error, false, false);
    }

    public static ExecutionResult timeout(String output) {
        return new ExecutionResult(output, "Timeout Error", true, false);
    }

    /** Nothing printed and no error. */
    public boolean empty() {
        return output.isBlank() && error == null;
    }

    public boolean failed() {
        return error != null || timedOut;
    }

    /**
     * The text shown to the model, as ToRA does it: the output when the cell ran, else the last
     * line of the error (e.g. "NameError: name 'x' is not defined"); trailing newlines dropped.
     */
    public String display() {
        if (!failed()) return output.stripTrailing();
        String e = error.stripTrailing();
        int nl = e.lastIndexOf('\n');
        return nl >= 0 ? e.substring(nl + 1) : e;
    }
}
