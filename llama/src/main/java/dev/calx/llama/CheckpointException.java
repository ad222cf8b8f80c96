package dev.calx.llama;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint file that cannot be read as what it claims to be: wrong magic, an impossible
 * header, a tensor with the wrong shape or dtype, a file shorter than its header says. The
 * message names the file, the tensor (when there is one), what was expected and what was found.
 */
public final class CheckpointException extends IOException {
    public CheckpointException(Path file, String message) {
        super(file + ": " + message);
    }

    public CheckpointException(Path file, String tensor, String message) {
        super(file + ": tensor " + tensor + ": " + message);
    }
}
