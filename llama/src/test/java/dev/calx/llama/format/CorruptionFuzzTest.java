package dev.calx.llama.format;

import dev.calx.llama.CheckpointException;
import dev.calx.llama.InferenceSession;
import dev.calx.llama.LlamaModel;
import dev.calx.llama.ModelInfo;
import dev.calx.llama.tokenizer.SentencePieceTokenizer;
import dev.calx.llama.tokenizer.Tokenizers;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random corruption of every checkpoint fixture and of the tokenizer files: each mutated file
 * either loads into a model that runs (a flipped weight is still a model), or is an error naming
 * the file. Anything else (an exception from deep inside, an error that names no file, a model
 * that loads and then fails) is a finding. The mutations ({@link Mutations}) lean towards the
 * first 4 KiB, where headers, configs and metadata live. Seed and count: {@code -Dcalx.fuzz.seed}, {@code
 * -Dcalx.fuzz.n} (checkpoint mutations are 2.5 times n; the default of 500 takes about five seconds).
 */
class CorruptionFuzzTest {
    static final long SEED = Long.getLong("calx.fuzz.seed", 26);
    static final int N = Integer.getInteger("calx.fuzz.n", 500);

    @TempDir
    Path tmp;

    /** One mutated copy: what was done, and what came of it. */
    record Finding(String what, Throwable thrown) {
        @Override
        public String toString() {
            return what + ": " + thrown;
        }
    }

    /** The files of a fixture (itself, or the files of its directory). */
    static List<Path> files(Path fixture) throws IOException {
        if (!Files.isDirectory(fixture)) return List.of(fixture);
        try (var s = Files.list(fixture)) {
            return s.sorted().toList();
        }
    }

    static boolean namesAFileOf(String message, Path copy) throws IOException {
        if (message == null) return false;
        for (Path f : files(copy)) if (message.contains(f.getFileName().toString())) return true;
        return message.contains(copy.toString());
    }

    /** Loads the copy: a model that runs one token, or a CheckpointException naming one of its files; true when it loaded. */
    static boolean checkModel(Path copy, String what, List<Finding> found) throws IOException {
        try {
            ModelInfo.of(copy);
        } catch (CheckpointException e) {
            if (!namesAFileOf(e.getMessage(), copy)) found.add(new Finding(what + " (info)", e));
        } catch (Throwable t) {
            found.add(new Finding(what + " (info)", t));
        }
        LlamaModel m;
        try {
            m = LlamaModel.load(copy);
        } catch (CheckpointException e) {
            if (!namesAFileOf(e.getMessage(), copy)) found.add(new Finding(what, e));
            return false;
        } catch (Throwable t) {
            found.add(new Finding(what, t));
            return false;
        }
        try (m; InferenceSession s = m.newSession(4)) {
            float[] logits = s.append(Math.min(1, m.config().vocabSize() - 1));
            if (logits.length != m.config().vocabSize()) found.add(new Finding(what + " (logits length " + logits.length + ")", null));
        } catch (Throwable t) {
            found.add(new Finding(what + " (loaded, then running it)", t));
        }
        return true;
    }

    @Test
    void corruptCheckpointsLoadOrAreErrorsNamingTheFile() throws IOException {
        Path fx = FixtureLogitsTest.fixtures();
        List<Path> fixtures = new ArrayList<>();
        for (String f : new String[] {"a_hf_f32", "b_hf_bf16_sharded", "a_v0.bin", "a_v1.bin", "a_f16.gguf", "b_bf16.gguf",
                "b_q8_0.gguf", "tiny_tok512.gguf", "llama2c_v2/a_v2_gs64.bin", "llama2c_v2/c_v1.bin"}) {
            fixtures.add(fx.resolve(f));
        }
        SplittableRandom r = new SplittableRandom(SEED);
        List<Finding> found = new ArrayList<>();
        int runs = 0, loaded = 0;
        for (int i = 0; i < N * fixtures.size() / 4; i++) {
            Path src = fixtures.get(r.nextInt(fixtures.size()));
            Path copy = tmp.resolve("m" + i).resolve(src.getFileName().toString());
            Files.createDirectories(copy.getParent());
            List<Path> parts = files(src);
            if (Files.isDirectory(src)) {
                Files.createDirectories(copy);
                for (Path p : parts) Files.copy(p, copy.resolve(p.getFileName()));
            } else {
                Files.copy(src, copy);
            }
            Path victim = Files.isDirectory(src) ? copy.resolve(parts.get(r.nextInt(parts.size())).getFileName()) : copy;
            StringBuilder what = new StringBuilder(fx.relativize(src) + "/" + victim.getFileName() + ":");
            Files.write(victim, Mutations.mutate(Files.readAllBytes(victim), r, what, 4096));
            if (checkModel(copy, what.toString(), found)) loaded++;
            runs++;
            for (Path p : files(copy).reversed()) Files.deleteIfExists(p);
            Files.deleteIfExists(copy);
            Files.deleteIfExists(copy.getParent());
        }
        System.out.println("checkpoints: " + runs + " mutations (seed " + SEED + "): " + loaded + " loaded and ran, "
                + (runs - loaded) + " refused, " + found.size() + " findings");
        assertEquals(List.of(), found, runs + " mutations, seed " + SEED);
    }

    static Path shared(String relative) {
        Path p = Path.of(System.getProperty("calx.shared", "../../shared")).resolve(relative);
        Assumptions.assumeTrue(Files.exists(p), "missing " + p);
        return p;
    }

    @Test
    void corruptTokenizersLoadOrAreErrorsNamingTheFile() throws IOException {
        Path model = shared("data/tokenizers/llama2/tokenizer.model"), bin = shared("data/models/stories260K/tok512.bin");
        Path json = tmp.resolve("tokenizer.json");
        Tokenizers.save(Tokenizers.load(bin), json);
        List<Path> sources = List.of(model, bin, json);
        SplittableRandom r = new SplittableRandom(SEED + 1);
        List<Finding> found = new ArrayList<>();
        int loaded = 0;
        for (int i = 0; i < N; i++) {
            Path src = sources.get(r.nextInt(sources.size()));
            Path copy = tmp.resolve("t" + i + "-" + src.getFileName());
            StringBuilder what = new StringBuilder(src.getFileName() + ":");
            Files.write(copy, Mutations.mutate(Files.readAllBytes(src), r, what, 4096));
            SentencePieceTokenizer t;
            try {
                t = Tokenizers.load(copy);
            } catch (IOException e) {
                if (e.getMessage() == null || !e.getMessage().contains(copy.getFileName().toString())) found.add(new Finding(what.toString(), e));
                Files.delete(copy);
                continue;
            } catch (Throwable e) {
                found.add(new Finding(what.toString(), e));
                Files.delete(copy);
                continue;
            }
            loaded++;
            try {
                int[] ids = t.encode("Janet has 3 apples; 2+2 = 4.\n\t\u00e9\u4e2d", true);
                t.decode(ids);
            } catch (IllegalArgumentException e) {
                // a vocabulary that cannot spell the text, said so: fine
                assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), what + ": " + e);
            } catch (Throwable e) {
                found.add(new Finding(what + " (loaded, then encoding)", e));
            }
            Files.delete(copy);
        }
        System.out.println("tokenizers: " + N + " mutations (seed " + (SEED + 1) + "): " + loaded + " loaded and ran, "
                + (N - loaded) + " refused, " + found.size() + " findings");
        assertEquals(List.of(), found, N + " mutations, seed " + (SEED + 1));
    }
}
