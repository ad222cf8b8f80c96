package dev.calx.trainer.synth;

import dev.calx.trainer.synth.Template.Step;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the two solutions of a problem from its steps: chain-of-thought text with the
 * arithmetic done in the text (stage 1), and a ToRA-style program (stage 2) whose printed output
 * must be obtained by running it. Forward programs use integers only ({@code //} for divisions
 * the sampler made exact); backward programs use SymPy to solve for x.
 */
public final class Solutions {
    private Solutions() { }

    static String fill(String s, Map<String, String> fillers) {
        for (var e : fillers.entrySet()) s = s.replace("{" + e.getKey() + "}", e.getValue());
        return s;
    }

    /**
     * The chain-of-thought solution, ending with the boxed answer.
     *
     * @param p the problem
     * @return one line per step (then, for a backward problem, the solving for x), and the boxed answer
     */
    public static String cot(Problem p) {
        Template t = p.template();
        LinkedHashMap<String, Affine> env = t.evaluate(p.given(), p.hidden());
        StringBuilder sb = new StringBuilder();
        if (p.backward()) sb.append("Let x be the unknown value and follow the story with it.\n");
        for (Step s : t.steps()) {
            Affine a = Template.operand(env, s.a()), b = Template.operand(env, s.b()), r = env.get(s.result());
            String label = fill(s.label(), p.fillers());
            if (s.op() == Op.MOD || s.op() == Op.FLOORDIV) {
                Rational q = a.b().floorDiv(b.b()), rem = a.b().mod(b.b());
                sb.append(label).append(": ").append(a.render()).append(" ÷ ").append(b.render()).append(" = ")
                        .append(q).append(" remainder ").append(rem).append(", so ").append(r.render()).append(".\n");
            } else {
                sb.append(label).append(": ").append(operandText(a)).append(' ').append(s.op().text).append(' ')
                        .append(operandText(b)).append(" = ").append(r.render()).append(".\n");
            }
        }
        if (p.backward()) {
            Affine ans = env.get(t.answerName());
            Rational target = p.forwardAnswer();
            sb.append("We know the answer is ").append(target).append(", so ").append(ans.render()).append(" = ")
                    .append(target).append(".\n");
            Rational rhs = target;
            if (!ans.b().isZero()) {
                rhs = target.sub(ans.b());
                sb.append("Then ").append(new Affine(ans.a(), Rational.ZERO).render()).append(" = ").append(target)
                        .append(" - ").append(paren(ans.b())).append(" = ").append(rhs).append(".\n");
            }
            if (!ans.a().equals(Rational.ONE)) {
                sb.append("So x = ").append(rhs).append(" ÷ ").append(paren(ans.a())).append(" = ")
                        .append(rhs.div(ans.a())).append(".\n");
            }
            sb.append("The value of x is $\\boxed{").append(p.answer().latex()).append("}$.");
        } else {
            sb.append("The answer is $\\boxed{").append(p.answer().latex()).append("}$.");
        }
        return sb.toString();
    }

    /** An operand inside a larger expression: parenthesized when it is a sum or negative. */
    private static String operandText(Affine v) {
        if (v.isConstant()) return paren(v.b());
        return v.b().isZero() && v.a().signum() > 0 ? v.render() : "(" + v.render() + ")";
    }

    private static String paren(Rational r) {
        return r.signum() < 0 || !r.isInteger() ? "(" + r + ")" : r.toString();
    }

    /**
     * The text before the program.
     *
     * @param p the problem
     * @return one sentence, depending on the direction
     */
    public static String codeIntro(Problem p) {
        return p.backward()
                ? "Let's write the story in Python with the unknown value as a symbol x and solve for it."
                : "Let's compute the answer step by step in Python.";
    }

    /**
     * The program: prints the answer as its last line.
     *
     * @param p the problem
     * @return Python source: the given numbers as variables, one assignment per step, and a
     *         {@code print} (of SymPy's solution for x when backward)
     */
    public static String program(Problem p) {
        Template t = p.template();
        LinkedHashMap<String, Affine> env = t.evaluate(p.given(), p.hidden());
        StringBuilder sb = new StringBuilder();
        if (p.backward()) sb.append("from sympy import symbols, Eq, solve\n\nx = symbols('x')\n");
        for (Template.Var v : t.vars()) {
            sb.append(v.name()).append(" = ").append(v.name().equals(p.hidden()) ? "x" : p.given().get(v.name()).toString()).append('\n');
        }
        for (Step s : t.steps()) {
            boolean symbolic = !Template.operand(env, s.a()).isConstant() || !Template.operand(env, s.b()).isConstant();
            String op = s.op() == Op.DIV ? (symbolic ? "/" : "//") : s.op().python;
            sb.append(s.result()).append(" = ").append(s.a()).append(' ').append(op).append(' ').append(s.b()).append('\n');
        }
        if (p.backward()) {
            sb.append("print(solve(Eq(").append(t.answerName()).append(", ").append(p.forwardAnswer()).append("), x)[0])");
        } else {
            sb.append("print(").append(t.answerName()).append(')');
        }
        return sb.toString();
    }

    /**
     * The text after the output block.
     *
     * @param p the problem
     * @return the sentence with the boxed answer
     */
    public static String codeOutro(Problem p) {
        return (p.backward() ? "The value of x is $\\boxed{" : "The answer is $\\boxed{") + p.answer().latex() + "}$.";
    }

    /**
     * The full ToRA-format code-nested solution around a real execution's output.
     *
     * @param p              the problem
     * @param executedOutput what running {@link #program} printed (one trailing newline is dropped)
     * @return intro, the python block, the output block and the outro
     */
    public static String codeNested(Problem p, String executedOutput) {
        String out = executedOutput.endsWith("\n") ? executedOutput.substring(0, executedOutput.length() - 1) : executedOutput;
        return codeIntro(p) + "\n```python\n" + program(p) + "\n```\n```output\n" + out + "\n```\n" + codeOutro(p);
    }
}
