package dev.calx.trainer.synth;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * An exact rational number (BigInteger numerator and positive denominator, always reduced), so
 * that synthesized answers are computed without rounding at any magnitude.
 */
public record Rational(BigInteger num, BigInteger den) implements Comparable<Rational> {
    public static final Rational ZERO = of(0);
    public static final Rational ONE = of(1);

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

    public static Rational of(long v) {
        return new Rational(BigInteger.valueOf(v), BigInteger.ONE);
    }

    public static Rational of(long n, long d) {
        return new Rational(BigInteger.valueOf(n), BigInteger.valueOf(d));
    }

    public static Rational of(BigInteger v) {
        return new Rational(v, BigInteger.ONE);
    }

    /** Parses "12", "-3", "2.5", "1,234", "3/4" or "\frac{3}{4}"; null when the text is not a number. */
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

    public Rational add(Rational o) { return new Rational(num.multiply(o.den).add(o.num.multiply(den)), den.multiply(o.den)); }
    public Rational sub(Rational o) { return new Rational(num.multiply(o.den).subtract(o.num.multiply(den)), den.multiply(o.den)); }
    public Rational mul(Rational o) { return new Rational(num.multiply(o.num), den.multiply(o.den)); }
    public Rational div(Rational o) { return new Rational(num.multiply(o.den), den.multiply(o.num)); }
    public Rational negate() { return new Rational(num.negate(), den); }

    public boolean isInteger() { return den.equals(BigInteger.ONE); }
    public boolean isZero() { return num.signum() == 0; }
    public int signum() { return num.signum(); }

    /** Integer remainder (both operands must be integers), as Python's % for non-negative values. */
    public Rational mod(Rational o) {
        if (!isInteger() || !o.isInteger()) throw new ArithmeticException("remainder of non-integers " + this + " % " + o);
        return of(num.mod(o.num));
    }

    /** Floor division (both integers), as Python's //. */
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

    /** LaTeX form: "12" or "\frac{3}{4}" (sign in front). */
    public String latex() {
        if (isInteger()) return num.toString();
        String sign = num.signum() < 0 ? "-" : "";
        return sign + "\\frac{" + num.abs() + "}{" + den + "}";
    }
}
