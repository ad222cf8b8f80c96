package dev.calx.trainer.synth;

/** The arithmetic of one solution step, with its text symbol and its Python operator. */
public enum Op {
    ADD("+", "+"), SUB("-", "-"), MUL("×", "*"), DIV("÷", "/"), MOD("mod", "%"), FLOORDIV("div", "//");

    final String text;
    final String python;

    Op(String text, String python) {
        this.text = text;
        this.python = python;
    }
}
