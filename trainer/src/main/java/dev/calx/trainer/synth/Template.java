package dev.calx.trainer.synth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * One problem type: its given numbers, how to sample them at a magnitude, several phrasings of
 * the question, and the solution as a list of binary arithmetic steps. The steps drive
 * everything else: the exact answer, the chain-of-thought text, the Python program, and the
 * backward (FOBAR) variant, which re-runs the same steps with one given number replaced by x.
 *
 * <p>Phrasings and step labels use {@code {var}} for numbers and {@code {name}}, {@code {name2}},
 * {@code {item}}, {@code {item2}}, {@code {fruit}} for fillers that do not change the problem.
 */
public final class Template {
    /**
     * A given number: its name (also its Python variable) and how it reads in text ("$%s", "%s%%", "%s").
     *
     * @param name   the placeholder in phrasings ({@code {name}}) and the Python variable
     * @param format a {@link String#format} pattern with one {@code %s} for the number
     */
    public record Var(String name, String format) { }

    /**
     * {@code result = a op b}; operands are names of given numbers or earlier results, or integer literals.
     *
     * @param result the name of the value computed (also its Python variable)
     * @param label  the text that starts the step's line in the chain of thought (fillers allowed)
     * @param op     the operation
     * @param a      the left operand
     * @param b      the right operand
     */
    public record Step(String result, String label, Op op, String a, String b) { }

    /** Samples the given numbers at a magnitude scale (1, 10, 1000, ...); null means "try again". */
    public interface Sampler extends BiFunction<Rng, Long, Map<String, Rational>> { }

    private final String id;
    private final List<Var> vars;
    private final Sampler sampler;
    private final List<String> phrasings;
    private final List<Step> steps;

    Template(String id, List<Var> vars, Sampler sampler, List<String> phrasings, List<Step> steps) {
        this.id = id;
        this.vars = List.copyOf(vars);
        this.sampler = sampler;
        this.phrasings = List.copyOf(phrasings);
        this.steps = List.copyOf(steps);
    }

    /**
     * The template's name, e.g. {@code money.change}.
     *
     * @return the id
     */
    public String id() { return id; }

    /**
     * The given numbers, in the order the program assigns them.
     *
     * @return an unmodifiable list
     */
    public List<Var> vars() { return vars; }

    /**
     * The question texts, with placeholders for numbers and fillers.
     *
     * @return an unmodifiable list
     */
    public List<String> phrasings() { return phrasings; }

    /**
     * The solution steps; the last one's result is the answer.
     *
     * @return an unmodifiable list
     */
    public List<Step> steps() { return steps; }

    Map<String, Rational> sample(Rng rng, long scale) {
        return sampler.apply(rng, scale);
    }

    Var var(String name) {
        for (Var v : vars) if (v.name.equals(name)) return v;
        return null;
    }

    /**
     * Runs the steps. With {@code hidden} non-null that given number becomes x. Returns the value
     * of every given number and result in order, or null when a step is not affine in x, or (for
     * a forward run) when a division is not exact.
     */
    LinkedHashMap<String, Affine> evaluate(Map<String, Rational> given, String hidden) {
        LinkedHashMap<String, Affine> env = new LinkedHashMap<>();
        for (Var v : vars) {
            Rational val = given.get(v.name);
            if (val == null) throw new IllegalStateException(id + ": sampler gave no value for " + v.name);
            env.put(v.name, v.name.equals(hidden) ? Affine.X : Affine.constant(val));
        }
        for (Step s : steps) {
            Affine a = operand(env, s.a), b = operand(env, s.b);
            Affine r = a.apply(s.op, b);
            if (r == null) return null;
            if (hidden == null && s.op == Op.DIV && !r.b().isInteger()) return null;
            env.put(s.result, r);
        }
        return env;
    }

    static Affine operand(Map<String, Affine> env, String ref) {
        Affine v = env.get(ref);
        if (v != null) return v;
        try {
            return Affine.constant(Rational.of(Long.parseLong(ref)));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("unknown operand " + ref);
        }
    }

    /** The given numbers that a backward question can hide: the answer is affine in them with a non-zero slope. */
    List<String> hideable(Map<String, Rational> given) {
        List<String> out = new ArrayList<>();
        for (Var v : vars) {
            LinkedHashMap<String, Affine> env = evaluate(given, v.name);
            if (env != null && !env.get(answerName()).a().isZero()) out.add(v.name);
        }
        return out;
    }

    String answerName() {
        return steps.getLast().result;
    }

    /** Reads a number in the unit of a given number ("$12", "15%", "7"). */
    String formatVar(String name, String number) {
        Var v = var(name);
        return v == null ? number : String.format(v.format, number);
    }
}
