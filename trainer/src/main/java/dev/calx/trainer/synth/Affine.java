package dev.calx.trainer.synth;

/**
 * A value {@code a*x + b} with exact coefficients: forward problems have {@code a = 0}
 * everywhere; a backward (FOBAR) problem replaces one given number by the unknown x and the
 * same solution steps then produce affine expressions in x, which the solution solves.
 */
record Affine(Rational a, Rational b) {
    static Affine constant(Rational v) { return new Affine(Rational.ZERO, v); }
    static final Affine X = new Affine(Rational.ONE, Rational.ZERO);

    boolean isConstant() { return a.isZero(); }

    /** The result of op, or null when it is not affine in x (product of two x terms, x in a divisor, remainder of x). */
    Affine apply(Op op, Affine o) {
        return switch (op) {
            case ADD -> new Affine(a.add(o.a), b.add(o.b));
            case SUB -> new Affine(a.sub(o.a), b.sub(o.b));
            case MUL -> {
                if (!isConstant() && !o.isConstant()) yield null;
                yield isConstant() ? new Affine(o.a.mul(b), o.b.mul(b)) : new Affine(a.mul(o.b), b.mul(o.b));
            }
            case DIV -> o.isConstant() && !o.b.isZero() ? new Affine(a.div(o.b), b.div(o.b)) : null;
            case MOD -> isConstant() && o.isConstant() && !o.b.isZero() ? constant(b.mod(o.b)) : null;
            case FLOORDIV -> isConstant() && o.isConstant() && !o.b.isZero() ? constant(b.floorDiv(o.b)) : null;
        };
    }

    /** "3x + 20", "-x", "(3/4)x - 5", "12". */
    String render() {
        if (isConstant()) return b.toString();
        String coef = a.equals(Rational.ONE) ? "" : a.equals(Rational.ONE.negate()) ? "-"
                : a.isInteger() ? a.toString() : "(" + a + ")";
        String xs = coef + "x";
        if (b.isZero()) return xs;
        return xs + (b.signum() < 0 ? " - " + b.negate() : " + " + b);
    }
}
