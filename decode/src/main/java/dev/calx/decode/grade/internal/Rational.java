package dev.calx.decode.grade.internal;

import java.math.BigDecimal;
import java.math.BigInteger;

/** An exact fraction num/den in lowest terms with den > 0; the grader's exact number type. */
public record Rational(BigInteger num, BigInteger den) implements Comparable<Rational> {
    public static final Rational ZERO = new Rational(BigInteger.ZERO, BigInteger.ONE);
    public static final Rational ONE = new Rational(BigInteger.ONE, BigInteger.ONE);

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

    public static Rational of(long n) {
        return new Rational(BigInteger.valueOf(n), BigInteger.ONE);
    }

    public static Rational of(long n, long d) {
        return new Rational(BigInteger.valueOf(n), BigInteger.valueOf(d));
    }

    /** Parses a decimal literal such as "12", "0.5", ".5", "1e3" exactly. */
    public static Rational parseDecimal(String s) {
        BigDecimal d = new BigDecimal(s);
        if (d.scale() <= 0) return new Rational(d.toBigIntegerExact(), BigInteger.ONE);
        return new Rational(d.unscaledValue(), BigInteger.TEN.pow(d.scale()));
    }

    public boolean isInteger() {
        return den.equals(BigInteger.ONE);
    }

    public int signum() {
        return num.signum();
    }

    public Rational add(Rational o) {
        return new Rational(num.multiply(o.den).add(o.num.multiply(den)), den.multiply(o.den));
    }

    public Rational subtract(Rational o) {
        return add(o.negate());
    }

    public Rational multiply(Rational o) {
        return new Rational(num.multiply(o.num), den.multiply(o.den));
    }

    public Rational divide(Rational o) {
        return new Rational(num.multiply(o.den), den.multiply(o.num));
    }

    public Rational negate() {
        return new Rational(num.negate(), den);
    }

    public long bitLength() {
        return (long) num.bitLength() + den.bitLength();
    }

    /** this^e for an integer e; the caller bounds the size of the result. */
    public Rational pow(int e) {
        if (e >= 0) return new Rational(num.pow(e), den.pow(e));
        return new Rational(den.pow(-e), num.pow(-e));
    }

    /** The exact k-th root when num and den are perfect k-th powers, else null. */
    public Rational root(int k) {
        if (k <= 0) return null;
        if (num.signum() < 0) {
            if (k % 2 == 0) return null;
            Rational r = negate().root(k);
            return r == null ? null : r.negate();
        }
        BigInteger a = exactRoot(num, k), b = exactRoot(den, k);
        return a == null || b == null ? null : new Rational(a, b);
    }

    private static BigInteger exactRoot(BigInteger x, int k) {
        if (x.signum() == 0) return x;
        if (k == 2) {
            BigInteger r = x.sqrt();
            return r.multiply(r).equals(x) ? r : null;
        }
        BigInteger r = BigInteger.valueOf(Math.round(Math.pow(x.doubleValue(), 1.0 / k)));
        for (BigInteger c = r.subtract(BigInteger.ONE).max(BigInteger.ZERO); c.compareTo(r.add(BigInteger.ONE)) <= 0; c = c.add(BigInteger.ONE)) {
            if (c.pow(k).equals(x)) return c;
        }
        return null;
    }

    public double toDouble() {
        if (num.bitLength() < 1000 && den.bitLength() < 1000) return num.doubleValue() / den.doubleValue();
        return new BigDecimal(num).divide(new BigDecimal(den), java.math.MathContext.DECIMAL64).doubleValue();
    }

    @Override
    public int compareTo(Rational o) {
        return num.multiply(o.den).compareTo(o.num.multiply(den));
    }

    @Override
    public String toString() {
        return isInteger() ? num.toString() : num + "/" + den;
    }
}
