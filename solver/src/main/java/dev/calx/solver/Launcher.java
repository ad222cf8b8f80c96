package dev.calx.solver;

import java.lang.reflect.InvocationTargetException;

/**
 * Main class of the standalone jar. It is compiled for Java 8 (solver/pom.xml), so that
 * {@code java -jar calx.jar} on an older Java says what to install instead of failing with
 * {@code UnsupportedClassVersionError}; on Java 25 or newer it hands over to
 * {@link Relauncher}, which it names only by reflection (its class file is Java 25's).
 */
public final class Launcher {
    private Launcher() {}

    /**
     * Checks the Java version, then runs {@link Relauncher#main}.
     *
     * @param args the command line
     * @throws Throwable what the command throws
     */
    public static void main(String[] args) throws Throwable {
        int feature = feature(System.getProperty("java.specification.version", ""));
        if (feature < 25) {
            System.err.println(message(feature, System.getProperty("java.version"), System.getProperty("java.home")));
            System.exit(3);
        }
        try {
            Class.forName("dev.calx.solver.Relauncher").getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** {@return the major version in a java.specification.version ("1.8" is 8, "17" is 17), or 0 when unreadable} */
    static int feature(String spec) {
        String s = spec.startsWith("1.") ? spec.substring(2) : spec;
        int end = 0;
        while (end < s.length() && Character.isDigit(s.charAt(end))) end++;
        return end == 0 ? 0 : Integer.parseInt(s.substring(0, end));
    }

    /** {@return what to tell a user whose Java is too old} */
    static String message(int feature, String version, String home) {
        return "calx: needs Java 25 or newer, but this is Java " + (feature > 0 ? version : "(version unknown)") + " at " + home
                + "\n  install a JDK 25 (Temurin 25 from https://adoptium.net, or your system's OpenJDK 25 package) and run"
                + "\n  /path/to/jdk-25/bin/java -jar calx.jar ...";
    }
}
