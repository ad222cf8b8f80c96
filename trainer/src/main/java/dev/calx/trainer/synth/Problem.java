package dev.calx.trainer.synth;

import java.util.Map;
import java.util.TreeMap;

/**
 * One synthesized problem: the template, its numbers, the phrasing chosen, whether it is the
 * forward question or a backward one hiding {@code hidden}, and its exact answer.
 * {@link #identity()} is the template id plus the given numbers: problems with the same identity
 * are the same problem (whatever the phrasing or direction) and always share a split.
 */
public record Problem(String id, Template template, Map<String, Rational> given, Map<String, String> fillers,
                      int phrasing, String hidden, String magnitude, String question, Rational answer,
                      Rational forwardAnswer) {

    public boolean backward() { return hidden != null; }

    public String kind() { return backward() ? "backward" : "forward"; }

    public String identity() {
        return template.id() + ":" + new TreeMap<>(given);
    }
}
