package dev.calx.decode.grade;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SymPy's printing of sets and inequalities, as a program's printed answer, in the forms MATH
 * writes (session 22):
 * <ul>
 *   <li>{@code Interval(0, oo)}, {@code Interval.open(-oo, -8)}, {@code Interval.Lopen(a, b)},
 *       {@code Interval.Ropen(a, b)} are {@code [0,\infty)}, {@code (-\infty,-8)},
 *       {@code (a,b]}, {@code [a,b)}; {@code Union(A, B)} is {@code A\cup B};</li>
 *   <li>a relation in one variable as {@code as_relational} and
 *       {@code solve_univariate_inequality} print it, {@code (8 < x) | (x < -8)} or
 *       {@code (x <= 1) & (0 < x)}, is {@code 8<x or x<-8} and {@code 0<x\le 1}, which
 *       {@link AnswerNormalizer} then takes as the union of intervals; {@code Ne(x, 3)} is
 *       {@code x<3 or 3<x}, also within bounds ({@code (x > 2) & (x < 9) & Ne(x, 3)});</li>
 *   <li>{@code Matrix([[1, 2], [3, 4]])} and a list of equally long lists {@code [[1, 2], [3, 4]]}
 *       are {@code \begin{pmatrix}1&2\\3&4\end{pmatrix}};</li>
 *   <li>{@code Eq(y, 2*x + 3)} is {@code y = 2*x + 3};</li>
 *   <li>{@code oo} is {@code \infty}.</li>
 * </ul>
 * Only strings without a backslash are read; anything else of SymPy's stays as it was.
 */
final class SympyPrinted {
    private static final Pattern OO = Pattern.compile("(?<![A-Za-z_0-9])oo(?![A-Za-z_0-9])");
    private static final Pattern INTERVAL = Pattern.compile("^Interval(\\.open|\\.Lopen|\\.Ropen)?\\((.*)\\)$");
    private static final Pattern RELATION = Pattern.compile("^([^<>=&|]+?)(<=|>=|<|>)([^<>=&|]+)$");
    private static final Pattern VARIABLE = Pattern.compile("^[A-Za-z]$");
    private static final Pattern NOT_EQUAL = Pattern.compile("^Ne\\(([A-Za-z]),([^<>=&|]+)\\)$");

    private SympyPrinted() {}

    static String rewrite(String s) {
        if (s.indexOf('\\') >= 0) return s;
        String t = s.strip(), r = null;
        String matrix = matrix(t);
        if (matrix != null) return OO.matcher(matrix).replaceAll(Matcher.quoteReplacement("\\infty"));
        if (t.startsWith("Eq(") && closesAt(t, 2)) {
            List<String> sides = topLevel(t.substring(3, t.length() - 1), ',');
            if (sides.size() == 2) r = sides.get(0).strip() + " = " + sides.get(1).strip();
        } else if (t.startsWith("Interval") || t.startsWith("Union(")) r = set(t);
        else if (t.indexOf('<') >= 0 || t.indexOf('>') >= 0 || t.startsWith("Ne(")) r = relations(t);
        if (r != null) t = r;
        else if (!OO.matcher(t).find()) return s;
        return OO.matcher(t).replaceAll(Matcher.quoteReplacement("\\infty"));
    }

    /**
     * SymPy's {@code Matrix([[1, 2], [3, 4]])} or a list of equally long lists
     * {@code [[1, 2], [3, 4]]} (also {@code [[6], [3], [0]]}, a column) as a pmatrix, or null.
     */
    private static String matrix(String t) {
        if (t.startsWith("Matrix(") && closesAt(t, 6)) t = t.substring(7, t.length() - 1).strip();
        if (!t.startsWith("[[") || !t.endsWith("]]") || !MathGrader.enclosesAll(t)) return null;
        List<String> rows = new ArrayList<>();
        int width = -1;
        for (String row : topLevel(t.substring(1, t.length() - 1), ',')) {
            row = row.strip();
            if (!row.startsWith("[") || !row.endsWith("]") || !MathGrader.enclosesAll(row)) return null;
            List<String> cells = topLevel(row.substring(1, row.length() - 1), ',');
            if (width >= 0 && cells.size() != width) return null;
            width = cells.size();
            rows.add(String.join("&", cells.stream().map(String::strip).toList()));
        }
        return "\\begin{pmatrix}" + String.join("\\\\", rows) + "\\end{pmatrix}";
    }

    /** A SymPy Interval or Union as MATH writes it, or null. */
    private static String set(String t) {
        t = t.strip();
        if (t.startsWith("Union(") && closesAt(t, 5)) {
            List<String> out = new ArrayList<>();
            for (String part : topLevel(t.substring(6, t.length() - 1), ',')) {
                String p = set(part);
                if (p == null) return null;
                out.add(p);
            }
            return String.join("\\cup ", out);
        }
        Matcher m = INTERVAL.matcher(t);
        if (!m.matches() || !closesAt(t, t.indexOf('('))) return null;
        List<String> ends = topLevel(m.group(2), ',');
        if (ends.size() != 2) return null;
        String kind = m.group(1) == null ? "" : m.group(1), a = ends.get(0).strip(), b = ends.get(1).strip();
        boolean leftOpen = kind.equals(".open") || kind.equals(".Lopen") || a.equals("-oo");
        boolean rightOpen = kind.equals(".open") || kind.equals(".Ropen") || b.equals("oo");
        return (leftOpen ? "(" : "[") + a + "," + b + (rightOpen ? ")" : "]");
    }

    /**
     * "(8 < x) | (x < -8)" as "8<x or x<-8", "(x <= 1) & (0 < x)" as "0<x\le 1": relations of
     * one variable against bounds, joined by | at the top and by & inside; null otherwise.
     */
    private static String relations(String t) {
        List<String> out = new ArrayList<>();
        for (String part : topLevel(t, '|')) {
            List<String> conj = new ArrayList<>(topLevel(unwrap(part), '&'));
            String var = null, lower = null, upper = null, excluded = null;
            for (int k = 0; k < conj.size(); k++) {
                Matcher ne = NOT_EQUAL.matcher(unwrap(conj.get(k)).replace(" ", ""));
                if (!ne.matches()) continue;
                if (excluded != null) return null;
                var = ne.group(1);
                excluded = ne.group(2);
                conj.remove(k--);
            }
            if (conj.size() > 2) return null;
            for (String c : conj) {
                Matcher m = RELATION.matcher(unwrap(c).replace(" ", ""));
                if (!m.matches()) return null;
                String left = m.group(1), op = m.group(2), right = m.group(3), v, bound;
                boolean varLeft = VARIABLE.matcher(left).matches();
                if (varLeft == VARIABLE.matcher(right).matches()) return null;
                v = varLeft ? left : right;
                bound = varLeft ? right : left;
                // "x < b" and "b > x" bound x from above
                boolean above = varLeft == op.startsWith("<");
                String strict = op.length() == 1 ? "<" : "\\le ";
                if (var != null && !var.equals(v)) return null;
                var = v;
                if (above) {
                    if (upper != null) return null;
                    upper = strict + bound;
                } else {
                    if (lower != null) return null;
                    lower = bound + strict;
                }
            }
            if (conj.size() == 2 && (lower == null || upper == null)) return null;
            String low = lower == null ? "" : lower, high = upper == null ? "" : upper;
            if (excluded == null) {
                out.add(low + var + high);
            } else {
                // Ne(x, a): x < a or x > a, within the other bounds
                out.add(low + var + "<" + excluded);
                out.add(excluded + "<" + var + high);
            }
        }
        return String.join(" or ", out);
    }

    /** s without one pair of parentheses around all of it. */
    private static String unwrap(String s) {
        s = s.strip();
        return s.startsWith("(") && closesAt(s, 0) ? s.substring(1, s.length() - 1).strip() : s;
    }

    /** Whether the bracket at s[open] is a parenthesis closed by the last character of s. */
    private static boolean closesAt(String s, int open) {
        return open >= 0 && s.endsWith(")") && MathGrader.enclosesAll(s.substring(open));
    }

    /** s split at sep outside brackets. */
    private static List<String> topLevel(String s, char sep) {
        return MathGrader.splitTopLevel(s, String.valueOf(sep));
    }
}
