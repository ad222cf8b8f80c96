package dev.calx.decode.grade.internal;

import java.math.BigInteger;
import java.util.Map;
import java.util.Set;

/**
 * A parsed math expression. Evaluation is exact (rationals) while every step stays rational,
 * and falls back to doubles at the first irrational step (sqrt of a non-square, pi, trig).
 */
public sealed interface Expr {
    /** Largest exact intermediate we build, in bits; beyond it we switch to doubles. */
    long MAX_EXACT_BITS = 1 << 16;

    Value eval(Map<String, Rational> vars, Deadline deadline);

    /**
     * Evaluates with {@code i} as the imaginary unit, for answers whose only letter is i
     * ({@code 6+9i}, {@code \frac{1}{i}}, {@code (1+i)^2}). Sums, products, quotients, integer
     * powers, the square root of a negative number and the modulus are complex; any other
     * function of a non-real value, or any other variable, throws {@link ArithmeticException}.
     * Real steps are exactly those of {@link #eval}.
     */
    Complex evalComplex(Deadline deadline);

    void collectVariables(Set<String> out);

    /** True when a decimal literal occurs, which makes the whole answer approximate. */
    boolean hasDecimal();

    /** A value: exact when known exactly, always with a double approximation. */
    record Value(Rational exact, double approx) {
        static Value of(Rational r) {
            return new Value(r, r.toDouble());
        }

        static Value approx(double d) {
            return new Value(null, d);
        }

        boolean isExact() {
            return exact != null;
        }
    }

    record Num(Rational value, boolean decimal) implements Expr {
        public Value eval(Map<String, Rational> vars, Deadline d) {
            return Value.of(value);
        }

        public Complex evalComplex(Deadline d) {
            return Complex.real(Value.of(value));
        }

        public void collectVariables(Set<String> out) {}

        public boolean hasDecimal() {
            return decimal;
        }
    }

    record Var(String name) implements Expr {
        public Value eval(Map<String, Rational> vars, Deadline d) {
            Rational r = vars.get(name);
            if (r == null) throw new ArithmeticException("unbound variable " + name);
            return Value.of(r);
        }

        public Complex evalComplex(Deadline d) {
            if (!name.equals("i")) throw new ArithmeticException("variable " + name + " in a complex evaluation");
            return Complex.I;
        }

        public void collectVariables(Set<String> out) {
            out.add(name);
        }

        public boolean hasDecimal() {
            return false;
        }
    }

    record Pi() implements Expr {
        public Value eval(Map<String, Rational> vars, Deadline d) {
            return Value.approx(Math.PI);
        }

        public Complex evalComplex(Deadline d) {
            return Complex.real(Value.approx(Math.PI));
        }

        public void collectVariables(Set<String> out) {}

        public boolean hasDecimal() {
            return false;
        }
    }

    enum Op { ADD, SUB, MUL, DIV, POW }

    record Binary(Op op, Expr left, Expr right) implements Expr {
        public Value eval(Map<String, Rational> vars, Deadline d) {
            d.check();
            return apply(op, left.eval(vars, d), right.eval(vars, d));
        }

        public Complex evalComplex(Deadline d) {
            d.check();
            Complex a = left.evalComplex(d), b = right.evalComplex(d);
            if (a.isReal() && b.isReal()) return Complex.real(apply(op, a.realPart(), b.realPart()));
            return switch (op) {
                case ADD -> a.add(b);
                case SUB -> a.subtract(b);
                case MUL -> a.multiply(b);
                case DIV -> a.divide(b);
                case POW -> a.pow(b);
            };
        }

        /** The real operation on two values: exact while both are and the step stays rational. */
        static Value apply(Op op, Value a, Value b) {
            if (a.isExact() && b.isExact()) {
                Rational x = a.exact(), y = b.exact();
                switch (op) {
                    case ADD: return Value.of(x.add(y));
                    case SUB: return Value.of(x.subtract(y));
                    case MUL: return Value.of(x.multiply(y));
                    case DIV: return Value.of(x.divide(y)); // throws on exact zero
                    case POW: {
                        Value v = exactPow(x, y);
                        if (v != null) return v;
                        break;
                    }
                }
            }
            double p = a.approx(), q = b.approx();
            double r = switch (op) {
                case ADD -> p + q;
                case SUB -> p - q;
                case MUL -> p * q;
                case DIV -> p / q;
                case POW -> Math.pow(p, q);
            };
            if (!Double.isFinite(r)) throw new ArithmeticException("not finite");
            return Value.approx(r);
        }

        private static Value exactPow(Rational x, Rational y) {
            BigInteger n = y.num(), k = y.den();
            if (n.bitLength() > 31 || k.bitLength() > 31) return null;
            int ni = n.intValueExact(), ki = k.intValueExact();
            if ((long) Math.abs(ni) * Math.max(1, x.bitLength()) > MAX_EXACT_BITS) return null;
            if (x.signum() == 0 && ni < 0) throw new ArithmeticException("0 to a negative power");
            Rational base = ki == 1 ? x : x.root(ki);
            return base == null ? null : Value.of(base.pow(ni));
        }

        public void collectVariables(Set<String> out) {
            left.collectVariables(out);
            right.collectVariables(out);
        }

        public boolean hasDecimal() {
            return left.hasDecimal() || right.hasDecimal();
        }
    }

    record Neg(Expr arg) implements Expr {
        public Value eval(Map<String, Rational> vars, Deadline d) {
            Value v = arg.eval(vars, d);
            return v.isExact() ? Value.of(v.exact().negate()) : Value.approx(-v.approx());
        }

        public Complex evalComplex(Deadline d) {
            return arg.evalComplex(d).negate();
        }

        public void collectVariables(Set<String> out) {
            arg.collectVariables(out);
        }

        public boolean hasDecimal() {
            return arg.hasDecimal();
        }
    }

    /** sqrt, nth roots, abs, factorial, floor, ceil and the elementary functions. */
    record Func(String name, Expr arg, Expr index) implements Expr {
        /** The square root as a function of a value (for the modulus). */
        private static final Func SQRT = new Func("sqrt", null, null);

        public Value eval(Map<String, Rational> vars, Deadline d) {
            d.check();
            return apply(arg.eval(vars, d), index == null ? null : index.eval(vars, d));
        }

        public Complex evalComplex(Deadline d) {
            d.check();
            Complex v = arg.evalComplex(d);
            Value idx = null;
            if (index != null) {
                Complex k = index.evalComplex(d);
                if (!k.isReal()) throw new ArithmeticException(name + " with a non-real index");
                idx = k.realPart();
            }
            if (v.isReal()) {
                Value x = v.realPart();
                // the principal square root of a negative number: i sqrt(-x)
                if (name.equals("sqrt") && isSquareRoot(idx) && (x.isExact() ? x.exact().signum() < 0 : x.approx() < 0)) {
                    Value root = apply(x.isExact() ? Value.of(x.exact().negate()) : Value.approx(-x.approx()), idx);
                    return Complex.I.multiply(Complex.real(root));
                }
                return Complex.real(apply(x, idx));
            }
            if (name.equals("abs")) return Complex.real(SQRT.apply(v.normSquared(), null));
            throw new ArithmeticException(name + " of a non-real number");
        }

        private static boolean isSquareRoot(Value idx) {
            return idx == null || (idx.isExact() ? idx.exact().equals(Rational.of(2)) : idx.approx() == 2);
        }

        /** The function of a real value (idx: the root's index or the logarithm's base, or null). */
        Value apply(Value v, Value idx) {
            if (v.isExact()) {
                Value exact = exactFunc(v.exact(), idx);
                if (exact != null) return exact;
            }
            double x = v.approx();
            double r = switch (name) {
                case "sqrt" -> idx == null ? Math.sqrt(x) : Math.pow(x, 1.0 / idx.approx());
                case "abs" -> Math.abs(x);
                case "sin" -> Math.sin(x);
                case "cos" -> Math.cos(x);
                case "tan" -> Math.tan(x);
                case "cot" -> 1 / Math.tan(x);
                case "sec" -> 1 / Math.cos(x);
                case "csc" -> 1 / Math.sin(x);
                case "arcsin" -> Math.asin(x);
                case "arccos" -> Math.acos(x);
                case "arctan" -> Math.atan(x);
                case "ln" -> Math.log(x);
                case "log" -> idx == null ? Math.log10(x) : Math.log(x) / Math.log(idx.approx());
                case "exp" -> Math.exp(x);
                case "factorial" -> factorial(x);
                case "floor" -> Math.floor(nearInteger(x));
                case "ceil" -> Math.ceil(nearInteger(x));
                default -> throw new ArithmeticException("unknown function " + name);
            };
            if (!Double.isFinite(r)) throw new ArithmeticException(name + " not finite");
            return Value.approx(r);
        }

        private Value exactFunc(Rational x, Value idx) {
            switch (name) {
                case "abs": return Value.of(x.signum() < 0 ? x.negate() : x);
                case "sqrt": {
                    int k = 2;
                    if (idx != null) {
                        if (!idx.isExact() || !idx.exact().isInteger() || idx.exact().num().bitLength() > 8) return null;
                        k = idx.exact().num().intValue();
                    }
                    if (k == 2 && x.signum() < 0) throw new ArithmeticException("sqrt of a negative");
                    Rational r = x.root(k);
                    return r == null ? null : Value.of(r);
                }
                case "factorial": {
                    if (!x.isInteger() || x.signum() < 0 || x.num().bitLength() > 12) return null;
                    BigInteger f = BigInteger.ONE;
                    for (int i = 2; i <= x.num().intValue(); i++) f = f.multiply(BigInteger.valueOf(i));
                    return Value.of(new Rational(f, BigInteger.ONE));
                }
                case "floor", "ceil": {
                    BigInteger[] qr = x.num().divideAndRemainder(x.den());
                    BigInteger q = qr[0];
                    // BigInteger division truncates toward zero; den > 0, so the remainder's sign is num's
                    if (name.equals("floor") && qr[1].signum() < 0) q = q.subtract(BigInteger.ONE);
                    if (name.equals("ceil") && qr[1].signum() > 0) q = q.add(BigInteger.ONE);
                    return Value.of(new Rational(q, BigInteger.ONE));
                }
                case "sin", "tan", "arcsin", "arctan": return x.signum() == 0 ? Value.of(Rational.ZERO) : null;
                case "cos", "exp": return x.signum() == 0 ? Value.of(Rational.ONE) : null;
                case "ln": return x.equals(Rational.ONE) ? Value.of(Rational.ZERO) : null;
                default: return null;
            }
        }

        /**
         * x, or the integer it is within 1e-12 (relative, at most 1e-9) of: an approximate value
         * that should be an integer ({@code \lfloor 2\sin(\pi/6) \rfloor}, 0.9999999999999999 in
         * doubles) floors to that integer.
         */
        private static double nearInteger(double x) {
            double r = Math.rint(x);
            return Math.abs(x - r) <= Math.min(1e-9, 1e-12 * Math.max(1, Math.abs(x))) ? r : x;
        }

        private static double factorial(double x) {
            if (x < 0 || x != Math.rint(x) || x > 170) throw new ArithmeticException("factorial of " + x);
            double f = 1;
            for (int i = 2; i <= x; i++) f *= i;
            return f;
        }

        public void collectVariables(Set<String> out) {
            arg.collectVariables(out);
            if (index != null) index.collectVariables(out);
        }

        public boolean hasDecimal() {
            return arg.hasDecimal() || (index != null && index.hasDecimal());
        }
    }
}
