package dev.calx.tensor.cuda;

/** A CUDA runtime or cuBLAS call returned an error; the message names the call and the code. */
public final class CudaCallException extends RuntimeException {
    /**
     * Creates the exception.
     *
     * @param message the failed call and its error code or name
     */
    public CudaCallException(String message) {
        super(message);
    }
}
