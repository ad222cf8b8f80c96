package dev.calx.decode.grade.internal;

import dev.calx.decode.grade.internal.Expr.Binary;
import dev.calx.decode.grade.internal.Expr.Func;
import dev.calx.decode.grade.internal.Expr.Neg;
import dev.calx.decode.grade.internal.Expr.Num;
import dev.calx.decode.grade.internal.Expr.Op;
import dev.calx.decode.grade.internal.Expr.Var;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A recursive-descent parser for the LaTeX (and plain-text) math that answers are written in:
 * numbers, single-letter variables (with subscripts), + - * / ^, \cdot, \times, \div,
 * \frac (also \frac12), \sqrt and \sqrt[n], \pi, |x|, n!, \lfloor x \rfloor and \lceil x \rceil,
 * the elementary functions, implicit multiplication ("2x", "3\sqrt{2}", "(a+1)(b+2)") and mixed
 * numbers ("1\frac{4}{5}").
 * Anything else (\pm, \cup, \infty, words) is a {@link ParseException}: such answers are
 * compared as strings or structures, not as expressions.
 */
public final class LatexParser {
    private static final Set<String> FUNCTIONS = Set.of("sin", "cos", "tan", "cot", "sec", "csc",
            "arcsin", "arccos", "arctan", "ln", "log", "exp");
    private static final Set<String> INVERSE_TRIG = Set.of("sin", "cos", "tan");
    private static final Set<String> SKIPPED = Set.of(",", ";", ":", "!", " ", "quad", "qquad",
            "left", "right", "displaystyle", "mathrm", "operatorname", "limits");

    /** Thrown when the text is not an expression this parser understands. */
    public static final class ParseException extends RuntimeException {
        public ParseException(String message) {
            super(message, null, false, false);
        }
    }

    private enum Kind { NUM, LETTER, CMD, SYM, END }

    private record Token(Kind kind, String text) {}

    private final List<Token> tokens;
    private final Deadline deadline;
    private int pos;

    private LatexParser(List<Token> tokens, Deadline deadline) {
        this.tokens = tokens;
        this.deadline = deadline;
    }

    public static Expr parse(String text, Deadline deadline) {
        LatexParser p = new LatexParser(tokenize(text), deadline);
        Expr e = p.expr();
        if (p.peek().kind != Kind.END) throw new ParseException("unexpected '" + p.peek().text + "' in " + text);
        return e;
    }

    private static List<Token> tokenize(String s) {
        List<Token> out = new ArrayList<>();
        int i = 0, n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(s.charAt(i + 1)))) {
                int j = i;
                while (j < n && Character.isDigit(s.charAt(j))) j++;
                if (j < n && s.charAt(j) == '.' && j + 1 < n && Character.isDigit(s.charAt(j + 1))) {
                    j++;
                    while (j < n && Character.isDigit(s.charAt(j))) j++;
                } else if (j < n && s.charAt(j) == '.' && j == i) {
                    j++;
                }
                out.add(new Token(Kind.NUM, s.substring(i, j)));
                i = j;
            } else if (c == '\\') {
                int j = i + 1;
                if (j < n && Character.isLetter(s.charAt(j))) {
                    while (j < n && Character.isLetter(s.charAt(j))) j++;
                } else {
                    j = Math.min(n, j + 1);
                }
                String name = s.substring(i + 1, j);
                if (!SKIPPED.contains(name)) out.add(new Token(Kind.CMD, name));
                i = j;
            } else if (Character.isLetter(c)) {
                int j = i;
                while (j < n && Character.isLetter(s.charAt(j))) j++;
                String word = s.substring(i, j);
                // Plain-text function names ("sqrt(2)", "sin x", "pi") as in Python-style answers.
                int k = 0;
                String call = pythonCall(word, s, j);
                if (call != null) {
                    out.add(new Token(Kind.CMD, call));
                    k = word.length();
                }
                while (k < word.length()) {
                    String f = functionPrefix(word.substring(k));
                    if (f != null) {
                        out.add(new Token(Kind.CMD, f));
                        k += f.length();
                    } else {
                        out.add(new Token(Kind.LETTER, String.valueOf(word.charAt(k))));
                        k++;
                    }
                }
                i = j;
            } else {
                if (c == '*' && i + 1 < n && s.charAt(i + 1) == '*') {
                    out.add(new Token(Kind.SYM, "**"));
                    i += 2;
                    continue;
                }
                out.add(new Token(Kind.SYM, String.valueOf(c)));
                i++;
            }
        }
        out.add(new Token(Kind.END, ""));
        return out;
    }

    /**
     * A whole plain word called as Python and SymPy spell their functions: {@code log(} is the
     * natural log there (math.log, numpy.log, SymPy's log; {@code log(x, b)} has base b), where a
     * LaTeX {@code \\log} is read as base 10; {@code asin(}, {@code acos(}, {@code atan(} are the
     * arc functions; SymPy's {@code Abs(} is |x|; {@code floor(}, {@code ceil(} (math's) and
     * {@code ceiling(} (SymPy's) are \lfloor x \rfloor and \lceil x \rceil. {@return the
     * command, or null}
     */
    private static String pythonCall(String word, String s, int end) {
        String name = switch (word) {
            case "log" -> "pylog";
            case "asin" -> "arcsin";
            case "acos" -> "arccos";
            case "atan" -> "arctan";
            case "Abs" -> "abs";
            case "floor" -> "floor";
            case "ceil", "ceiling" -> "ceil";
            default -> null;
        };
        if (name == null) return null;
        int j = end;
        while (j < s.length() && s.charAt(j) == ' ') j++;
        return j < s.length() && s.charAt(j) == '(' ? name : null;
    }

    private static String functionPrefix(String w) {
        for (String f : new String[] {"sqrt", "arcsin", "arccos", "arctan", "sin", "cos", "tan", "cot", "sec", "csc", "ln", "log", "exp", "pi"}) {
            if (w.startsWith(f)) return f;
        }
        return null;
    }

    private Token peek() {
        return tokens.get(pos);
    }

    private Token next() {
        return tokens.get(pos++);
    }

    /** Consumes an exponent {@code {-1}} or {@code -1} when one comes next. */
    private boolean minusOneAhead() {
        int n = tokens.size();
        boolean braced = pos + 3 < n && isSymAt(pos, "{") && isSymAt(pos + 1, "-") && isOneAt(pos + 2) && isSymAt(pos + 3, "}");
        boolean bare = !braced && pos + 1 < n && isSymAt(pos, "-") && isOneAt(pos + 1);
        if (braced) pos += 4;
        else if (bare) pos += 2;
        return braced || bare;
    }

    private boolean isSymAt(int i, String s) {
        Token t = tokens.get(i);
        return t.kind == Kind.SYM && t.text.equals(s);
    }

    private boolean isOneAt(int i) {
        Token t = tokens.get(i);
        return t.kind == Kind.NUM && t.text.equals("1");
    }

    private boolean isSym(String s) {
        Token t = peek();
        return t.kind == Kind.SYM && t.text.equals(s);
    }

    private boolean isCmd(String s) {
        Token t = peek();
        return t.kind == Kind.CMD && t.text.equals(s);
    }

    private void expectSym(String s) {
        if (!isSym(s)) throw new ParseException("expected '" + s + "' but found '" + peek().text + "'");
        pos++;
    }

    private Expr expr() {
        deadline.check();
        Expr left = term();
        while (true) {
            if (isSym("+")) {
                pos++;
                left = new Binary(Op.ADD, left, term());
            } else if (isSym("-")) {
                pos++;
                left = new Binary(Op.SUB, left, term());
            } else {
                return left;
            }
        }
    }

    private Expr term() {
        Expr left = unary();
        boolean first = true;
        while (true) {
            deadline.check();
            if (isSym("*") || isCmd("cdot") || isCmd("times") || isCmd("ast")) {
                pos++;
                left = new Binary(Op.MUL, left, unary());
            } else if (isSym("/") || isCmd("div")) {
                pos++;
                left = new Binary(Op.DIV, left, unary());
            } else if (startsAtom()) {
                // "1\frac{4}{5}" is a mixed number in MATH answers, not 1 times 4/5.
                if (first && left instanceof Num n && n.value().isInteger() && !n.decimal() && isCmd("frac")) {
                    int save = pos;
                    Expr f = power();
                    if (f instanceof Binary b && b.op() == Op.DIV && b.left() instanceof Num && b.right() instanceof Num) {
                        left = n.value().signum() < 0 ? new Binary(Op.SUB, left, f) : new Binary(Op.ADD, left, f);
                        first = false;
                        continue;
                    }
                    pos = save;
                }
                left = new Binary(Op.MUL, left, power());
            } else {
                return left;
            }
            first = false;
        }
    }

    private boolean startsAtom() {
        Token t = peek();
        return switch (t.kind) {
            case NUM, LETTER -> true;
            case CMD -> t.text.equals("frac") || t.text.equals("sqrt") || t.text.equals("pi") || t.text.equals("(")
                    || FUNCTIONS.contains(t.text);
            case SYM -> t.text.equals("(") || t.text.equals("{") || t.text.equals("[");
            case END -> false;
        };
    }

    private Expr unary() {
        if (isSym("-")) {
            pos++;
            return new Neg(unary());
        }
        if (isSym("+")) {
            pos++;
            return unary();
        }
        return power();
    }

    private Expr power() {
        Expr base = postfix();
        if (isSym("^")) {
            pos++;
            Expr exp = exponent();
            return new Binary(Op.POW, base, exp);
        }
        if (isSym("**")) {
            pos++;
            return new Binary(Op.POW, base, pythonExponent());
        }
        return base;
    }

    /**
     * Python's exponent after {@code **}: a whole number ({@code x**10} is x^{10}, where LaTeX's
     * {@code x^10} is x^1 times 0), signs allowed, right-associative ({@code 2**3**2} is 2^9).
     */
    private Expr pythonExponent() {
        if (isSym("-")) {
            pos++;
            return new Neg(pythonExponent());
        }
        if (isSym("+")) {
            pos++;
            return pythonExponent();
        }
        return power();
    }

    /** A LaTeX superscript: a group, or one character ("x^23" is x^2 times 3). */
    private Expr exponent() {
        if (isSym("-")) {
            pos++;
            return new Neg(exponent());
        }
        Token t = peek();
        if (t.kind == Kind.NUM && t.text.length() > 1 && !t.text.contains(".")) {
            tokens.set(pos, new Token(Kind.NUM, t.text.substring(1)));
            return num(t.text.substring(0, 1));
        }
        return postfix();
    }

    private Expr postfix() {
        Expr e = atom();
        while (isSym("!")) {
            pos++;
            e = new Func("factorial", e, null);
        }
        return e;
    }

    private static Expr num(String s) {
        return new Num(Rational.parseDecimal(s.startsWith(".") ? "0" + s : s), s.contains("."));
    }

    private Expr group() {
        if (isSym("{")) {
            pos++;
            Expr e = expr();
            expectSym("}");
            return e;
        }
        // An unbraced argument is one token: \frac12, \sqrt2, \frac\pi2.
        Token t = next();
        return switch (t.kind) {
            case NUM -> {
                if (t.text.length() > 1 && !t.text.contains(".")) {
                    tokens.add(pos, new Token(Kind.NUM, t.text.substring(1)));
                    yield num(t.text.substring(0, 1));
                }
                yield num(t.text);
            }
            case LETTER -> new Var(t.text);
            case CMD -> {
                pos--;
                yield atom();
            }
            default -> throw new ParseException("expected an argument but found '" + t.text + "'");
        };
    }

    private Expr atom() {
        deadline.check();
        Token t = next();
        switch (t.kind) {
            case NUM:
                if (isSym("_")) throw new ParseException("number with a subscript (base) is not an expression");
                return num(t.text);
            case LETTER: {
                String name = t.text;
                if (isSym("_")) {
                    pos++;
                    name = name + "_" + subscript();
                }
                return new Var(name);
            }
            case SYM:
                switch (t.text) {
                    case "(": {
                        Expr e = expr();
                        expectSym(")");
                        return e;
                    }
                    case "{": {
                        Expr e = expr();
                        expectSym("}");
                        return e;
                    }
                    case "[": {
                        Expr e = expr();
                        expectSym("]");
                        return e;
                    }
                    case "|": {
                        Expr e = expr();
                        expectSym("|");
                        return new Func("abs", e, null);
                    }
                    default:
                        throw new ParseException("unexpected '" + t.text + "'");
                }
            case CMD:
                return command(t.text);
            default:
                throw new ParseException("unexpected end");
        }
    }

    private String subscript() {
        if (isSym("{")) {
            StringBuilder sb = new StringBuilder();
            pos++;
            while (!isSym("}")) {
                if (peek().kind == Kind.END) throw new ParseException("unclosed subscript");
                sb.append(next().text);
            }
            pos++;
            return sb.toString();
        }
        return next().text;
    }

    private Expr command(String name) {
        switch (name) {
            case "frac", "dfrac", "tfrac", "cfrac": {
                Expr a = group();
                Expr b = group();
                return new Binary(Op.DIV, a, b);
            }
            case "sqrt": {
                Expr index = null;
                if (isSym("[")) {
                    pos++;
                    index = expr();
                    expectSym("]");
                }
                if (isSym("(")) return new Func("sqrt", atom(), index);
                return new Func("sqrt", group(), index);
            }
            case "binom", "dbinom", "tbinom": {
                // n! / (k! (n-k)!), exact while the factorials are (n < 4096)
                Expr n = group();
                Expr k = group();
                Expr below = new Binary(Op.MUL, new Func("factorial", k, null), new Func("factorial", new Binary(Op.SUB, n, k), null));
                return new Binary(Op.DIV, new Func("factorial", n, null), below);
            }
            case "pi":
                return new Expr.Pi();
            case "lfloor", "lceil": {
                // \lfloor x \rfloor, \lceil x \rceil (\left and \right are gone by now)
                Expr e = expr();
                String close = name.equals("lfloor") ? "rfloor" : "rceil";
                if (!isCmd(close)) throw new ParseException("\\" + name + " without \\" + close);
                pos++;
                return new Func(name.substring(1), e, null);
            }
            case "abs", "floor", "ceil": {
                expectSym("(");
                Expr e = expr();
                expectSym(")");
                return new Func(name, e, null);
            }
            case "pylog": {
                expectSym("(");
                Expr e = expr();
                Expr base = null;
                if (isSym(",")) {
                    pos++;
                    base = expr();
                }
                expectSym(")");
                return base == null ? new Func("ln", e, null) : new Func("log", e, base);
            }
            case "{": {
                Expr e = expr();
                if (!isCmd("}")) throw new ParseException("unclosed \\{");
                pos++;
                return e;
            }
            default:
                if (FUNCTIONS.contains(name)) return function(name);
                throw new ParseException("unsupported \\" + name);
        }
    }

    private Expr function(String name) {
        Expr base = null, power = null;
        if (name.equals("log") && isSym("_")) {
            pos++;
            base = group();
        }
        if (isSym("^")) {
            pos++;
            // \cos^{-1} is arccos, as in LaTeX's usage (\sin^2 x stays a power)
            if (INVERSE_TRIG.contains(name) && minusOneAhead()) name = "arc" + name;
            else power = exponent();
        }
        Expr arg = isSym("(") ? atom() : power();
        Expr f = new Func(name, arg, base);
        return power == null ? f : new Binary(Op.POW, f, power);
    }
}
