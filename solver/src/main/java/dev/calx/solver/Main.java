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
        subcommands = {Main.BackendCommand.class, DataCommand.class, InfoCommand.class, ConvertCommand.class, GenerateCommand.class, LogitsCommand.class, TokenizeCommand.class, GradeCommand.class, SolveCommand.class, EvalCommand.class, PythonCommand.class, TrainCommand.class, TrainTwoStageCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {
    /** Creates the command; picocli fills in its options. */
    public Main() { }


    @Option(names = "--backend", scope = CommandLine.ScopeType.INHERIT, paramLabel = "auto|cpu|cuda",
            description = "Compute backend (default: auto, or -Dcalx.backend): auto uses CUDA when its probe succeeds.")
    String backend;

    /**
     * Runs the command line and exits with its code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        int rc = run(args);
        System.exit(rc);
    }

    /**
     * Runs the command line in this JVM, for tests and programs that call calx as a library.
     *
     * @param args the command line, e.g. {@code "grade", "--data", "preds.jsonl"}
     * @return the exit code: 0 success, 1 an error, 2 bad usage, 3 no usable backend (a command may add its own)
     */
    public static int run(String... args) {
        Main main = new Main();
        CommandLine cl = new CommandLine(main);
        // --backend is global: select (and fail loudly for an impossible choice) before any command runs.
        cl.setExecutionStrategy(parsed -> {
            if (main.backend != null) {
                try {
                    Backends.select(main.backend);
                } catch (BackendUnavailableException e) {
                    parsed.commandSpec().commandLine().getErr().println("calx: " + e.getMessage());
                    return 3;
                }
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("calx: " + describe(ex));
            return ex instanceof BackendUnavailableException ? 3 : 1;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            // picocli hands only Exceptions to the handler above; this was a bare stack trace
            cl.getErr().println("calx: " + outOfMemory());
            return 1;
        }
    }

    /** What to say when the heap ran out: the limit, and how to raise it or ask for less. */
    static String outOfMemory() {
        long mib = Runtime.getRuntime().maxMemory() >> 20;
        return "out of memory: the Java heap limit is " + mib + " MiB. Give the JVM more (CALX_JAVA_OPTS=-Xmx<size> for bin/calx,"
                + " java -Xmx<size> -jar calx.jar) or ask for less (a smaller --batch, --max-length or model)";
    }

    /**
     * A failure as one line for the user. java.nio's file exceptions carry only the path as
     * their message ("calx: /data.jsonl" said nothing about what was wrong with it).
     */
    static String describe(Throwable ex) {
        for (Throwable c = ex; c != null; c = c.getCause()) {
            if (c instanceof OutOfMemoryError) return outOfMemory(); // e.g. from an eval worker thread, wrapped
        }
        if (ex instanceof java.nio.file.FileSystemException f) {
            String what = f.getReason() != null ? f.getReason() : switch (f) {
                case java.nio.file.NoSuchFileException e -> "no such file or directory";
                case java.nio.file.AccessDeniedException e -> "permission denied";
                case java.nio.file.FileAlreadyExistsException e -> "already exists";
                case java.nio.file.NotDirectoryException e -> "not a directory";
                case java.nio.file.DirectoryNotEmptyException e -> "directory not empty";
                default -> f.getClass().getSimpleName();
            };
            return (f.getOtherFile() == null ? f.getFile() : f.getFile() + " -> " + f.getOtherFile()) + ": " + what;
        }
        return ex.getMessage() != null ? ex.getMessage() : ex.getClass().getName();
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    @Command(name = "backend", mixinStandardHelpOptions = true,
            description = "Print which compute backend and SIMD width were chosen, and why.")
    static final class BackendCommand implements Callable<Integer> {
        @Override
        public Integer call() {
            Backends.report().forEach(System.out::println);
            return 0;
        }
    }
}
