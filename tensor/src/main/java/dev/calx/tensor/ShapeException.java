package dev.calx.tensor;

import java.util.Arrays;

/** Thrown when tensor shapes do not fit an operation; the message names the op and both shapes. */
public final class ShapeException extends IllegalArgumentException {
    public ShapeException(String message) {
        super(message);
    }

    public static ShapeException of(String op, String whatA, int[] a, String whatB, int[] b) {
        return new ShapeException(op + ": " + whatA + " has shape " + Arrays.toString(a)
                + " but " + whatB + " has shape " + Arrays.toString(b));
    }
}
