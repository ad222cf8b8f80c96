package dev.calx.solver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calx.decode.eval.Utf8Lines;
import dev.calx.interpreter.InterpreterOptions;
import dev.calx.interpreter.PythonInterpreter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PythonCommandTest {
    @Test
    void jsonLinesKeepStatePerSessionAndReportErrorsAndBadLines() throws Exception {
        String input = """
                {"session": "p1", "code": "x = 6"}
                {"session": "p2", "code": "x = 1"}
                {"session": "p1", "code": "print(x * 7)"}
                not json
                {"session": "p2", "code": "x / 0"}
                MALFORMED
                {"session": "p1", "code": "print(x)"}
                """;
        // line 6 holds a byte that is not UTF-8: one error line for it, and the stream goes on
        byte[] raw = input.replace("MALFORMED", "{\"code\": \"print('\u0000')\"}").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) if (raw[i] == 0) raw[i] = (byte) 0xFF;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PythonInterpreter py = new PythonInterpreter(InterpreterOptions.defaults()
                .withPythonPath(List.of()).withPreimportSympy(false).withSpareWorkers(0))) {
            PythonCommand.jsonLines(py, new Utf8Lines(new java.io.ByteArrayInputStream(raw), "stdin"),
                    new PrintStream(bytes, true, StandardCharsets.UTF_8));
        }
        List<JsonNode> lines = bytes.toString(StandardCharsets.UTF_8).lines()
                .map(l -> {
                    try {
                        return new ObjectMapper().readTree(l);
                    } catch (Exception e) {
                        throw new AssertionError("not JSON: " + l);
                    }
                }).toList();
        assertEquals(7, lines.size());
        assertEquals("", lines.get(0).get("output").asText());
        assertTrue(lines.get(0).get("error").isNull());
        assertEquals("42\n", lines.get(2).get("output").asText());
        assertEquals("p1", lines.get(2).get("session").asText());
        assertTrue(lines.get(3).get("error").asText().contains("input line 4"), lines.get(3).toString());
        assertEquals("ZeroDivisionError: division by zero", lines.get(4).get("error").asText());
        assertEquals("calx python: input line 6 is not valid UTF-8 (byte 0xFF at byte 18 of the line)",
                lines.get(5).get("error").asText());
        assertEquals("6\n", lines.get(6).get("output").asText());
        for (String key : List.of("session", "output", "error", "timed_out", "truncated", "ms")) {
            assertTrue(lines.get(4).has(key), key);
        }
    }

    @org.junit.jupiter.api.extension.RegisterExtension
    final Std std = new Std();

    @Test
    void aMissingPythonPathDirectoryIsNamedBeforePythonStarts(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        java.nio.file.Path missing = dir.resolve("no-such-dir");
        assertEquals(1, Main.run("python", "--python-path", dir + ":" + missing));
        assertEquals("calx: --python-path " + missing + ": no such directory", std.err().strip());
    }
}
