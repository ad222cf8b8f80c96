package dev.calx.solver;

import dev.calx.tensor.BackendUnavailableException;
import dev.calx.tensor.Backends;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** The {@code calx} command line: a thin layer over the public APIs of the other modules. */
@Command(name = "calx", mixinStandardHelpOptions = true, version = "calx 0.1.0",
        description = "Tool-integrated math reasoning with Llama models, on the JVM.",
        subcommands = {Main.BackendCommand.class, PythonCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {

    public static void main(String[] args) {
        int rc = run(args);
        System.exit(rc);
    }

    /** Runs the command line and returns the exit code (for tests). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("calx: " + ex.getMessage());
            return ex instanceof BackendUnavailableException ? 3 : 1;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    @Command(name = "backend", mixinStandardHelpOptions = true,
            description = "Print which compute backend and SIMD width were chosen, and why.")
    static final class BackendCommand implements Callable<Integer> {
        @Option(names = "--backend", defaultValue = "${sys:calx.backend:-auto}",
                description = "auto, cpu or cuda (default: ${DEFAULT-VALUE}).")
        String backend;

        @Override
        public Integer call() {
            Backends.select(backend);
            Backends.report().forEach(System.out::println);
            return 0;
        }
    }
}
