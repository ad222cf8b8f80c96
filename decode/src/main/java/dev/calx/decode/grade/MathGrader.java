package dev.calx.decode.grade;

import dev.calx.decode.grade.internal.Complex;
import dev.calx.decode.grade.internal.Deadline;
import dev.calx.decode.grade.internal.Expr;
import dev.calx.decode.grade.internal.LatexParser;
import dev.calx.decode.grade.internal.Rational;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides whether a predicted answer equals a reference answer, as the MATH/GSM8K graders of
 * the papers do: after {@link AnswerNormalizer}, equal strings; equal numbers (relative 1e-4,
 * also x100 and /100 for percentages); tuples, intervals and matrices elementwise (order and
 * bracket kinds matter, bare solution lists and sets are unordered); equations; and symbolic
 * equivalence through our own {@link LatexParser}: exact rational evaluation where every step is
 * rational, doubles otherwise, at seeded random rational points when there are variables, and
 * in complex arithmetic when {@code i} is the only letter (Python's {@code 6+9j} and SymPy's
 * {@code 6 + 9*I} are read as {@code 6+9i} by the normalizer).
 * Every comparison runs under a cooperative time limit; a timeout grades unequal.
 */
public final class MathGrader {
    /**
     * The outcome of one comparison.
     *
     * @param equal    the prediction was found equal to the reference
     * @param timedOut the time limit ran out first ({@code equal} is then false)
     */
    public record Verdict(boolean equal, boolean timedOut) {}

    private static final double NUMBER_REL_TOL = 1e-4;
    private static final double EXACT_FORM_REL_TOL = 1e-9;
    private static final int RANDOM_POINTS = 8;
    /** Points drawn beyond the first {@link #RANDOM_POINTS} when too few lay in the domain. */
    private static final int EXTRA_POINTS = 24;
    private static final Pattern PLAIN_NUMBER = Pattern.compile("^[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?$");
    private static final Pattern PLAIN_INTEGER = Pattern.compile("^[+-]?\\d+$");
    private static final Pattern CHOICE = Pattern.compile("^\\(?([A-Ea-e])\\)?$");
    private static final Pattern MATRIX = Pattern.compile("^\\\\begin\\{pmatrix\\}(.*)\\\\end\\{pmatrix\\}$");
    private static final Pattern SHORT_VARIABLE = Pattern.compile("^[A-Za-z](?:_\\w|_\\{\\w+\\})?$");
    private static final Pattern WORDS = Pattern.compile("^[A-Za-z ]+$");

    private final long timeoutMillis;

    /**
     * A grader with a given time limit. Graders hold no state besides it and are thread-safe.
     *
     * @param timeoutMillis wall-clock limit of each comparison in milliseconds, checked
     *                      cooperatively by the parser and the evaluator; at least 1
     * @throws IllegalArgumentException when the limit is below 1 ms
     */
    public MathGrader(long timeoutMillis) {
        if (timeoutMillis < 1) throw new IllegalArgumentException("the grader's time limit must be at least 1 ms, got " + timeoutMillis);
        this.timeoutMillis = timeoutMillis;
    }

    /** A grader with a 2-second limit per comparison. */
    public MathGrader() {
        this(2000);
    }

    /**
     * Like {@link #grade}, without telling a timeout from a difference.
     *
     * @param prediction the extracted answer
     * @param reference  the reference answer
     * @return whether they are equal; false on a timeout
     */
    public boolean isEquivalent(String prediction, String reference) {
        return grade(prediction, reference).equal();
    }

    /**
     * Compares a prediction with a reference. Never throws, whatever the strings: an empty
     * prediction (after normalization) is never equal, and a comparison that overflows the stack
     * or fails inside the grader (a string no rule expected) grades unequal, as in {@link #parses}.
     *
     * @param prediction the extracted answer; may be null
     * @param reference  the reference answer; may be null
     * @return whether they are equal and whether the time limit ran out
     */
    public Verdict grade(String prediction, String reference) {
        String p = AnswerNormalizer.normalize(prediction), r = AnswerNormalizer.normalize(reference);
        if (p.isEmpty()) return new Verdict(false, false);
        Deadline deadline = new Deadline(timeoutMillis);
        try {
            return new Verdict(equal(p, r, deadline), false);
        } catch (Deadline.TimeoutException e) {
            return new Verdict(false, true);
        } catch (RuntimeException | StackOverflowError e) {
            return new Verdict(false, false);
        }
    }

    /**
     * Whether an answer is something the grader can compare beyond strings: a number, an
     * expression, or a tuple/interval/matrix of them. Used to count "unparsed" answers.
     *
     * @param answer an extracted answer; may be null
     * @return true when the normalized answer parses (within the grader's time limit)
     */
    public boolean parses(String answer) {
        String a = AnswerNormalizer.normalize(answer);
        if (a.isEmpty()) return false;
        if (PLAIN_NUMBER.matcher(a).matches()) return true;
        Deadline d = new Deadline(timeoutMillis);
        try {
            Matcher m = MATRIX.matcher(a);
            if (m.matches()) return true;
            Seq s = Seq.of(a);
            List<String> items = s == null ? List.of(a) : s.items;
            for (String item : items) {
                if (item.equals("\\infty") || item.equals("-\\infty")) continue;
                String rhs = splitTopLevel(item, "=").getLast();
                LatexParser.parse(rhs, d);
            }
            return true;
        } catch (RuntimeException | StackOverflowError e) {
            return false;
        }
    }

    /** Compares two normalized answers. */
    private boolean equal(String p, String r, Deadline d) {
        d.check();
        if (p.equals(r)) return true;
        if (p.isEmpty() || r.isEmpty()) return false;
        if (WORDS.matcher(p).matches() && WORDS.matcher(r).matches()) return p.equalsIgnoreCase(r);
        Matcher cp = CHOICE.matcher(p), cr = CHOICE.matcher(r);
        if (cp.matches() && cr.matches()) return cp.group(1).equalsIgnoreCase(cr.group(1));

        if (PLAIN_NUMBER.matcher(p).matches() && PLAIN_NUMBER.matcher(r).matches()) {
            return numbersEqual(p, r);
        }

        Matcher mp = MATRIX.matcher(p), mr = MATRIX.matcher(r);
        if (mp.matches() || mr.matches()) {
            if (mp.matches() && mr.matches()) return matricesEqual(mp.group(1), mr.group(1), d);
            return vectorEqual(mp.matches() ? mp.group(1) : mr.group(1), mp.matches() ? r : p, d);
        }

        List<String> up = splitTopLevel(p, "\\cup"), ur = splitTopLevel(r, "\\cup");
        if (up.size() > 1 || ur.size() > 1) {
            if (up.size() != ur.size()) return false;
            for (int i = 0; i < up.size(); i++) if (!equal(up.get(i), ur.get(i), d)) return false;
            return true;
        }

        Seq sp = Seq.of(p), sr = Seq.of(r);
        if (sp != null || sr != null) return seqEqual(sp, sr, p, r, d);

        List<String> ep = splitTopLevel(p, "="), er = splitTopLevel(r, "=");
        // "x=1" against "1" (a list item, or a tuple's "x=2, y=3" against "(2,3)"), as ToRA's math_equal
        if (ep.size() == 2 && er.size() == 1 && SHORT_VARIABLE.matcher(ep.get(0)).matches()) return equal(ep.get(1), r, d);
        if (er.size() == 2 && ep.size() == 1 && SHORT_VARIABLE.matcher(er.get(0)).matches()) return equal(p, er.get(1), d);
        if (ep.size() == 2 && er.size() == 2) {
            if (ep.get(0).equals(er.get(0)) && equal(ep.get(1), er.get(1), d)) return true;
            String dp = "(" + ep.get(0) + ")-(" + ep.get(1) + ")", dr = "(" + er.get(0) + ")-(" + er.get(1) + ")";
            return symbolicEqual(dp, dr, d) || symbolicEqual("-(" + dp + ")", dr, d) || proportional(dp, dr, d);
        }
        if (ep.size() != er.size()) return false;
        return symbolicEqual(p, r, d);
    }

    /**
     * Plain numbers: the reference, or it as a percentage (x100, /100). Two integers (digits with
     * an optional sign) are compared exactly (the papers' relative 1e-4 would make 70001 equal
     * 70000); as soon as one side has a decimal point or an exponent ({@code e} or {@code E}) the
     * relative tolerance applies.
     */
    private static boolean numbersEqual(String p, String r) {
        if (PLAIN_INTEGER.matcher(p).matches() && PLAIN_INTEGER.matcher(r).matches()) {
            java.math.BigInteger x = new java.math.BigInteger(p.startsWith("+") ? p.substring(1) : p);
            java.math.BigInteger y = new java.math.BigInteger(r.startsWith("+") ? r.substring(1) : r);
            java.math.BigInteger hundred = java.math.BigInteger.valueOf(100);
            return x.equals(y) || x.equals(y.multiply(hundred)) || x.multiply(hundred).equals(y);
        }
        double x = Double.parseDouble(p), y = Double.parseDouble(r);
        return close(x, y, NUMBER_REL_TOL) || close(x, y / 100, NUMBER_REL_TOL) || close(x, y * 100, NUMBER_REL_TOL);
    }

    private static boolean close(double a, double b, double rel) {
        if (a == b) return true;
        return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));
    }

    private boolean matricesEqual(String a, String b, Deadline d) {
        List<String> ra = splitTopLevel(a, "\\\\"), rb = splitTopLevel(b, "\\\\");
        ra.removeIf(String::isBlank);
        rb.removeIf(String::isBlank);
        if (ra.size() != rb.size()) return false;
        for (int i = 0; i < ra.size(); i++) {
            List<String> ca = splitTopLevel(ra.get(i), "&"), cb = splitTopLevel(rb.get(i), "&");
            if (ca.size() != cb.size()) return false;
            for (int j = 0; j < ca.size(); j++) if (!equal(ca.get(j), cb.get(j), d)) return false;
        }
        return true;
    }

    /**
     * A one-column or one-row matrix against a vector printed as a list or tuple ({@code [6, 3, 0]},
     * {@code (6, 3, 0)}, as a program prints one): the entries in order.
     */
    private boolean vectorEqual(String matrix, String list, Deadline d) {
        Seq s = Seq.of(list);
        if (s == null || !(s.open.equals("[") && s.close.equals("]") || s.open.equals("(") && s.close.equals(")"))) return false;
        List<String> rows = splitTopLevel(matrix, "\\\\");
        rows.removeIf(String::isBlank);
        List<String> entries = new ArrayList<>();
        if (rows.size() == 1) {
            entries.addAll(splitTopLevel(rows.getFirst(), "&"));
        } else {
            for (String row : rows) {
                if (splitTopLevel(row, "&").size() != 1) return false;
                entries.add(row);
            }
        }
        if (entries.size() != s.items.size()) return false;
        for (int i = 0; i < entries.size(); i++) if (!equal(entries.get(i), s.items.get(i), d)) return false;
        return true;
    }

    /** A bracketed or bare comma-separated list; open/close are "" for a bare list. */
    private record Seq(String open, String close, List<String> items) {
        static Seq of(String s) {
            String open = "", close = "", inner = s;
            if (s.length() >= 2) {
                char a = s.charAt(0), b = s.charAt(s.length() - 1);
                if ((a == '(' || a == '[' || a == '{') && (b == ')' || b == ']' || b == '}')
                        && enclosesAll(s)) {
                    open = String.valueOf(a);
                    close = String.valueOf(b);
                    inner = s.substring(1, s.length() - 1);
                }
            }
            List<String> items = new ArrayList<>();
            for (String item : splitTopLevel(inner, ",")) items.addAll(expandPlusMinus(item));
            if (items.size() < 2) return null;
            return new Seq(open, close, items);
        }

        boolean unordered() {
            return open.equals("{") || open.isEmpty();
        }
    }

    /** True when the first bracket of s is closed by its last character (not "(1)+(2)"). */
    static boolean enclosesAll(String s) {
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(' || c == '[' || c == '{') depth++;
            else if (c == ')' || c == ']' || c == '}') depth--;
            // An interval like "[1,2)" has unbalanced kinds; only depth matters here.
            if (depth == 0 && i < s.length() - 1) return false;
        }
        return depth == 0;
    }

    private static List<String> expandPlusMinus(String item) {
        List<String> parts = splitTopLevel(item, "\\pm");
        if (parts.size() != 2) return List.of(item);
        return List.of(parts.get(0) + "+" + parts.get(1), parts.get(0) + "-" + parts.get(1));
    }

    private boolean seqEqual(Seq a, Seq b, String p, String r, Deadline d) {
        if (a == null) a = Seq.of("(" + p + ")");
        if (b == null) b = Seq.of("(" + r + ")");
        if (a == null || b == null || a.items.size() != b.items.size()) return false;
        boolean bracketsAgree = a.open.equals(b.open) && a.close.equals(b.close);
        boolean tupleVsBare = (a.open.isEmpty() && b.open.equals("(") && b.close.equals(")"))
                || (b.open.isEmpty() && a.open.equals("(") && a.close.equals(")"));
        // A Python list against a bare list of solutions ("[1, 2]" vs "2, 1", a program's printed
        // answer) is that list, as ToRA's math_equal strips the brackets; in any order, as the
        // bare list is a set of solutions. ("[1,2]" against "(1,2)" or "[1,2)" stays unequal.)
        boolean listVsBare = (a.open.equals("[") && a.close.equals("]") && b.open.isEmpty())
                || (b.open.equals("[") && b.close.equals("]") && a.open.isEmpty());
        if (listVsBare) return multisetEqual(a.items, b.items, d);
        if (!bracketsAgree && !tupleVsBare) {
            // A set against a bare list of solutions ("\{1,2\}" vs "2,1") is the same answer.
            boolean setVsBare = (a.open.equals("{") && b.open.isEmpty()) || (b.open.equals("{") && a.open.isEmpty());
            if (!setVsBare) return false;
        }
        if (!tupleVsBare && a.unordered() && b.unordered()) return multisetEqual(a.items, b.items, d);
        for (int i = 0; i < a.items.size(); i++) if (!equal(a.items.get(i), b.items.get(i), d)) return false;
        return true;
    }

    private boolean multisetEqual(List<String> a, List<String> b, Deadline d) {
        boolean[] used = new boolean[b.size()];
        outer:
        for (String x : a) {
            for (int j = 0; j < b.size(); j++) {
                if (!used[j] && equal(x, b.get(j), d)) {
                    used[j] = true;
                    continue outer;
                }
            }
            return false;
        }
        return true;
    }

    /** Splits at top-level occurrences of sep (outside (), [], {}). */
    static List<String> splitTopLevel(String s, String sep) {
        List<String> out = new ArrayList<>();
        int depth = 0, start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == '{' || s.charAt(i + 1) == '}')) {
                depth += s.charAt(i + 1) == '{' ? 1 : -1;
                i++;
                continue;
            }
            if (c == '(' || c == '[' || c == '{') depth++;
            else if (c == ')' || c == ']' || c == '}') depth--;
            else if (depth == 0 && s.startsWith(sep, i)
                    && !(sep.equals("=") && i > 0 && "<>!\\".indexOf(s.charAt(i - 1)) >= 0)
                    && !(sep.startsWith("\\") && i + sep.length() < s.length() && Character.isLetter(s.charAt(i + sep.length())) && Character.isLetter(sep.charAt(sep.length() - 1)))) {
                out.add(s.substring(start, i));
                start = i + sep.length();
                i = start - 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }

    /** Symbolic equality of two expressions; false when either does not parse or evaluate. */
    boolean symbolicEqual(String a, String b, Deadline d) {
        Expr ea, eb;
        try {
            ea = LatexParser.parse(a, d);
            eb = LatexParser.parse(b, d);
        } catch (LatexParser.ParseException | ArithmeticException | NumberFormatException e) {
            return false;
        }
        return sameFunction(ea, eb, d, false);
    }

    /** Equations may be scaled: 2x+2y=2 is x+y=1. Checks that (lhs-rhs) differ by a constant factor. */
    private boolean proportional(String a, String b, Deadline d) {
        Expr ea, eb;
        try {
            ea = LatexParser.parse(a, d);
            eb = LatexParser.parse(b, d);
        } catch (LatexParser.ParseException | ArithmeticException | NumberFormatException e) {
            return false;
        }
        return sameFunction(ea, eb, d, true);
    }

    private boolean sameFunction(Expr a, Expr b, Deadline d, boolean upToFactor) {
        Set<String> vars = new TreeSet<>();
        a.collectVariables(vars);
        b.collectVariables(vars);
        boolean approximate = a.hasDecimal() || b.hasDecimal();
        if (!upToFactor && vars.equals(Set.of("i"))) {
            // i is the imaginary unit when it is the only letter (MATH's a+bi answers, Python's
            // 6+9j after the normalizer); where that evaluation fails (a function of a
            // non-real number) i stays a variable, as it was before
            try {
                Complex ca = a.evalComplex(d), cb = b.evalComplex(d);
                return ca.sameAs(cb, !approximate, approximate ? NUMBER_REL_TOL : EXACT_FORM_REL_TOL);
            } catch (ArithmeticException e) {
                // fall through
            }
        }
        Random rnd = new Random(0x5EED);
        int points = vars.isEmpty() ? 1 : RANDOM_POINTS, agreed = 0;
        double ratio = Double.NaN;
        Rational exactRatio = null;
        // when fewer than 3 of the first points lie in both sides' domain (\sqrt{1-x^2} needs
        // |x| <= 1, \sqrt{-x} a negative x, \sqrt{x-100} a large one), more points are drawn in
        // (-1, 1), among the negatives and up to 1000, until 3 agree: these pairs had graded
        // unequal even against themselves rewritten, and a pair that agreed at 3 of the first 8
        // points is graded as it was
        for (int t = 0; t < points || (!vars.isEmpty() && agreed < 3 && t < RANDOM_POINTS + EXTRA_POINTS); t++) {
            d.check();
            Map<String, Rational> at = new HashMap<>();
            for (String v : vars) {
                if (t < RANDOM_POINTS) {
                    at.put(v, Rational.of(1 + rnd.nextInt(97), 1 + rnd.nextInt(13)));
                    continue;
                }
                int q = 1 + rnd.nextInt(13);
                at.put(v, switch (t % 3) {
                    case 0 -> Rational.of(rnd.nextInt(2 * q + 1) - q, q + 1);
                    case 1 -> Rational.of(-1 - rnd.nextInt(97), q);
                    default -> Rational.of(1 + rnd.nextInt(1000 * q), q);
                });
            }
            Expr.Value va, vb;
            try {
                va = a.eval(at, d);
                vb = b.eval(at, d);
            } catch (ArithmeticException e) {
                if (vars.isEmpty() && !upToFactor) {
                    // a constant that is not real (\sqrt{-4} against 2\sqrt{-1}, or itself in
                    // parentheses, graded unequal while \sqrt{-4} against 2i was equal): complex
                    // arithmetic, tried only now so that \sqrt[3]{-8} stays the real -2
                    try {
                        return a.evalComplex(d).sameAs(b.evalComplex(d), !approximate, approximate ? NUMBER_REL_TOL : EXACT_FORM_REL_TOL);
                    } catch (ArithmeticException again) {
                        return false;
                    }
                }
                continue; // outside the domain of one side at this point
            }
            if (t >= RANDOM_POINTS && !(va.exact() != null && vb.exact() != null && !approximate)
                    && (!Double.isFinite(va.approx()) || !Double.isFinite(vb.approx())
                        || Math.abs(va.approx()) < 1e-6 && Math.abs(vb.approx()) < 1e-6)) {
                // an extra point says nothing where a side overflows or both are nearly 0 (in
                // (-1, 1), x^{999999999} and x^{99999} both round to 0)
                continue;
            }
            if (upToFactor) {
                if (va.approx() == 0 && vb.approx() == 0) {
                    agreed++;
                    continue;
                }
                if (va.approx() == 0 || vb.approx() == 0) return false;
                if (va.exact() != null && vb.exact() != null && !approximate) {
                    Rational q = va.exact().divide(vb.exact());
                    if (exactRatio != null && !exactRatio.equals(q)) return false;
                    exactRatio = q;
                } else {
                    double q = va.approx() / vb.approx();
                    if (!Double.isNaN(ratio) && !close(ratio, q, 1e-7)) return false;
                    ratio = q;
                }
            } else if (va.exact() != null && vb.exact() != null && !approximate) {
                if (!va.exact().equals(vb.exact())) return false;
            } else {
                double tol = approximate ? NUMBER_REL_TOL : (vars.isEmpty() ? EXACT_FORM_REL_TOL : 1e-7);
                if (!close(va.approx(), vb.approx(), tol) && !(Math.abs(va.approx() - vb.approx()) < 1e-12)) return false;
            }
            agreed++;
        }
        return vars.isEmpty() ? agreed == 1 : agreed >= 3;
    }
}
