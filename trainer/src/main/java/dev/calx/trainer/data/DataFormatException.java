package dev.calx.trainer.data;

/** Malformed training data: names the file and the 1-based line, and what was wrong. */
public final class DataFormatException extends RuntimeException {
    /**
     * Creates the exception; its message is {@code file:line: message}.
     *
     * @param file    the data file, as given
     * @param line    the 1-based line number
     * @param message what was wrong
     */
    public DataFormatException(String file, long line, String message) {
        super(file + ":" + line + ": " + message);
    }
}
