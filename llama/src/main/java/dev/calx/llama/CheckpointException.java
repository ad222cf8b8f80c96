package dev.calx.llama;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint file that cannot be read as what it claims to be: wrong magic, an impossible
 * header, a tensor with the wrong shape or dtype, a file shorter than its header says. The
 * message names the file, the tensor (when there is one), what was expected and what was found.
 */
public final class CheckpointException extends IOException {
    /**
     * A problem with the file as a whole (header, size, layout).
     *
     * @param file    the checkpoint file (or directory) being read; its path prefixes the message
     * @param message what was expected and what was found
     */
    public CheckpointException(Path file, String message) {
        super(file + ": " + message);
    }

    /**
     * A problem with one tensor of the file (missing, wrong shape or dtype, out of bounds).
     *
     * @param file    the checkpoint file being read; its path prefixes the message
     * @param tensor  the tensor's name as stored in the file (or its Hugging Face name)
     * @param message what was expected and what was found
     */
    public CheckpointException(Path file, String tensor, String message) {
        super(file + ": tensor " + tensor + ": " + message);
    }

    /**
     * A JSON part of a checkpoint (config.json, an index, a safetensors header) that does not
     * parse: "FILE: WHAT is not valid JSON (line L, column C): the parser's reason", without
     * the parser's source dump.
     *
     * @param file the file being read
     * @param what which JSON it is ("the model config", "the safetensors header")
     * @param e    the parser's exception
     * @return the exception to throw
     */
    public static CheckpointException badJson(Path file, String what, IOException e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
            var at = j.getLocation();
            String why = dev.calx.llama.format.StrictJson.reason(j);
            return new CheckpointException(file, what + " is not valid JSON" + (at == null ? ""
                    : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")") + ": " + why);
        }
        return new CheckpointException(file, what + " cannot be read: " + e.getMessage());
    }
}
