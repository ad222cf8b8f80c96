package dev.calx.decode.format;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry of prompt formats by name: tora, mathcoder, pot, cot, hybrid. New formats are
 * added with {@link #register}; the trainer and the solver look formats up here, so there is
 * one template per format in all of Calx.
 */
public final class Formats {
    private static final Map<String, PromptFormat> FORMATS = new ConcurrentHashMap<>();

    static {
        register(new ToraFormat());
        register(new MathCoderFormat());
        register(new AlpacaFormat(AlpacaFormat.Mode.POT));
        register(new AlpacaFormat(AlpacaFormat.Mode.COT));
        register(new AlpacaFormat(AlpacaFormat.Mode.HYBRID));
    }

    private Formats() {}

    /**
     * Adds a format, or replaces the one with the same name. Thread-safe.
     *
     * @param format the format, registered under {@link PromptFormat#name()}
     */
    public static void register(PromptFormat format) {
        FORMATS.put(format.name(), format);
    }

    /**
     * Looks a format up by name.
     *
     * @param name a registered format name
     * @return the format with that name (formats are stateless and shared)
     * @throws IllegalArgumentException when no format has that name; the message lists the known ones
     */
    public static PromptFormat get(String name) {
        PromptFormat f = FORMATS.get(name);
        if (f == null) throw new IllegalArgumentException("unknown format '" + name + "'; known: " + names());
        return f;
    }

    /** {@return the registered names, sorted (a copy)} */
    public static Set<String> names() {
        return new java.util.TreeSet<>(FORMATS.keySet());
    }
}
