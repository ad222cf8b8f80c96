package dev.calx.solver;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The standalone jar's start on a JDK 25, after {@link Launcher} checked the version. Calx needs
 * the incubating Vector API module, which a jar manifest cannot add; when {@code java -jar
 * calx.jar} was started without {@code --add-modules jdk.incubator.vector}, this relaunches the
 * same JVM binary with the flags and the same arguments. It touches no other Calx class before
 * that check.
 */
public final class Relauncher {
    static final String RELAUNCHED = "CALX_RELAUNCHED";

    private Relauncher() {}

    /**
     * Runs {@link Main}, in a new JVM with the Vector API flags when this one lacks them.
     *
     * @param args the command line
     * @throws Exception when the relaunch fails
     */
    public static void main(String[] args) throws Exception {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            Main.main(args);
            return;
        }
        if (System.getenv(RELAUNCHED) != null) {
            System.err.println("calx: the JVM still lacks jdk.incubator.vector after relaunching; run it as\n"
                    + "  java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -jar calx.jar ...");
            System.exit(3);
        }
        Optional<String> javaCmd = ProcessHandle.current().info().command();
        List<String> cmd = new ArrayList<>();
        cmd.add(javaCmd.orElse(System.getProperty("java.home") + "/bin/java"));
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-Xss8m");
        // keep -D, -X and other options the user gave the first JVM
        cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.calx.solver.Main");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        pb.environment().put(RELAUNCHED, "1");
        Process p = pb.start();
        System.exit(p.waitFor());
    }
}
