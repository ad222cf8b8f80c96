package dev.calx.tensor;

import java.util.Arrays;

/** Thrown when tensor shapes do not fit an operation; the message names the op and both shapes. */
public final class ShapeException extends IllegalArgumentException {
    /**
     * Creates the exception.
     *
     * @param message the op and the shapes involved
     */
    public ShapeException(String message) {
        super(message);
    }

    /**
     * The usual message for two shapes that do not fit: "op: whatA has shape [..] but whatB has shape [..]".
     *
     * @param op    the operation
     * @param whatA what the first shape belongs to
     * @param a     the first shape
     * @param whatB what the second shape belongs to
     * @param b     the second shape
     * @return the exception, for the caller to throw
     */
    public static ShapeException of(String op, String whatA, int[] a, String whatB, int[] b) {
        return new ShapeException(op + ": " + whatA + " has shape " + Arrays.toString(a)
                + " but " + whatB + " has shape " + Arrays.toString(b));
    }
}
