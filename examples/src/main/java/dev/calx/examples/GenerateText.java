package dev.calx.examples;

import dev.calx.llama.Generator;
import dev.calx.llama.InferenceSession;
import dev.calx.llama.LlamaModel;
import dev.calx.llama.Sampler;
import dev.calx.llama.tokenizer.Tokenizer;
import dev.calx.llama.tokenizer.Tokenizers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.IntStream;

/**
 * Loads a checkpoint in any supported format (Hugging Face directory, llama2.c {@code .bin},
 * GGUF) and generates text with the KV-cache inference session, as llama2.c's {@code run.c}.
 *
 * <pre>GenerateText stories260K.bin tok512.bin "Once upon a time" 200 0.0</pre>
 * Arguments: model, tokenizer (default: {@code tok512.bin} beside the model), prompt (default:
 * none), number of new tokens (default 200), temperature (default 0: greedy).
 */
public final class GenerateText {
    private GenerateText() {}

    /**
     * Runs the example.
     *
     * @param args model, tokenizer, prompt, new tokens, temperature (all optional)
     * @throws IOException when a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        Path model = Path.of(args.length > 0 ? args[0] : "stories260K.bin");
        Path tokenizerFile = args.length > 1 ? Path.of(args[1]) : model.toAbsolutePath().resolveSibling("tok512.bin");
        String prompt = args.length > 2 ? args[2] : "";
        int steps = args.length > 3 ? Integer.parseInt(args[3]) : 200;
        float temperature = args.length > 4 ? Float.parseFloat(args[4]) : 0f;

        Tokenizer tokenizer = Tokenizers.load(tokenizerFile);
        Sampler sampler = temperature == 0 ? Sampler.greedy() : new Sampler(temperature, 0.9f, 42);
        // LlamaModel maps the file; the session owns the KV cache: both are closed here
        try (LlamaModel m = LlamaModel.load(model); InferenceSession session = m.newSession()) {
            int[] promptIds = tokenizer.encode(prompt, true); // starts with BOS
            int[] generated = Generator.generate(session, promptIds, steps, sampler,
                    tokenizer.bosId(), tokenizer.eosId(), null);
            int[] all = IntStream.concat(IntStream.of(promptIds), IntStream.of(generated)).toArray();
            System.out.print(tokenizer.decode(all));
            System.out.flush();
            System.err.printf("%s: %d parameters, %d prompt + %d generated tokens%n",
                    model.getFileName(), m.config().parameterCount(), promptIds.length, generated.length);
        }
    }
}
