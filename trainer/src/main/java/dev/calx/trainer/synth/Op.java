package dev.calx.trainer.synth;

/** The arithmetic of one solution step, with its text symbol and its Python operator. */
public enum Op {
    /** Addition: {@code +} in text and in Python. */
    ADD("+", "+"),
    /** Subtraction: {@code -} in text and in Python. */
    SUB("-", "-"),
    /** Multiplication: {@code ×} in text, {@code *} in Python. */
    MUL("×", "*"),
    /**
     * Division: {@code ÷} in text; in Python {@code //} between known numbers (the sampler makes
     * those divisions exact) and {@code /} when an operand involves the unknown x.
     */
    DIV("÷", "/"),
    /** Remainder of integers: written as a quotient and remainder in text, {@code %} in Python. */
    MOD("mod", "%"),
    /** Integer quotient: written as a quotient and remainder in text, {@code //} in Python. */
    FLOORDIV("div", "//");

    final String text;
    final String python;

    Op(String text, String python) {
        this.text = text;
        this.python = python;
    }
}
