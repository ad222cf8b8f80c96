package dev.calx.tensor;

/** A requested backend cannot run here; the message names the missing piece and what to install. */
public final class BackendUnavailableException extends RuntimeException {
    public BackendUnavailableException(String message) {
        super(message);
    }
}
