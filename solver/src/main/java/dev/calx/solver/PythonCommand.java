package dev.calx.solver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calx.decode.eval.Utf8Lines;
import dev.calx.interpreter.CellResult;
import dev.calx.interpreter.InterpreterOptions;
import dev.calx.interpreter.PythonInterpreter;
import dev.calx.interpreter.PythonSession;
import dev.calx.llama.format.StrictJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code calx python}: runs cells in the sandboxed interpreter. Reads JSON lines
 * {@code {"session": "...", "code": "..."}} from stdin and writes one JSON line per cell
 * {@code {"session","output","error","timed_out","truncated","ms"}} (plus {@code "state_lost": true}
 * when a killed worker took the session's earlier state with it). Cells of one session share a
 * namespace, in input order. On a terminal with nothing redirected it is a small REPL.
 */
@Command(name = "python", mixinStandardHelpOptions = true,
        description = "Run Python cells in the sandboxed GraalPy interpreter (JSON lines on stdin, or a REPL on a terminal).")
final class PythonCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = StrictJson.mapper();

    @Option(names = "--timeout", defaultValue = "10", description = "Wall-clock limit per cell in seconds (default: ${DEFAULT-VALUE}).")
    double timeoutSeconds;

    @Option(names = "--max-output", defaultValue = "4000", description = "Characters of output kept per cell (default: ${DEFAULT-VALUE}).")
    int maxOutput;

    @Option(names = "--python-path", split = ":", paramLabel = "DIR",
            description = "Extra read-only directories to import from (repeatable or ':'-separated); sympy's directory is found automatically.")
    List<Path> pythonPath = new ArrayList<>();

    @Option(names = "--workers", defaultValue = "1", description = "Worker processes (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--preimport-sympy", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Import sympy when a worker starts (default: ${DEFAULT-VALUE}).")
    boolean preimportSympy;

    @Override
    public Integer call() throws IOException {
        if (timeoutSeconds <= 0) throw new IllegalArgumentException("--timeout must be positive, got " + timeoutSeconds);
        for (Path d : pythonPath) {
            // a typo here would only show later, as an ImportError inside a cell
            if (!java.nio.file.Files.isDirectory(d)) throw new IllegalArgumentException("--python-path " + d + ": no such directory");
        }
        InterpreterOptions options = InterpreterOptions.defaults()
                .withTimeout(Duration.ofMillis(Math.round(timeoutSeconds * 1000)))
                .withMaxOutput(maxOutput)
                .withExtraPythonPath(pythonPath)
                .withWorkers(workers)
                .withPreimportSympy(preimportSympy);
        var console = System.console();
        boolean terminal = console != null && console.isTerminal();
        try (PythonInterpreter py = new PythonInterpreter(options)) {
            if (terminal) repl(py, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), System.out);
            else jsonLines(py, new Utf8Lines(System.in, "stdin"), System.out);
        }
        return 0;
    }

    /** The protocol loop; sessions are created on first use and live until the input ends. */
    static void jsonLines(PythonInterpreter py, Utf8Lines in, PrintStream out) throws IOException {
        Map<String, PythonSession> sessions = new HashMap<>();
        try {
            while (true) {
                String line, malformed = null;
                try {
                    line = in.next();
                } catch (Utf8Lines.MalformedLineException e) {
                    line = "";
                    malformed = e.reason();
                }
                if (line == null) break;
                long lineNo = in.lineNumber();
                if (malformed == null && line.isBlank()) continue;
                ObjectNode resp = JSON.createObjectNode();
                JsonNode req;
                try {
                    req = malformed != null ? null : JSON.readTree(line);
                } catch (IOException e) {
                    req = null;
                }
                if (req == null || !req.isObject() || !req.path("code").isTextual()) {
                    resp.putNull("session");
                    resp.put("output", "");
                    resp.put("error", "calx python: input line " + lineNo + (malformed != null ? " is " + malformed
                            : " is not a JSON object with a string \"code\" (and optional \"session\")"));
                    resp.put("timed_out", false).put("truncated", false).put("ms", 0);
                    out.println(JSON.writeValueAsString(resp));
                    out.flush();
                    continue;
                }
                String sid = req.path("session").asText("default");
                PythonSession s = sessions.computeIfAbsent(sid, k -> py.newSession());
                CellResult r = s.run(req.get("code").asText());
                resp.put("session", sid);
                resp.put("output", r.output());
                resp.put("error", r.error());
                resp.put("timed_out", r.timedOut());
                resp.put("truncated", r.truncated());
                resp.put("ms", r.millis());
                if (r.stateLost()) resp.put("state_lost", true);
                out.println(JSON.writeValueAsString(resp));
                out.flush();
            }
        } finally {
            sessions.values().forEach(PythonSession::close);
        }
    }

    /** A small REPL: a block continues after a line ending in ':' until an empty line. */
    static void repl(PythonInterpreter py, BufferedReader in, PrintStream out) throws IOException {
        out.println("calx python (GraalPy, sandboxed; limit " + py.options().timeout().toMillis() / 1000.0
                + " s per cell). Ctrl-D to quit.");
        try (PythonSession s = py.newSession()) {
            StringBuilder cell = new StringBuilder();
            while (true) {
                out.print(cell.isEmpty() ? ">>> " : "... ");
                out.flush();
                String line = in.readLine();
                if (line == null) break;
                boolean block = !cell.isEmpty();
                if (block && !line.isEmpty()) {
                    cell.append(line).append('\n');
                    continue;
                }
                if (!block) {
                    cell.append(line).append('\n');
                    if (line.stripTrailing().endsWith(":")) continue;
                }
                CellResult r = s.run(cell.toString());
                cell.setLength(0);
                out.print(r.output());
                if (r.error() != null) out.print(r.traceback() != null ? r.traceback() : r.error() + "\n");
                if (r.stateLost()) out.println("[the worker was restarted: earlier definitions are gone]");
            }
        }
        out.println();
    }
}
