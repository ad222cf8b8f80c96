package dev.calx.decode.generate;

import java.util.List;
import java.util.Set;

/**
 * Limits and stop conditions of one generated segment. Stop strings are matched on the decoded
 * text, across token boundaries; stop tokens by id (the stop token itself is not in the text).
 *
 * @param maxNewTokens most tokens to sample in the segment, a sampled stop token included
 * @param stopStrings  strings that end the segment where they first appear (immutable copy)
 * @param stopTokens   token ids that end the segment when sampled (immutable copy)
 */
public record GenerateOptions(int maxNewTokens, List<String> stopStrings, Set<Integer> stopTokens) {
    /**
     * Validates the options and copies the collections.
     *
     * @param maxNewTokens the token limit, positive
     * @param stopStrings  stop strings, none empty; may be an empty list
     * @param stopTokens   stop token ids; may be an empty set
     * @throws IllegalArgumentException when {@code maxNewTokens} is not positive or a stop string
     *         is empty
     * @throws NullPointerException     when a collection or an element is null
     */
    public GenerateOptions {
        if (maxNewTokens <= 0) throw new IllegalArgumentException("maxNewTokens must be positive, got " + maxNewTokens);
        stopStrings = List.copyOf(stopStrings);
        stopTokens = Set.copyOf(stopTokens);
        for (String s : stopStrings) if (s.isEmpty()) throw new IllegalArgumentException("empty stop string");
    }
}
