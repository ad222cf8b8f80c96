package dev.calx.benchmarks.report;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The peers' JSON-line contract, and the adapters for scripts that print text (outputs captured from real runs). */
class PeerOutputTest {
    @Test
    void contractLinesAreReadAndOtherLinesIgnored() {
        String out = """
                numpy 1.24.2, OpenBLAS
                {"bench": "gemm", "peer": "numpy", "value": 361.5, "unit": "GFLOP/s", "params": {"shape": "1024x1024x1024", "threads": 2}}
                some human-readable line {not json
                {"bench": "gemv", "peer": "numpy", "value": 61.2, "unit": "GB/s", "params": {"shape": "4096x4096", "dtype": "F32"}}
                """;
        List<Result> r = PeerOutput.parse(out, "gemm_numpy.py");
        assertEquals(2, r.size());
        assertEquals("gemm[shape=1024x1024x1024,threads=2]", r.get(0).key());
        assertEquals("numpy", r.get(0).source());
        assertEquals(361.5, r.get(0).value());
        assertEquals("2", r.get(0).threads());
        assertEquals("gemv[dtype=F32,shape=4096x4096]", r.get(1).key());
        assertEquals("gemm_numpy.py", r.get(1).origin());
    }

    @Test
    void aBrokenContractLineIsAnErrorNamingScriptAndLine() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> PeerOutput.parse("ok\n{\"bench\": \"gemm\", \"peer\": \"numpy\", \"value\": \"fast\", \"unit\": \"GFLOP/s\"}\n", "x.py"));
        assertTrue(e.getMessage().startsWith("x.py line 2"), e.getMessage());
        assertTrue(e.getMessage().contains("value"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PeerOutput.parse("{\"bench\": oops}", "y.py"));
        assertTrue(e.getMessage().contains("y.py line 1: not valid JSON"), e.getMessage());
    }

    @Test
    void blockTorchOutputBecomesTheLlamaBlockPeerResult() throws IOException {
        List<Result> r = Suite.adaptBlockTorch(resource("block_torch.out"));
        assertEquals(1, r.size());
        assertEquals("llama_block[batch=8,seq=256]", r.getFirst().key());
        assertEquals("torch 1.13.0a0", r.getFirst().source());
        assertEquals(702, r.getFirst().value());
        assertEquals("2", r.getFirst().threads());
    }

    @Test
    void tokenizerPeerOutputGivesTheLibraryAndThePythonLoopMedians() throws IOException {
        List<Result> r = Suite.adaptTokenizerPeer(resource("tokenizer_peer.out"));
        assertEquals(2, r.size());
        Map<String, Double> bySource = Map.of(r.get(0).source(), r.get(0).value(), r.get(1).source(), r.get(1).value());
        assertEquals(3.45, bySource.get("sentencepiece 0.1.97 (Python loop)"));
        assertEquals(3.18, bySource.get("sentencepiece 0.1.97"));
        assertEquals("tokenizer_encode[file=tokenizer.model]", r.getFirst().key());
    }

    @Test
    void interpreterPeerMicroOutputGivesWarmCellAndFreshNamespaceLatencies() throws IOException {
        List<Result> r = Suite.adaptInterpreter(resource("interpreter_peer_micro.out"));
        assertEquals(2, r.size());
        assertEquals("interpreter_print_warm", r.get(0).key());
        assertEquals("cpython 3.11.2", r.get(0).source());
        assertEquals(0.0104, r.get(0).value());
        assertEquals("ms", r.get(0).unit());
        assertEquals("interpreter_fresh_session[cell=x = 1]", r.get(1).key());
        assertEquals(0.0065, r.get(1).value());
    }

    @Test
    void interpreterPeerToraOutputGivesReplayTimeAndAgreementAndGraalpyIsCalx() throws IOException {
        List<Result> r = Suite.adaptInterpreter(resource("interpreter_peer_tora.out"));
        assertEquals(2, r.size());
        assertEquals("interpreter_tora_replay[cells=25]", r.get(0).key());
        assertEquals(1038, r.get(0).value());
        assertEquals("interpreter_tora_agreement[cells=25]", r.get(1).key());
        assertEquals(24, r.get(1).value());
        // Calx's replay main class prints the same summary with engine graalpy
        List<Result> calx = Suite.adaptInterpreter("{\"engine\":\"graalpy\",\"cells\":25,\"agree\":23,\"best_pass_ms\":2000}");
        assertEquals("calx", calx.getFirst().source());
        assertEquals(r.get(0).key(), calx.getFirst().key());
    }

    @Test
    void trainerBenchOutputIsKeyedByParameterCountLikeCalxsStepBenchmark() throws IOException {
        List<Result> torch = Suite.adaptTrainStep(resource("trainer_bench.out"));
        assertEquals(1, torch.size());
        assertEquals("training_step[params=24407712]", torch.getFirst().key());
        assertEquals("torch 1.13.0a0", torch.getFirst().source());
        assertEquals(52.8, torch.getFirst().value());
        assertEquals("2", torch.getFirst().threads());
        // the format TrainStepBenchmark prints (dev.calx.trainer.bench), same shape
        List<Result> calx = Suite.adaptTrainStep("calx train step: dim 288 hidden 768 layers 6 heads 6 vocab 32000, batch 8 x 256, "
                + "24407712 params, threads 2\n1234.5 tokens/s (1.659 s/step over 2 steps, last loss 10.4); peak heap 900.0 MiB = 38.7 bytes/param\n");
        assertEquals("calx", calx.getFirst().source());
        assertEquals(torch.getFirst().key(), calx.getFirst().key());
        assertEquals(1234.5, calx.getFirst().value());
    }

    @Test
    void latencyUnitsAreLowerIsBetter() {
        assertTrue(Result.lowerIsBetter("ms"));
        assertTrue(Result.lowerIsBetter("ms/op"));
        assertFalse(Result.lowerIsBetter("tokens/s"));
        assertFalse(Result.lowerIsBetter("GFLOP/s"));
    }

    static String resource(String name) throws IOException {
        try (InputStream in = PeerOutputTest.class.getResourceAsStream("/peer-output/" + name)) {
            assertNotNull(in, "missing test resource /peer-output/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
