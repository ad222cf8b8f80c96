package dev.calx.trainer.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calx.trainer.data.DataFormatException;
import dev.calx.trainer.exec.ProcessCodeRunner;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class Gsm8kTest {
    @TempDir Path tmp;

    static final String ROW = "{\"question\": \"Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether in April and May?\", \"answer\": \"Natalia sold 48/2 = <<48/2=24>>24 clips in May.\\nNatalia sold 48+24 = <<48+24=72>>72 clips altogether in April and May.\\n#### 72\"}";

    @Test
    void cotStripsAnnotationsAndBoxesTheFinalAnswer() throws Exception {
        Path in = tmp.resolve("train.jsonl");
        Files.writeString(in, ROW + "\n");
        Gsm8k.Report r = Gsm8k.convert(in, tmp.resolve("out"), null);
        assertEquals(1, r.rows());
        JsonNode n = new ObjectMapper().readTree(Files.readAllLines(tmp.resolve("out/gsm8k_train_cot.jsonl")).getFirst());
        assertEquals("Natalia sold 48/2 = 24 clips in May.\nNatalia sold 48+24 = 72 clips altogether in April and May.\nThe answer is $\\boxed{72}$.",
                n.get("messages").get(1).get("content").asText());
        String unexecuted = Files.readString(tmp.resolve("out/gsm8k_train_code_UNEXECUTED.jsonl"));
        assertFalse(unexecuted.contains("```output"));
        // an earlier executed run's code file does not stay beside this run's unexecuted one
        Files.writeString(tmp.resolve("out/gsm8k_train_code.jsonl"), "{}\n");
        Gsm8k.convert(in, tmp.resolve("out"), null);
        assertFalse(Files.exists(tmp.resolve("out/gsm8k_train_code.jsonl")));
    }

    @Test
    void codeNestedRunsEachAnnotationAndChecksItsResult() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/usr/bin/python3")), "missing /usr/bin/python3");
        Path in = tmp.resolve("train.jsonl");
        String wrong = ROW.replace("<<48+24=72>>", "<<48+24=73>>");
        Files.writeString(in, ROW + "\n" + wrong + "\n");
        Gsm8k.Report r = Gsm8k.convert(in, tmp.resolve("out"), new ProcessCodeRunner("/usr/bin/python3", 10));
        assertEquals(1, r.codeRows());
        assertEquals(1, r.dropReasons().get("annotation result differs from execution"));
        JsonNode n = new ObjectMapper().readTree(Files.readAllLines(tmp.resolve("out/gsm8k_train_code.jsonl")).getFirst());
        assertEquals("```python\nprint(48/2)\n```\n```output\n24.0\n```\nNatalia sold 48/2 = 24 clips in May.\n"
                        + "```python\nprint(48+24)\n```\n```output\n72\n```\nNatalia sold 48+24 = 72 clips altogether in April and May.\n"
                        + "The answer is $\\boxed{72}$.", n.get("messages").get(1).get("content").asText());
    }

    @Test
    void malformedLinesStopWithFileAndLine() throws Exception {
        Path in = tmp.resolve("bad.jsonl");
        Files.write(in, List.of(ROW, "{\"question\": \"q\"", ROW));
        DataFormatException e = assertThrows(DataFormatException.class, () -> Gsm8k.convert(in, tmp, null));
        assertTrue(e.getMessage().startsWith(in + ":2: bad JSON"), e.getMessage());
        Files.write(in, List.of(ROW, "{\"question\": 3, \"answer\": \"#### 1\"}"));
        e = assertThrows(DataFormatException.class, () -> Gsm8k.convert(in, tmp, null));
        assertEquals(in + ":2: field \"question\" should be a string but is number", e.getMessage());
        Files.write(in, List.of("{\"question\": \"q\", \"answer\": \"no final\"}"));
        e = assertThrows(DataFormatException.class, () -> Gsm8k.convert(in, tmp, null));
        assertTrue(e.getMessage().contains(":1: answer has no"), e.getMessage());
        // "####" with nothing after it used to give a row whose answer was "\\boxed{}"
        Files.write(in, List.of("{\"question\": \"q\", \"answer\": \"a <<2+3=5>>5\\n#### \"}"));
        e = assertThrows(DataFormatException.class, () -> Gsm8k.convert(in, tmp, null));
        assertEquals(in + ":1: answer's \"####\" line has no number after it", e.getMessage());
    }
}
