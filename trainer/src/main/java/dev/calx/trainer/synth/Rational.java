package dev.calx.trainer.synth;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * An exact rational number (BigInteger numerator and positive denominator, always reduced), so
 * that synthesized answers are computed without rounding at any magnitude.
 *
 * @param num the numerator, carrying the sign
 * @param den the denominator: positive, coprime with the numerator, 1 for zero
 */
public record Rational(BigInteger num, BigInteger den) implements Comparable<Rational> {
    /** Zero (0/1). */
    public static final Rational ZERO = of(0);
    /** One (1/1). */
    public static final Rational ONE = of(1);

    /**
     * Normalizes any numerator and denominator: the sign moves to the numerator and the
     * fraction is reduced, so that equal values are equal records.
     *
     * @throws ArithmeticException when {@code den} is zero
     */
    public Rational {
        if (den.signum() == 0) throw new ArithmeticException("division by zero");
        if (den.signum() < 0) {
            num = num.negate();
            den = den.negate();
        }
        BigInteger g = num.gcd(den);
        if (!g.equals(BigInteger.ONE) && g.signum() != 0) {
            num = num.divide(g);
            den = den.divide(g);
        }
        if (num.signum() == 0) den = BigInteger.ONE;
    }

    /**
     * An integer.
     *
     * @param v the value
     * @return {@code v/1}
     */
    public static Rational of(long v) {
        return new Rational(BigInteger.valueOf(v), BigInteger.ONE);
    }

    /**
     * A fraction, reduced.
     *
     * @param n the numerator
     * @param d the denominator, not zero
     * @return {@code n/d}
     * @throws ArithmeticException when {@code d} is zero
     */
    public static Rational of(long n, long d) {
        return new Rational(BigInteger.valueOf(n), BigInteger.valueOf(d));
    }

    /**
     * An integer of any size.
     *
     * @param v the value
     * @return {@code v/1}
     */
    public static Rational of(BigInteger v) {
        return new Rational(v, BigInteger.ONE);
    }

    /**
     * Parses "12", "-3", "2.5", "1,234", "3/4" or "\frac{3}{4}"; null when the text is not a number.
     * Commas and dollar signs are ignored; a decimal is taken exactly (2.5 is 5/2).
     *
     * @param s the text, surrounding whitespace allowed
     * @return the value, or null
     */
    public static Rational parse(String s) {
        String t = s.strip().replace(",", "").replace("$", "");
        try {
            if (t.startsWith("\\frac{") && t.endsWith("}")) {
                int mid = t.indexOf("}{");
                if (mid < 0) return null;
                return new Rational(new BigInteger(t.substring(6, mid)), new BigInteger(t.substring(mid + 2, t.length() - 1)));
            }
            int slash = t.indexOf('/');
            if (slash > 0) {
                return new Rational(new BigInteger(t.substring(0, slash).strip()), new BigInteger(t.substring(slash + 1).strip()));
            }
            BigDecimal d = new BigDecimal(t);
            if (d.scale() <= 0) return of(d.toBigIntegerExact());
            return new Rational(d.unscaledValue(), BigInteger.TEN.pow(d.scale()));
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    /**
     * Exact sum.
     *
     * @param o the other operand
     * @return {@code this + o}
     */
    public Rational add(Rational o) { return new Rational(num.multiply(o.den).add(o.num.multiply(den)), den.multiply(o.den)); }
    /**
     * Exact difference.
     *
     * @param o the other operand
     * @return {@code this - o}
     */
    public Rational sub(Rational o) { return new Rational(num.multiply(o.den).subtract(o.num.multiply(den)), den.multiply(o.den)); }
    /**
     * Exact product.
     *
     * @param o the other operand
     * @return {@code this * o}
     */
    public Rational mul(Rational o) { return new Rational(num.multiply(o.num), den.multiply(o.den)); }
    /**
     * Exact quotient.
     *
     * @param o the divisor
     * @return {@code this / o}
     * @throws ArithmeticException when {@code o} is zero
     */
    public Rational div(Rational o) { return new Rational(num.multiply(o.den), den.multiply(o.num)); }
    /**
     * The opposite value.
     *
     * @return {@code -this}
     */
    public Rational negate() { return new Rational(num.negate(), den); }

    /**
     * Whether the value is a whole number.
     *
     * @return true when the denominator is 1
     */
    public boolean isInteger() { return den.equals(BigInteger.ONE); }
    /**
     * Whether the value is zero.
     *
     * @return true for 0
     */
    public boolean isZero() { return num.signum() == 0; }
    /**
     * The sign of the value.
     *
     * @return -1, 0 or 1
     */
    public int signum() { return num.signum(); }

    /**
     * Integer remainder (both operands must be integers), as Python's % for non-negative values.
     *
     * @param o the divisor, a positive integer
     * @return the remainder, in {@code [0, o)}
     * @throws ArithmeticException when either operand is not an integer or {@code o <= 0}
     */
    public Rational mod(Rational o) {
        if (!isInteger() || !o.isInteger()) throw new ArithmeticException("remainder of non-integers " + this + " % " + o);
        return of(num.mod(o.num));
    }

    /**
     * Floor division (both integers), as Python's //.
     *
     * @param o the divisor, a non-zero integer
     * @return the quotient rounded toward negative infinity
     * @throws ArithmeticException when either operand is not an integer or {@code o} is zero
     */
    public Rational floorDiv(Rational o) {
        if (!isInteger() || !o.isInteger()) throw new ArithmeticException("floor division of non-integers " + this + " // " + o);
        BigInteger[] qr = num.divideAndRemainder(o.num);
        BigInteger q = qr[0];
        if (qr[1].signum() != 0 && (qr[1].signum() != o.num.signum())) q = q.subtract(BigInteger.ONE);
        return of(q);
    }

    @Override
    public int compareTo(Rational o) {
        return num.multiply(o.den).compareTo(o.num.multiply(den));
    }

    /** "12", "-3" or "3/4" (the form Python's Fraction and SymPy print). */
    @Override
    public String toString() {
        return isInteger() ? num.toString() : num + "/" + den;
    }

    /**
     * LaTeX form: "12" or "\frac{3}{4}" (sign in front).
     *
     * @return the text boxed in solutions
     */
    public String latex() {
        if (isInteger()) return num.toString();
        String sign = num.signum() < 0 ? "-" : "";
        return sign + "\\frac{" + num.abs() + "}{" + den + "}";
    }
}
