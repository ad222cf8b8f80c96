package dev.calx.decode.grade;

import dev.calx.decode.grade.internal.Deadline;
import dev.calx.decode.grade.internal.LatexParser;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * String normalization of a final answer, following the MATH graders of ToRA / MuMath-Code
 * ({@code strip_string}): \left/\right, spaces, \!, units in \text{}, degrees, dollars, trailing
 * '.', dfrac/tfrac, \frac12, a/b. Unlike that code it keeps \cdot (turning "2\cdot 3"
 * into "23" would make a wrong answer right); the expression parser reads it as a product. Nor
 * does it rewrite a bare "0.5" as "\frac{1}{2}": the grader compares numbers by value, and the
 * rewrite took 0.5, alone of all decimals, out of the plain-number percentage rule (50 against a
 * reference 0.5 was wrong where 25 against 0.25 was right).
 */
public final class AnswerNormalizer {
    private static final Pattern TRAILING_UNIT = Pattern.compile(
            "\\\\(?:text|mbox|textbf|mathrm)\\{[^{}]*\\}(?:\\^\\{?\\d\\}?)?$");
    private static final Pattern TEXT_WRAP = Pattern.compile("\\\\(?:text|textbf|mbox|mathrm|mathbf|textit)\\{([^{}]*)\\}");
    private static final Pattern THIN_THOUSANDS = Pattern.compile("(?<=\\d),\\s*\\\\!\\s*(?=\\d{3}(?!\\d))");
    private static final Pattern THOUSANDS = Pattern.compile("^-?\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?$");
    private static final Pattern TRAILING_ZEROS_INSIDE = Pattern.compile("(\\d+)\\.0+(?=[^\\d]|$)");
    private static final Pattern SIMPLE_SLASH = Pattern.compile("^(-?\\d+)/(\\d+)$");
    private static final Pattern BRACED_SUBSCRIPT = Pattern.compile("_\\{(\\w+)\\}");
    private static final Pattern SHORT_LHS = Pattern.compile("^\\s*[A-Za-z](?:_\\w)?\\s*=(?!=)");

    private static final Pattern MEMBERSHIP = Pattern.compile("(?:^\\s*[A-Za-z]|x)\\s*\\\\in(?![A-Za-z])\\s*");
    private static final Pattern COMMAND_SPACE = Pattern.compile("(\\\\[A-Za-z]+)\\s+(?=[A-Za-z])");
    /** "1 and 2", "x=1 or x=2", "1, 2, and 3": a list of answers (spaces around the word required). */
    private static final Pattern AND_OR = Pattern.compile("\\s*,?\\s+(?:and|or)\\s+(?=\\S)");
    private static final Pattern REPEATING = Pattern.compile("(-?)(\\d*)\\.(\\d*)\\\\overline\\{(\\d+)\\}");
    private static final Pattern ALL_REALS = Pattern.compile("^(?:\\\\mathbb\\{R\\}|\\\\mathbb R|\\\\R|allrealnumbers|\\(-\\\\infty,\\+?\\\\infty\\))$");
    /** "x\ge2" (after spaces went): one variable against a bound. */
    private static final Pattern ONE_SIDED = Pattern.compile("^([A-Za-z])(\\\\ge|\\\\le|>|<) ?([^<>=]+)$");
    private static final Pattern ONE_SIDED_REVERSED = Pattern.compile("^([^<>=]+?)(\\\\ge|\\\\le|>|<) ?([A-Za-z])$");
    private static final Pattern TWO_SIDED = Pattern.compile("^([^<>=]+?)(\\\\le|<) ?([A-Za-z])(\\\\le|<) ?([^<>=]+)$");

    private static final String PY_FLOAT = "(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?";
    /** A string that is Python's repr of complex numbers (or of a list or tuple of numbers). */
    private static final Pattern PY_COMPLEX_ONLY = Pattern.compile("^[\\s\\d.eE+\\-()\\[\\],j]*$");
    /** Python's "(a+bj)", the sign of b kept. */
    private static final Pattern PY_COMPLEX = Pattern.compile("\\(([+-]?" + PY_FLOAT + ")([+-])(" + PY_FLOAT + ")j\\)");
    /** Python's "bj". */
    private static final Pattern PY_IMAGINARY = Pattern.compile("(^|[^\\de.])(" + PY_FLOAT + ")j");
    private static final Pattern SYMPY_I = Pattern.compile("(?<![A-Za-z_])I(?![A-Za-z_0-9])");
    /** SymPy's printing of a number: no letters but I, sqrt and pi (checked with those two blanked). */
    private static final Pattern SYMPY_NUMBER = Pattern.compile("^(?:[^A-Za-z_\\\\]|(?<![A-Za-z_])I(?![A-Za-z_0-9]))*$");

    private AnswerNormalizer() {}

    /**
     * Normalizes an answer so that equal answers written differently become equal strings.
     *
     * @param answer an extracted answer or a reference; may be null
     * @return the normalized form; empty for null or when nothing is left
     */
    public static String normalize(String answer) {
        if (answer == null) return "";
        String s = answer.strip().replace("\n", "");
        s = stripTrailingDots(s);
        // Protect the matrix row separator "\\" from the one-backslash rules below.
        s = s.replace("\\\\", "\u0001");
        // MATH's thousands separator ",\!" goes wherever it stands ("\frac{12}{5,\!525}"), not
        // only in an answer that is one number (THOUSANDS, below)
        s = THIN_THOUSANDS.matcher(s).replaceAll("");
        s = s.replace("\\!", "").replace("\\,", "").replace("\\;", "").replace("\\ ", " ").replace("{,}", "");
        s = s.replace("\u0001", "\\\\");
        s = s.replaceAll("\\\\begin\\{array\\}\\{[^}]*\\}", "\\\\begin{pmatrix}").replace("\\end{array}", "\\end{pmatrix}");
        s = s.replace("bmatrix", "pmatrix");
        s = s.replace("tfrac", "frac").replace("dfrac", "frac");
        s = s.replace("\\neq", "\\ne").replace("\\leq", "\\le").replace("\\geq", "\\ge");
        s = s.replace("\\left", "").replace("\\right", "");
        s = s.replace("\\displaystyle", "");
        s = s.replace("\\{", "{").replace("\\}", "}");
        // Units: a trailing \text{...} goes when something is left ("10\text{ cm}" -> "10").
        while (true) {
            String t = TRAILING_UNIT.matcher(s).replaceAll("").strip();
            if (t.isEmpty() || t.equals(s)) break;
            s = t;
        }
        s = trigDegreesAsRadians(s);
        s = s.replace("^{\\circ}", "").replace("^\\circ", "").replace("\\circ", "").replace("°", "");
        s = s.replace("\\$", "").replace("$", "");
        Matcher m = TEXT_WRAP.matcher(s);
        while (m.find()) {
            s = m.replaceAll(r -> Matcher.quoteReplacement(r.group(1)));
            m = TEXT_WRAP.matcher(s);
        }
        s = SympyPrinted.rewrite(s);
        s = pythonImaginaryUnit(s);
        String union = inequalitiesJoinedByOr(s);
        if (union != null) return union;
        String intersection = inequalitiesJoinedByAnd(s);
        if (intersection != null) return intersection;
        s = AND_OR.matcher(s).replaceAll(",");
        // "x \in [a, b]" is the set: a leading one-letter variable (or x anywhere, as ToRA) with
        // its spaces, but not \infty or \int
        s = MEMBERSHIP.matcher(s).replaceAll("");
        s = s.replace("\\%", "").replace("%", "");
        s = s.replace(" .", " 0.").replace("{.", "{0.");
        s = s.replace("infinity", "\\infty");
        if (!s.contains("\\infty")) s = s.replace("inf", "\\infty");
        s = s.strip();
        if (s.isEmpty()) return s;
        if (SHORT_LHS.matcher(s).find() && s.indexOf('=') == s.lastIndexOf('=')) {
            s = s.substring(s.indexOf('=') + 1);
        }
        // Spaces go, except the one that ends a command before a letter ("\\cot x" is not "\\cotx").
        s = COMMAND_SPACE.matcher(s).replaceAll("$1\u0002").replace(" ", "").replace('\u0002', ' ');
        s = stripTrailingDots(s);
        if (THOUSANDS.matcher(s).matches()) s = s.replace(",", "");
        s = TRAILING_ZEROS_INSIDE.matcher(s).replaceAll("$1");
        if (s.startsWith(".")) s = "0" + s;
        if (s.startsWith("-.")) s = "-0" + s.substring(1);
        s = fixSqrt(s);
        s = fixFracs(s);
        s = repeatingDecimals(s);
        s = inequalityAsInterval(s);
        if (ALL_REALS.matcher(s).matches()) s = "(-\\infty,\\infty)";
        s = BRACED_SUBSCRIPT.matcher(s).replaceAll("_$1");
        Matcher slash = SIMPLE_SLASH.matcher(s);
        if (slash.matches()) s = "\\frac{" + slash.group(1) + "}{" + slash.group(2) + "}";
        return s;
    }

    /**
     * Python's and SymPy's imaginary unit as i, for a program's printed answer: Python's repr
     * {@code (6+9j)}, {@code -2.5j}, {@code (1.2246467991473532e-16+1j)} (also in a printed list or
     * tuple) becomes {@code 6+9i}, {@code -2.5i}, {@code 0.00000000000000012246467991473532+1i}
     * (exponents written out, so that no {@code e} is left to read as a letter). SymPy's
     * {@code I} becomes i in a string with no other letters than {@code sqrt} and {@code pi}
     * ({@code 6 + 9*I}, {@code 8 - I}, {@code sqrt(3)*I}, {@code 3/2 + 3*I/2}; "I, II" stays).
     * Only strings made of nothing else (numbers, signs, brackets, commas, j) are read as
     * Python's repr, so {@code \mathbf{j}} and a j among letters stay as they are.
     */
    static String pythonImaginaryUnit(String s) {
        if (PY_COMPLEX_ONLY.matcher(s).matches() && s.indexOf('j') >= 0) {
            s = PY_COMPLEX.matcher(s).replaceAll(r -> plainNumber(r.group(1)) + r.group(2) + plainNumber(r.group(3)) + "i");
            s = PY_IMAGINARY.matcher(s).replaceAll(r -> r.group(1) + plainNumber(r.group(2)) + "i");
        }
        if (SYMPY_I.matcher(s).find() && SYMPY_NUMBER.matcher(s.replace("sqrt", " ").replace("pi", " ")).matches()) {
            s = SYMPY_I.matcher(s).replaceAll("i");
        }
        return s;
    }

    /** A decimal with its exponent written out ("1e-05" is "0.00001"). */
    private static String plainNumber(String n) {
        if (n.indexOf('e') < 0 && n.indexOf('E') < 0) return n;
        return new java.math.BigDecimal(n).toPlainString();
    }

    /** "0.\overline{3}" -> "\frac{1}{3}", "1.2\overline{36}" -> "\frac{68}{55}" (exact, reduced). */
    static String repeatingDecimals(String s) {
        Matcher m = REPEATING.matcher(s);
        if (!m.find()) return s;
        return m.replaceAll(r -> {
            String whole = r.group(2), fixed = r.group(3), cycle = r.group(4);
            java.math.BigInteger all = new java.math.BigInteger("0" + whole + fixed + cycle);
            java.math.BigInteger head = new java.math.BigInteger("0" + whole + fixed);
            java.math.BigInteger num = all.subtract(head);
            java.math.BigInteger den = java.math.BigInteger.TEN.pow(fixed.length())
                    .multiply(java.math.BigInteger.TEN.pow(cycle.length()).subtract(java.math.BigInteger.ONE));
            java.math.BigInteger g = num.gcd(den);
            if (g.signum() != 0) {
                num = num.divide(g);
                den = den.divide(g);
            }
            String frac = den.equals(java.math.BigInteger.ONE) ? num.toString() : "\\frac{" + num + "}{" + den + "}";
            return Matcher.quoteReplacement(r.group(1) + frac);
        });
    }

    /**
     * One variable bounded on one or both sides, as the interval it describes: "x\ge2" ->
     * "[2,\infty)", "x<3" -> "(-\infty,3)", "2<x\le5" -> "(2,5]". Runs on the
     * space-free form.
     */
    static String inequalityAsInterval(String s) {
        Matcher two = TWO_SIDED.matcher(s);
        if (two.matches()) {
            return (two.group(2).equals("<") ? "(" : "[") + two.group(1) + "," + two.group(5) + (two.group(4).equals("<") ? ")" : "]");
        }
        Matcher one = ONE_SIDED.matcher(s);
        String bound, rel;
        if (one.matches()) {
            bound = one.group(3);
            rel = one.group(2);
        } else {
            Matcher rev = ONE_SIDED_REVERSED.matcher(s);
            if (!rev.matches()) return s;
            bound = rev.group(1);
            // "2\le x" is "x\ge 2"
            rel = switch (rev.group(2)) {
                case "<" -> ">";
                case ">" -> "<";
                case "\\le" -> "\\ge";
                default -> "\\le";
            };
        }
        return switch (rel) {
            case ">" -> "(" + bound + ",\\infty)";
            case "\\ge" -> "[" + bound + ",\\infty)";
            case "<" -> "(-\\infty," + bound + ")";
            default -> "(-\\infty," + bound + "]";
        };
    }

    /** " or " between two answers (the \text{ or } form is unwrapped by then). */
    private static final Pattern OR_WORD = Pattern.compile("\\s+or\\s+");

    /**
     * "x<-2 or x>3" -> "(-\infty,-2)\cup(3,\infty)": inequalities on one variable joined by
     * "or" are the union of their intervals, listed by lower bound where every bound is a
     * constant (a number or an expression without variables, such as {@code 4-\sqrt{3}}; as MATH
     * writes a union), else in the order given. "and" is the intersection
     * ({@link #inequalitiesJoinedByAnd}).
     * {@return the union in normal form, or null when s is not such a list}
     */
    static String inequalitiesJoinedByOr(String s) {
        String[] parts = OR_WORD.split(s.strip());
        if (parts.length < 2) return null;
        String variable = null;
        List<String> intervals = new ArrayList<>();
        for (String part : parts) {
            String t = part.replace(" ", "");
            String v = inequalityVariable(t);
            if (v == null || (variable != null && !variable.equals(v))) return null;
            variable = v;
            intervals.add(normalize(part));
        }
        List<String> sorted = new ArrayList<>(intervals);
        try {
            sorted.sort(java.util.Comparator.comparingDouble(AnswerNormalizer::lowerBound));
            intervals = sorted;
        } catch (NumberFormatException e) {
            // a bound that is not a constant: keep the order given
        }
        return String.join("\\cup", intervals);
    }

    /** " and " between two answers (the \text{ and } form is unwrapped by then). */
    private static final Pattern AND_WORD = Pattern.compile("\\s+and\\s+");

    /**
     * "x>2 and x\le5" -> "(2,5]": inequalities on one variable joined by "and" are the
     * intersection of their intervals. Only where every bound is a constant (a number, an
     * expression without variables, or {@code \infty}) and the intersection is a non-empty interval of more than one point;
     * otherwise s is left to the other rules (which read "and" as a list separator).
     * {@return the intersection in normal form, or null when s is not such a list}
     */
    static String inequalitiesJoinedByAnd(String s) {
        String[] parts = AND_WORD.split(s.strip());
        if (parts.length < 2) return null;
        String variable = null, lo = "-\\infty", hi = "\\infty";
        double low = Double.NEGATIVE_INFINITY, high = Double.POSITIVE_INFINITY;
        boolean lowClosed = false, highClosed = false;
        for (String part : parts) {
            String v = inequalityVariable(part.replace(" ", ""));
            if (v == null || (variable != null && !variable.equals(v))) return null;
            variable = v;
            String interval = normalize(part);
            int comma = interval.indexOf(',');
            if (comma < 1 || interval.length() < 4 || "([".indexOf(interval.charAt(0)) < 0 || ")]".indexOf(interval.charAt(interval.length() - 1)) < 0) return null;
            String a = interval.substring(1, comma), b = interval.substring(comma + 1, interval.length() - 1);
            double x, y;
            try {
                x = bound(a);
                y = bound(b);
            } catch (NumberFormatException e) {
                return null;
            }
            boolean aClosed = interval.charAt(0) == '[', bClosed = interval.charAt(interval.length() - 1) == ']';
            if (x > low || (x == low && !aClosed)) {
                low = x;
                lo = a;
                lowClosed = aClosed;
            }
            if (y < high || (y == high && !bClosed)) {
                high = y;
                hi = b;
                highClosed = bClosed;
            }
        }
        if (!(low < high)) return null;
        return (lowClosed ? "[" : "(") + lo + "," + hi + (highClosed ? "]" : ")");
    }

    /** A plain-number interval bound, or an infinite one. */
    private static double bound(String b) {
        return switch (b) {
            case "-\\infty" -> Double.NEGATIVE_INFINITY;
            case "\\infty", "+\\infty" -> Double.POSITIVE_INFINITY;
            default -> constant(b);
        };
    }

    /**
     * The value of a bound: a plain number, or an expression without variables ({@code 4-\sqrt{3}},
     * {@code \frac{3}{7}}, session 22); NumberFormatException for anything else.
     */
    private static double constant(String b) {
        try {
            return Double.parseDouble(b);
        } catch (NumberFormatException e) {
            try {
                Deadline d = new Deadline(BOUND_MILLIS);
                return LatexParser.parse(b, d).eval(java.util.Map.of(), d).approx();
            } catch (LatexParser.ParseException | ArithmeticException | Deadline.TimeoutException e2) {
                throw new NumberFormatException("not a constant bound: " + b);
            }
        }
    }

    /** The time limit of evaluating one bound. */
    private static final long BOUND_MILLIS = 200;

    private static final Pattern TRIG_DEGREES_PAREN = Pattern.compile(
            "\\\\(sin|cos|tan|cot|sec|csc)\\s*\\(\\s*(\\d+(?:\\.\\d+)?)\\s*(?:\\^\\s*\\{\\s*\\\\circ\\s*}|\\^\\s*\\\\circ|°)\\s*\\)");
    private static final Pattern TRIG_DEGREES = Pattern.compile(
            "\\\\(sin|cos|tan|cot|sec|csc)\\s*(\\d+(?:\\.\\d+)?)\\s*(?:\\^\\s*\\{\\s*\\\\circ\\s*}|\\^\\s*\\\\circ|°)");

    /**
     * "\sin 30^\circ" -> "\sin(\frac{30\pi}{180})": a trigonometric function of a number
     * of degrees gets its argument in radians, before degree signs elsewhere are dropped (where
     * "30^\circ" stays 30, an angle's answer).
     */
    static String trigDegreesAsRadians(String s) {
        if (s.indexOf("circ") < 0 && s.indexOf('°') < 0) return s;
        s = TRIG_DEGREES_PAREN.matcher(s).replaceAll("\\\\$1(\\\\frac{$2\\\\pi}{180})");
        return TRIG_DEGREES.matcher(s).replaceAll("\\\\$1(\\\\frac{$2\\\\pi}{180})");
    }

    /** {@return the variable of a space-free one- or two-sided inequality, or null} */
    private static String inequalityVariable(String t) {
        Matcher m = TWO_SIDED.matcher(t);
        if (m.matches()) return m.group(3);
        m = ONE_SIDED.matcher(t);
        if (m.matches()) return m.group(1);
        m = ONE_SIDED_REVERSED.matcher(t);
        return m.matches() ? m.group(3) : null;
    }

    /** The lower bound of a normalized interval "(a,b]"; -infinity for "-\infty". */
    private static double lowerBound(String interval) {
        int comma = interval.indexOf(',');
        if (comma < 1 || "([".indexOf(interval.charAt(0)) < 0) throw new NumberFormatException("not an interval: " + interval);
        return bound(interval.substring(1, comma));
    }

    private static String stripTrailingDots(String s) {
        while (s.endsWith(".")) s = s.substring(0, s.length() - 1).strip();
        return s;
    }

    /** "\sqrt2" -> "\sqrt{2}". */
    static String fixSqrt(String s) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            if (s.startsWith("\\sqrt", i) && i + 5 < s.length() && s.charAt(i + 5) != '{' && s.charAt(i + 5) != '['
                    && Character.isLetterOrDigit(s.charAt(i + 5))) {
                out.append("\\sqrt{").append(s.charAt(i + 5)).append('}');
                i += 6;
            } else {
                out.append(s.charAt(i++));
            }
        }
        return out.toString();
    }

    /** "\frac12" -> "\frac{1}{2}", "\frac1{2}" -> "\frac{1}{2}", "\frac{1}2" -> "\frac{1}{2}". */
    static String fixFracs(String s) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            if (!s.startsWith("\\frac", i)) {
                out.append(s.charAt(i++));
                continue;
            }
            out.append("\\frac");
            i += 5;
            for (int arg = 0; arg < 2 && i < s.length(); arg++) {
                char c = s.charAt(i);
                if (c == '{') {
                    int end = matchingBrace(s, i);
                    if (end < 0) {
                        out.append(s.substring(i));
                        return out.toString();
                    }
                    out.append(s, i, end + 1);
                    i = end + 1;
                } else if (c == '\\') {
                    break; // \frac\pi2 and friends: leave as written, the parser reads them
                } else {
                    out.append('{').append(c).append('}');
                    i++;
                }
            }
        }
        return out.toString();
    }

    static int matchingBrace(String s, int open) {
        int depth = 0;
        for (int k = open; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c == '{') depth++;
            else if (c == '}' && --depth == 0) return k;
        }
        return -1;
    }
}
