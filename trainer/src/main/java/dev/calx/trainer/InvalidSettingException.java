package dev.calx.trainer;

/**
 * A {@link TrainConfig} setting out of range. The message starts with the setting's name as
 * {@code TrainConfig} spells it ({@code "warmupRatio must be between 0 and 1, got 1.5"}); a
 * front end that calls the setting something else (the command line's {@code --warmup}) can
 * say it in its own words with {@link #setting()} and {@link #rule()}.
 */
public final class InvalidSettingException extends IllegalArgumentException {
    /** The setting's name, as the {@link TrainConfig} component. */
    private final String setting;
    /** What is wrong with the value. */
    private final String rule;

    /**
     * An error for one setting.
     *
     * @param setting the record component's name, e.g. {@code warmupRatio}
     * @param rule    what is wrong, without the name, e.g. {@code must be between 0 and 1, got 1.5}
     */
    public InvalidSettingException(String setting, String rule) {
        super(setting + " " + rule);
        this.setting = setting;
        this.rule = rule;
    }

    /** {@return the name of the setting, as the {@link TrainConfig} component} */
    public String setting() {
        return setting;
    }

    /** {@return what is wrong with the value, the message without the setting's name} */
    public String rule() {
        return rule;
    }
}
