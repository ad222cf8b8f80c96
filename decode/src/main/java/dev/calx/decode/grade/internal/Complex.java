package dev.calx.decode.grade.internal;

/**
 * A complex value for {@link Expr#evalComplex}: real and imaginary parts, each exact (a
 * {@link Rational}) while every step has been, always with double approximations. A result that
 * is not finite throws {@link ArithmeticException}, as {@link Expr#eval} does.
 *
 * @param re       the exact real part, or null once approximate
 * @param im       the exact imaginary part, or null once approximate
 * @param reApprox the real part as a double
 * @param imApprox the imaginary part as a double
 */
public record Complex(Rational re, Rational im, double reApprox, double imApprox) {
    /** The imaginary unit. */
    public static final Complex I = exact(Rational.ZERO, Rational.ONE);

    /** Integer powers beyond this are not expanded. */
    private static final int MAX_POWER = 256;

    static Complex exact(Rational re, Rational im) {
        return new Complex(re, im, re.toDouble(), im.toDouble());
    }

    static Complex approx(double re, double im) {
        if (!Double.isFinite(re) || !Double.isFinite(im)) throw new ArithmeticException("not finite");
        return new Complex(null, null, re, im);
    }

    /** A real value with a zero imaginary part (exact zero, so exactness is the value's own). */
    static Complex real(Expr.Value v) {
        return v.isExact() ? exact(v.exact(), Rational.ZERO) : new Complex(null, Rational.ZERO, v.approx(), 0);
    }

    /** {@return whether both parts are exact} */
    public boolean isExact() {
        return re != null && im != null;
    }

    /** {@return whether the imaginary part is exactly zero} */
    boolean isReal() {
        return im != null && im.signum() == 0;
    }

    /** The real part of a real value, exact when it is. */
    Expr.Value realPart() {
        return re != null ? Expr.Value.of(re) : Expr.Value.approx(reApprox);
    }

    /** |z|^2, exact when z is. */
    Expr.Value normSquared() {
        if (isExact()) return Expr.Value.of(re.multiply(re).add(im.multiply(im)));
        return Expr.Value.approx(reApprox * reApprox + imApprox * imApprox);
    }

    Complex negate() {
        return isExact() ? exact(re.negate(), im.negate()) : approx(-reApprox, -imApprox);
    }

    Complex add(Complex o) {
        if (isExact() && o.isExact()) return exact(re.add(o.re), im.add(o.im));
        return approx(reApprox + o.reApprox, imApprox + o.imApprox);
    }

    Complex subtract(Complex o) {
        return add(o.negate());
    }

    Complex multiply(Complex o) {
        if (isExact() && o.isExact() && !tooLarge(o)) {
            return exact(re.multiply(o.re).subtract(im.multiply(o.im)), re.multiply(o.im).add(im.multiply(o.re)));
        }
        return approx(reApprox * o.reApprox - imApprox * o.imApprox, reApprox * o.imApprox + imApprox * o.reApprox);
    }

    Complex divide(Complex o) {
        if (o.isExact() ? o.re.signum() == 0 && o.im.signum() == 0 : o.reApprox == 0 && o.imApprox == 0) {
            throw new ArithmeticException("division by zero");
        }
        if (isExact() && o.isExact() && !tooLarge(o)) {
            Rational n = o.re.multiply(o.re).add(o.im.multiply(o.im));
            Rational r = re.multiply(o.re).add(im.multiply(o.im)), i = im.multiply(o.re).subtract(re.multiply(o.im));
            return exact(r.divide(n), i.divide(n));
        }
        double n = o.reApprox * o.reApprox + o.imApprox * o.imApprox;
        return approx((reApprox * o.reApprox + imApprox * o.imApprox) / n, (imApprox * o.reApprox - reApprox * o.imApprox) / n);
    }

    /** An integer power of a non-real base; any other exponent throws. */
    Complex pow(Complex e) {
        if (!e.isExact() || e.im.signum() != 0 || !e.re.isInteger() || e.re.num().bitLength() > 31
                || Math.abs(e.re.num().intValue()) > MAX_POWER) {
            throw new ArithmeticException("a non-real number to a power that is not a small integer");
        }
        int n = e.re.num().intValue();
        Complex result = exact(Rational.ONE, Rational.ZERO), base = this;
        for (int k = Math.abs(n); k > 0; k >>= 1) {
            if ((k & 1) == 1) result = result.multiply(base);
            if (k > 1) base = base.multiply(base);
        }
        return n < 0 ? exact(Rational.ONE, Rational.ZERO).divide(result) : result;
    }

    /** Whether an exact product with o could pass {@link Expr#MAX_EXACT_BITS}; it is then taken in doubles. */
    private boolean tooLarge(Complex o) {
        return Math.max(re.bitLength(), im.bitLength()) + Math.max(o.re.bitLength(), o.im.bitLength()) > Expr.MAX_EXACT_BITS;
    }

    /**
     * Whether two values are equal: exactly when both are exact and {@code exactOnly}, else
     * within a relative tolerance of the larger modulus (or 1e-12 absolute).
     *
     * @param o         the other value
     * @param exactOnly compare exact parts exactly when both values have them
     * @param rel       the relative tolerance otherwise
     * @return whether they are equal
     */
    public boolean sameAs(Complex o, boolean exactOnly, double rel) {
        if (exactOnly && isExact() && o.isExact()) return re.equals(o.re) && im.equals(o.im);
        double diff = Math.hypot(reApprox - o.reApprox, imApprox - o.imApprox);
        double scale = Math.max(Math.hypot(reApprox, imApprox), Math.hypot(o.reApprox, o.imApprox));
        return diff <= rel * scale || diff < 1e-12;
    }
}
