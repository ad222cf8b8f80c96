package dev.calx.benchmarks.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Results salvaged from JMH's text output equal those in its JSON (same real run), and survive a JSON round trip. */
class JmhLogTest {
    @TempDir
    Path dir;

    @Test
    void scoresParamsAndCountersFromTheLogMatchTheJson() throws Exception {
        List<JmhRecord> json = JmhRecord.read(JmhFixture.json());
        List<JmhRecord> log = JmhLog.parse(Files.readString(JmhFixture.log()));
        assertEquals(json.size(), log.size());
        for (int i = 0; i < json.size(); i++) {
            JmhRecord a = json.get(i), b = log.get(i);
            assertEquals(a.benchmark(), b.benchmark());
            assertEquals(a.params(), b.params());
            assertEquals(a.primary().unit(), b.primary().unit());
            // the log prints three decimals
            assertEquals(a.primary().score(), b.primary().score(), 1e-3);
            assertEquals(a.secondary().keySet(), b.secondary().keySet());
            assertEquals(a.secondary().get("macs").score(), b.secondary().get("macs").score(), 1e-3);
        }
        Path out = dir.resolve("salvaged.json");
        JmhLog.writeJson(log, out);
        List<JmhRecord> back = JmhRecord.read(out);
        assertEquals(log.size(), back.size());
        assertEquals(log.getFirst().primary(), back.getFirst().primary());
        assertEquals(log.getFirst().params(), back.getFirst().params());
    }

    @Test
    void aLogCutOffBeforeAnyResultGivesNothing() {
        assertEquals(List.of(), JmhLog.parse("# Benchmark: a.B.c\n# Parameters: (x = 1)\n# Warmup Iteration   1: 5 ops/s\n"));
    }
}
