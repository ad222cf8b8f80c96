package dev.calx.solver;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code calx --help} lists each command with the first line of its description, so that line must be whole. */
class HelpTest {
    @Test
    void everyCommandsSummaryLineIsAWholeSentence() {
        CommandLine cl = new CommandLine(new Main());
        assertFalse(cl.getSubcommands().isEmpty());
        check(cl);
    }

    /** The summaries of cl's subcommands, and of theirs ({@code calx data synth}). */
    private static void check(CommandLine cl) {
        cl.getSubcommands().forEach((name, sub) -> {
            if (name.equals("help")) return; // picocli's own
            String[] description = sub.getCommandSpec().usageMessage().description();
            assertTrue(description.length > 0, name + " has no description");
            String first = description[0].strip();
            assertTrue(first.endsWith(".") || first.endsWith(")"), name + "'s summary line is cut off: " + first);
            check(sub);
        });
    }
}
