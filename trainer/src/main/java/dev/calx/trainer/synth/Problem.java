package dev.calx.trainer.synth;

import java.util.Map;
import java.util.TreeMap;

/**
 * One synthesized problem: the template, its numbers, the phrasing chosen, whether it is the
 * forward question or a backward one hiding {@code hidden}, and its exact answer.
 * {@link #identity()} is the template id plus the given numbers: problems with the same identity
 * are the same problem (whatever the phrasing or direction) and always share a split.
 *
 * @param id            {@code <template>-<magnitude>-<index>}, unique within one generated set
 * @param template      the problem type
 * @param given         the sampled numbers by variable name (the hidden one's true value included)
 * @param fillers       the words put in for {@code {name}}, {@code {name2}}, {@code {item}},
 *                      {@code {item2}} and {@code {fruit}}
 * @param phrasing      the index of the question's phrasing in {@link Template#phrasings()}
 * @param hidden        the variable a backward question replaces by x, or null for a forward one
 * @param magnitude     the magnitude tier ({@code small}, {@code medium}, {@code large}, {@code xlarge})
 * @param question      the full question text
 * @param answer        the exact answer: the forward result, or the hidden number for a backward question
 * @param forwardAnswer the forward question's answer (a backward question states it)
 */
public record Problem(String id, Template template, Map<String, Rational> given, Map<String, String> fillers,
                      int phrasing, String hidden, String magnitude, String question, Rational answer,
                      Rational forwardAnswer) {

    /**
     * Whether this is a backward (FOBAR) question, asking for a hidden given number.
     *
     * @return true when a number is hidden
     */
    public boolean backward() { return hidden != null; }

    /**
     * The direction, as written in the data rows.
     *
     * @return {@code backward} or {@code forward}
     */
    public String kind() { return backward() ? "backward" : "forward"; }

    /**
     * The key that decides the split and deduplication.
     *
     * @return the template id and the given numbers sorted by name
     */
    public String identity() {
        return template.id() + ":" + new TreeMap<>(given);
    }
}
