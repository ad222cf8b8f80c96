package dev.calx.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calx.llama.tokenizer.SentencePieceTokenizer;
import dev.calx.llama.tokenizer.Tokenizers;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Encoding throughput of the SentencePiece tokenizer on GSM8K's train questions and answers (each
 * text encoded separately, no BOS, cycling through the corpus so the word cache sees the corpus's
 * real repetition), one thread, in UTF-8 bytes per second: the "bytes" counter
 * (divide by 10^6 for MB/s). benchmarks/tokenizer_peer.py measures the sentencepiece library on the
 * same texts in the same unit. Data: -Dcalx.shared (default ../shared, from the repository root).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TokenizerBenchmark {
    /** tokenizer.model, tokenizer.json or tokenizer.bin under calx.shared/data/tokenizers/llama2/ */
    @Param({"tokenizer.model"})
    public String file;

    SentencePieceTokenizer tokenizer;
    String[] texts;
    int[] utf8Lengths;
    int next;

    /** Bytes encoded, reported by JMH as a rate next to the calls per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public long bytes;
    }

    @Setup
    public void setup() throws IOException {
        Path shared = Path.of(System.getProperty("calx.shared", "../shared"));
        tokenizer = Tokenizers.load(shared.resolve("data/tokenizers/llama2").resolve(file));
        texts = gsm8kTexts(shared.resolve("data/gsm8k/train.jsonl")).toArray(new String[0]);
        utf8Lengths = new int[texts.length];
        long total = 0;
        for (int i = 0; i < texts.length; i++) {
            utf8Lengths[i] = texts[i].getBytes(StandardCharsets.UTF_8).length;
            total += utf8Lengths[i];
        }
        System.err.printf("tokenizer %s: %d texts, %d UTF-8 bytes%n", file, texts.length, total);
    }

    static List<String> gsm8kTexts(Path jsonl) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(jsonl)) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) continue;
                JsonNode n = json.readTree(line);
                out.add(n.get("question").asText());
                out.add(n.get("answer").asText());
            }
        }
        return out;
    }

    /** One text per call, cycling through the corpus. */
    @Benchmark
    public void encode(Bytes counter, Blackhole bh) {
        int i = next;
        next = i + 1 == texts.length ? 0 : i + 1;
        bh.consume(tokenizer.encode(texts[i], false));
        counter.bytes += utf8Lengths[i];
    }

    /** The same, with BPE over each whole text (no per-thread word cache): the cold-cache cost. */
    @Benchmark
    public void encodeWithoutWordCache(Bytes counter, Blackhole bh) {
        int i = next;
        next = i + 1 == texts.length ? 0 : i + 1;
        bh.consume(tokenizer.encodeWithoutWordCache(texts[i], false));
        counter.bytes += utf8Lengths[i];
    }
}
