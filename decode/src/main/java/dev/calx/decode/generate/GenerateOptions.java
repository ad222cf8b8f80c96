package dev.calx.decode.generate;

import java.util.List;
import java.util.Set;

/**
 * Limits and stop conditions of one generated segment. Stop strings are matched on the decoded
 * text, across token boundaries; stop tokens by id (the stop token itself is not in the text).
 */
public record GenerateOptions(int maxNewTokens, List<String> stopStrings, Set<Integer> stopTokens) {
    public GenerateOptions {
        if (maxNewTokens <= 0) throw new IllegalArgumentException("maxNewTokens must be positive, got " + maxNewTokens);
        stopStrings = List.copyOf(stopStrings);
        stopTokens = Set.copyOf(stopTokens);
        for (String s : stopStrings) if (s.isEmpty()) throw new IllegalArgumentException("empty stop string");
    }
}
