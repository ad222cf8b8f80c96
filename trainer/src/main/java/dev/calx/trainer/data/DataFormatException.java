package dev.calx.trainer.data;

/** Malformed training data: names the file and the 1-based line, and what was wrong. */
public final class DataFormatException extends RuntimeException {
    public DataFormatException(String file, long line, String message) {
        super(file + ":" + line + ": " + message);
    }
}
