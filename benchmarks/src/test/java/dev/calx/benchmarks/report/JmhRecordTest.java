package dev.calx.benchmarks.report;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Parsing JSON that JMH wrote for a real (tiny) benchmark run, checked against JMH's in-memory results. */
class JmhRecordTest {
    @TempDir
    static Path dir;
    static Path json;
    static Collection<RunResult> jmh;

    @BeforeAll
    static void runFixture() throws Exception {
        json = JmhFixture.json();
        jmh = JmhFixture.results();
    }

    @Test
    void parsedScoresParamsAndCountersEqualJmhsOwnResults() throws IOException {
        List<JmhRecord> records = JmhRecord.read(json);
        assertEquals(2, records.size());
        for (RunResult r : jmh) {
            String shape = r.getParams().getParam("shape");
            JmhRecord rec = records.stream().filter(x -> x.params().get("shape").equals(shape)).findFirst().orElseThrow();
            assertEquals("dev.calx.benchmarks.report.FixtureGemmBenchmark.gemm", rec.benchmark());
            assertEquals("FixtureGemmBenchmark.gemm", rec.simpleName());
            assertEquals("FixtureGemmBenchmark", rec.className());
            assertEquals("thrpt", rec.mode());
            assertEquals(r.getPrimaryResult().getScore(), rec.primary().score(), 1e-9 * rec.primary().score());
            assertEquals("ops/s", rec.primary().unit());
            assertTrue(rec.primary().score() > 0);
            double macs = r.getSecondaryResults().get("macs").getScore();
            assertEquals(macs, rec.secondary().get("macs").score(), 1e-9 * macs);
            assertEquals(2, rec.measurementIterations());
        }
    }

    @Test
    void gemmMappingConvertsOpsPerSecondToGflopsFromTheShapeParam() throws IOException {
        Mapping m = new Mapping("FixtureGemmBenchmark.gemm", "gemm", "GFLOP/s", Mapping.gemmGflops());
        for (JmhRecord rec : JmhRecord.read(json)) {
            Result r = m.apply(rec);
            String[] s = rec.params().get("shape").split("x");
            double flopsPerOp = 2.0 * Integer.parseInt(s[0]) * Integer.parseInt(s[1]) * Integer.parseInt(s[2]);
            assertEquals(rec.primary().score() * flopsPerOp / 1e9, r.value(), 1e-12);
            // the aux counter counts multiply-adds per second, an independent measure of the same rate
            assertEquals(rec.secondary().get("macs").score() * 2 / 1e9, r.value(), 0.02 * r.value());
            assertEquals("gemm[shape=" + rec.params().get("shape") + "]", r.key());
            assertEquals("calx", r.source());
        }
    }

    @Test
    void unmappedBenchmarksKeepTheirNameAndJmhUnit() throws IOException {
        for (JmhRecord rec : JmhRecord.read(json)) {
            Result r = Suite.toResult(rec);
            assertEquals("FixtureGemmBenchmark.gemm", r.bench());
            assertEquals("ops/s", r.unit());
            assertEquals(rec.primary().score(), r.value());
        }
    }

    @Test
    void brokenFilesAreErrorsNamingTheFile() throws IOException {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"not\": \"an array\"}");
        IOException e = assertThrows(IOException.class, () -> JmhRecord.read(bad));
        assertTrue(e.getMessage().contains("bad.json"), e.getMessage());
        Path noBench = dir.resolve("nobench.json");
        Files.writeString(noBench, "[{\"mode\": \"thrpt\"}]");
        e = assertThrows(IOException.class, () -> JmhRecord.read(noBench));
        assertTrue(e.getMessage().contains("benchmark"), e.getMessage());
    }

    @Test
    void anEmptyResultFileMeansNoRecords() throws IOException {
        Path empty = dir.resolve("empty.json");
        Files.writeString(empty, "");
        assertEquals(new ArrayList<>(), JmhRecord.read(empty));
    }
}
