package dev.calx.solver;

import dev.calx.llama.InferenceSession;
import dev.calx.llama.LlamaModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code calx logits}: the last position's logits, for comparison with other implementations. */
@Command(name = "logits", mixinStandardHelpOptions = true,
        description = "Print the logits after the given tokens (one float per vocabulary entry, space-separated, one line).")
public final class LogitsCommand implements Callable<Integer> {
    /** Creates the command; picocli fills in its options. */
    public LogitsCommand() { }

    @Option(names = "--model", required = true, description = "HF directory, llama2.c .bin or .gguf file.")
    Path model;

    @Option(names = "--tokens", required = true,
            description = "Token ids, comma-separated (e.g. 1,2,3; spaces around the commas are allowed); repeatable.")
    java.util.List<String> tokenLists;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        int[] tokens;
        try {
            tokens = parseIds(tokenLists);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        try (LlamaModel m = LlamaModel.load(model); InferenceSession s = m.newSession()) {
            int vocab = m.config().vocabSize();
            for (int i = 0; i < tokens.length; i++) {
                if (tokens[i] < 0 || tokens[i] >= vocab) {
                    throw new IllegalArgumentException("--tokens: id " + tokens[i] + " (the " + ordinal(i + 1) + ") is outside "
                            + model + "'s vocabulary [0, " + vocab + ")");
                }
            }
            if (tokens.length > s.maxLength()) {
                throw new IllegalArgumentException("--tokens has " + tokens.length + " ids but the context limit of " + model + " is "
                        + s.maxLength() + " tokens");
            }
            float[] logits = s.append(tokens);
            StringBuilder b = new StringBuilder(logits.length * 12);
            for (int i = 0; i < logits.length; i++) b.append(i > 0 ? " " : "").append(logits[i]);
            System.out.println(b);
        }
        return 0;
    }

    /**
     * The ids of the --tokens values in order. An empty entry ("1,,2", "1,2,", or an empty
     * value) and one that is not an int are errors naming the entry and its position.
     */
    static int[] parseIds(java.util.List<String> values) {
        java.util.List<Integer> ids = new java.util.ArrayList<>();
        for (String v : values) {
            for (String part : v.split(",", -1)) {
                String t = part.strip();
                int n = ids.size() + 1;
                if (t.isEmpty()) {
                    throw new IllegalArgumentException("--tokens: the " + ordinal(n) + " id is empty (in '" + v + "')");
                }
                try {
                    ids.add(Integer.parseInt(t));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--tokens: '" + t + "' (the " + ordinal(n) + ") is not an integer id");
                }
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String ordinal(int n) {
        int mod100 = n % 100, mod10 = n % 10;
        String suffix = mod100 >= 11 && mod100 <= 13 ? "th" : mod10 == 1 ? "st" : mod10 == 2 ? "nd" : mod10 == 3 ? "rd" : "th";
        return n + suffix;
    }
}
