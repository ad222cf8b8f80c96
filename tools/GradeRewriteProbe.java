import dev.calx.decode.grade.MathGrader;

import java.util.SplittableRandom;

/**
 * A random probe of the grader: generated LaTeX answers (numbers, fractions, roots, powers,
 * variables, tuples, intervals, percentages, equations) each graded against itself, against
 * rewrites of itself that change nothing (in parentheses, +0, 1\cdot(...), \frac{2(...)}{2},
 * \dfrac for \frac, 0+), and against another answer both ways. Prints the answers unequal to a
 * rewrite and the counts; no threshold, a finding is a line to read.
 *
 * <pre>
 * bin/build -q -o -DskipTests package
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java --add-modules jdk.incubator.vector \
 *     -cp solver/target/calx.jar tools/GradeRewriteProbe.java 3000 1
 * </pre>
 * Arguments: how many answers, the seed.
 */
public class GradeRewriteProbe {
    static SplittableRandom r;
    static String num() {
        return switch (r.nextInt(6)) {
            case 0 -> String.valueOf(r.nextInt(20));
            case 1 -> String.valueOf(r.nextInt(1000) - 500);
            case 2 -> r.nextInt(100) + "." + r.nextInt(100);
            case 3 -> "\\frac{" + (1 + r.nextInt(12)) + "}{" + (1 + r.nextInt(12)) + "}";
            case 4 -> "\\sqrt{" + (1 + r.nextInt(50)) + "}";
            case 5 -> "\\pi";
            default -> new String[] {"\\dfrac{3}{4}", "1,000", "2^{10}", "e", "\\tfrac12", "\\frac{1}{0}", "\\sqrt{-4}", "0.\\overline{3}", "\\infty", "10^{-3}", "3\\sqrt{2}", "\\sqrt[3]{8}", "i", "2i"}[r.nextInt(14)];
        };
    }
    static String expr(int depth, boolean vars) {
        if (depth <= 0 || r.nextInt(4) == 0) {
            if (vars && r.nextInt(3) == 0) return new String[] {"x", "y", "a", "n"}[r.nextInt(4)];
            return num();
        }
        return switch (r.nextInt(10)) {
            case 0 -> expr(depth - 1, vars) + "+" + expr(depth - 1, vars);
            case 1 -> expr(depth - 1, vars) + "-" + expr(depth - 1, vars);
            case 2 -> expr(depth - 1, vars) + "\\cdot " + expr(depth - 1, vars);
            case 3 -> "\\frac{" + expr(depth - 1, vars) + "}{" + expr(depth - 1, vars) + "}";
            case 4 -> "(" + expr(depth - 1, vars) + ")";
            case 5 -> "\\sqrt{" + expr(depth - 1, vars) + "}";
            case 6 -> "{" + expr(depth - 1, vars) + "}^{" + (r.nextInt(4)) + "}";
            case 7 -> "-" + expr(depth - 1, vars);
            case 8 -> r.nextInt(9) + 1 + expr(depth - 1, vars);
            default -> "\\left(" + expr(depth - 1, vars) + "\\right)";
        };
    }
    static String answer() {
        return switch (r.nextInt(8)) {
            case 0 -> "(" + expr(2, false) + ", " + expr(2, false) + ")";
            case 1 -> "[" + expr(1, false) + ", " + expr(1, false) + ")";
            case 2 -> expr(2, false) + "\\%";
            case 3 -> "x=" + expr(2, false);
            default -> expr(3, r.nextInt(3) == 0);
        };
    }
    public static void main(String[] a) {
        r = new SplittableRandom(Long.parseLong(a[1]));
        int n = Integer.parseInt(a[0]);
        MathGrader g = new MathGrader(2000);
        int refl = 0, sym = 0, timeouts = 0, parsed = 0, trans = 0;
        long worst = 0; String worstS = "";
        for (int i = 0; i < n; i++) {
            String x = answer(), y = r.nextInt(3) == 0 ? x.replace("\\cdot ", "*") : answer();
            long t0 = System.nanoTime();
            MathGrader.Verdict vx = g.grade(x, x);
            long dt = System.nanoTime() - t0;
            if (dt > worst) { worst = dt; worstS = x; }
            if (g.parses(x)) parsed++;
            if (vx.timedOut()) timeouts++;
            if (!vx.equal() && !vx.timedOut()) { refl++; if (refl <= 15) System.out.println("NOT REFLEXIVE: " + x); }
            if (!x.contains(",") && !x.contains("=") && !x.contains("%") && vx.equal()) {
                String[] ts = {"(" + x + ")", "{" + x + "}+0", "1\\cdot (" + x + ")", "\\frac{2(" + x + ")}{2}", x.replace("\\frac", "\\dfrac"), "0+" + x};
                for (String t : ts) {
                    MathGrader.Verdict vt = g.grade(t, x);
                    if (!vt.equal() && !vt.timedOut()) { trans++; if (trans <= 25) System.out.println("NOT EQUAL TO ITS REWRITE: " + x + "  vs  " + t); break; }
                }
            }
            MathGrader.Verdict a1 = g.grade(x, y), a2 = g.grade(y, x);
            if (a1.timedOut() || a2.timedOut()) { timeouts++; continue; }
            if (a1.equal() != a2.equal()) { sym++; if (sym <= 15) System.out.println("ASYMMETRIC: " + x + "  vs  " + y + "  " + a1.equal() + "/" + a2.equal()); }
        }
        System.out.printf("n=%d parsed=%d notReflexive=%d rewrites=%d asymmetric=%d timeouts=%d worst self-grade %.1f ms on %s%n", n, parsed, refl, trans, sym, timeouts, worst / 1e6, worstS);
    }
}
