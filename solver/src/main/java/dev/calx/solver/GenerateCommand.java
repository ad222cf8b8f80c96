package dev.calx.solver;

import dev.calx.llama.Generator;
import dev.calx.llama.InferenceSession;
import dev.calx.llama.LlamaConfig;
import dev.calx.llama.LlamaModel;
import dev.calx.llama.Sampler;
import dev.calx.llama.tokenizer.GgufTokenizer;
import dev.calx.llama.tokenizer.SentencePieceTokenizer;
import dev.calx.llama.tokenizer.StreamingDecoder;
import dev.calx.llama.tokenizer.Tokenizer;
import dev.calx.llama.tokenizer.Tokenizers;
import dev.calx.tensor.Backends;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * {@code calx generate}: llama2.c's run.c on any supported checkpoint. Prompt (with BOS) is
 * prefilled in one batch, then tokens are sampled one by one and printed as they come; stops at
 * BOS or EOS. The tokenizer is --tokenizer, else the one in a HF directory or in a GGUF file's
 * metadata; without one the token ids are printed.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate text from a model; prints it as it is produced and tokens/s on stderr.")
public final class GenerateCommand implements Callable<Integer> {
    /** Creates the command; picocli fills in its options. */
    public GenerateCommand() { }

    @Option(names = "--model", required = true, description = "HF directory, llama2.c .bin or .gguf file.")
    Path model;

    @Option(names = "--tokenizer", description = "tokenizer.model (SentencePiece), tokenizer.json or llama2.c tokenizer.bin "
            + "(default: the one in a HF model directory, or the one in a GGUF file's metadata; else token ids are printed).")
    Path tokenizer;

    @Option(names = "--prompt", defaultValue = "", description = "Prompt text (default: none, start from BOS).")
    String prompt;

    @Option(names = "--steps", defaultValue = "256", description = "Most tokens to generate (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--temperature", defaultValue = "1.0", description = "0 = greedy (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--top-p", defaultValue = "0.9", description = "Nucleus sampling mass, 1 = off (default: ${DEFAULT-VALUE}).")
    float topP;

    @Option(names = "--seed", description = "Random seed (default: the clock).")
    Long seed;

    @Override
    public Integer call() throws Exception {
        if (steps < 0) throw new IllegalArgumentException("--steps must be 0 or more, got " + steps);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (LlamaModel m = LlamaModel.load(model)) {
            LlamaConfig c = m.config();
            Path tokPath = tokenizer;
            if (tokPath == null && m.format() == LlamaModel.Format.HF && hasTokenizer(m.source())) tokPath = m.source();
            Tokenizer tok = tokPath != null ? Tokenizers.load(tokPath)
                    : m.format() == LlamaModel.Format.GGUF && GgufTokenizer.present(m.metadata())
                    ? GgufTokenizer.fromMetadata(m.source().toString(), m.metadata()) : null;
            if (tokPath == null && tok != null) tokPath = m.source();
            if (tok != null && tok.vocabSize() > c.vocabSize()) {
                throw new IllegalArgumentException("tokenizer " + tokPath + " has " + tok.vocabSize()
                        + " tokens but the model's vocabulary is " + c.vocabSize());
            }
            int[] promptIds;
            if (tok != null) {
                promptIds = tok.encode(prompt, true);
            } else if (prompt.isEmpty()) {
                promptIds = new int[]{c.bosTokenId()};
            } else {
                throw new IllegalArgumentException("--prompt needs --tokenizer");
            }
            Sampler sampler = new Sampler(temperature, topP, seed != null ? seed : System.nanoTime());
            InferenceSession s = m.newSession();
            if (promptIds.length > s.maxLength()) {
                s.close();
                // before the echo: the prompt printed in full, then the error, read as if it had run
                throw new IllegalArgumentException("--prompt is " + promptIds.length + " tokens (BOS included) but the context limit of "
                        + model + " is " + s.maxLength() + " tokens");
            }
            int bos = tok != null ? tok.bosId() : c.bosTokenId(), eos = tok != null ? tok.eosId() : c.eosTokenId();
            TextStream text = tok == null ? null : new TextStream(tok, promptIds);
            // Choose the backend now: its one-line notice on stderr would otherwise land in the
            // middle of the prompt's echo on a terminal.
            Backends.get();
            if (tok != null && !prompt.isEmpty()) out.print(prompt);
            long[] firstToken = {0};
            long start = System.nanoTime();
            int[] ids;
            String stop;
            try (s) {
                ids = Generator.generate(s, promptIds, steps, sampler, bos, eos, id -> {
                    if (firstToken[0] == 0) firstToken[0] = System.nanoTime();
                    if (text != null) out.print(text.next(id));
                    else out.print(id + " ");
                    out.flush();
                });
                stop = ids.length == steps ? "--steps " + steps
                        : s.position() >= s.maxLength() ? "the context limit (" + s.maxLength() + " tokens)"
                        : "a stop token";
            }
            long end = System.nanoTime();
            out.println();
            double prefill = ((firstToken[0] == 0 ? end : firstToken[0]) - start) / 1e9;
            double decode = (end - (firstToken[0] == 0 ? end : firstToken[0])) / 1e9;
            System.err.printf("prompt %d tokens in %.3f s (%.1f tok/s); generated %d tokens, %.1f tok/s; stopped at %s%n",
                    promptIds.length, prefill, promptIds.length / prefill, ids.length,
                    ids.length > 1 ? (ids.length - 1) / decode : 0.0, stop);
        }
        return 0;
    }

    static boolean hasTokenizer(Path dir) {
        return Tokenizers.FILE_NAMES.stream().anyMatch(n -> java.nio.file.Files.isRegularFile(dir.resolve(n)));
    }

    /**
     * Streams text while tokens arrive. With a SentencePiece tokenizer this is its
     * StreamingDecoder, primed with the prompt; for any other Tokenizer the text of the new
     * tokens is decode(prompt + generated) minus what came before, held back while it ends in
     * an incomplete UTF-8 character (U+FFFD).
     */
    static final class TextStream {
        private final Tokenizer tok;
        private final StreamingDecoder streaming;
        private int[] ids;
        private int n;
        private final int promptLen;
        private int emitted;

        TextStream(Tokenizer tok, int[] prompt) {
            this.tok = tok;
            this.streaming = tok instanceof SentencePieceTokenizer sp ? new StreamingDecoder(sp.vocabulary()) : null;
            if (streaming != null) for (int id : prompt) streaming.next(id);
            this.ids = Arrays.copyOf(prompt, prompt.length + 64);
            this.n = prompt.length;
            this.promptLen = streaming != null ? 0 : tok.decode(prompt).length();
        }

        String next(int id) {
            if (streaming != null) return streaming.next(id);
            if (n == ids.length) ids = Arrays.copyOf(ids, n * 2);
            ids[n++] = id;
            String all = tok.decode(Arrays.copyOf(ids, n));
            if (all.endsWith("\uFFFD")) return "";
            int from = promptLen + emitted;
            if (from > all.length()) return "";
            String delta = all.substring(from);
            emitted += delta.length();
            return delta;
        }
    }
}
