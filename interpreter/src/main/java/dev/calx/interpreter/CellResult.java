package dev.calx.interpreter;

/**
 * What one cell produced.
 *
 * @param output    stdout and stderr interleaved in write order, plus the repr of a trailing
 *                  expression that is not None; when longer than the limit, its head and tail
 *                  around a note {@code [... N characters cut ...]}
 * @param error     the last line of the traceback ({@code "ZeroDivisionError: division by zero"}),
 *                  {@code "TimeoutError: ..."} on a timeout, or null when the cell succeeded
 * @param traceback the full traceback text, or null when there is none
 * @param timedOut  the cell hit the wall-clock limit
 * @param truncated the output was cut to the limit
 * @param millis    wall-clock time of the cell as seen by the caller
 * @param stateLost the worker holding this session was restarted (after a hard timeout or a
 *                  crash) since the session's previous cell, so earlier definitions are gone and
 *                  this cell ran in a fresh namespace
 */
public record CellResult(String output, String error, String traceback, boolean timedOut,
                         boolean truncated, long millis, boolean stateLost) {
    /**
     * Creates a result; a null {@code output} becomes the empty string, so {@link #output()} is
     * never null.
     *
     * @param output    stdout and stderr of the cell, possibly cut; null is read as empty
     * @param error     the last traceback line, or null on success
     * @param traceback the full traceback, or null
     * @param timedOut  whether the cell hit the wall-clock limit
     * @param truncated whether the output was cut to the limit
     * @param millis    wall-clock time of the cell in milliseconds
     * @param stateLost whether the session's worker was restarted since its previous cell
     */
    public CellResult {
        output = output == null ? "" : output;
    }

    /**
     * No output and no error: each prompt format renders this its own way.
     *
     * @return true when the output is the empty string and {@link #error()} is null
     */
    public boolean empty() {
        return output.isEmpty() && error == null;
    }

    /**
     * The cell ran to the end without an exception.
     *
     * @return true when {@link #error()} is null (a timeout or a dead worker also sets an error)
     */
    public boolean ok() {
        return error == null;
    }
}
