package dev.calx.solver;

import dev.calx.llama.LlamaModel;
import dev.calx.llama.format.HfCheckpoint;
import dev.calx.llama.format.Llama2c;
import dev.calx.llama.tokenizer.GgufTokenizer;
import dev.calx.llama.tokenizer.Llama2cTokenizer;
import dev.calx.llama.tokenizer.SentencePieceModel;
import dev.calx.llama.tokenizer.SentencePieceTokenizer;
import dev.calx.llama.tokenizer.Tokenizers;
import dev.calx.trainer.io.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code calx convert}: rewrites a checkpoint in one of the writable formats, with its tokenizer.
 * The source tokenizer is {@code --tokenizer}, else the first of {@link Tokenizers#FILE_NAMES}
 * in a Hugging Face directory, the one in a GGUF file's metadata, or the tokenizer.model or
 * tokenizer.bin beside a llama2.c file (as {@code calx solve} finds it), with an
 * {@code added_tokens.json} beside it. A Hugging Face output gets it as {@code tokenizer.model}
 * ({@code tokenizer.json} when that was the source; both copied byte for byte), and other
 * tokenizer files there are removed, since a loader would prefer them; a llama2.c output gets
 * {@code tokenizer.bin} beside it, unless a different one is there already (shared by other
 * models of that directory): that is refused before anything is written.
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert a model (HF, llama2.c .bin or GGUF) to a Hugging Face directory or a llama2.c .bin.")
public final class ConvertCommand implements Callable<Integer> {
    /** Creates the command; picocli fills in its options. */
    public ConvertCommand() { }

    enum Target { hf, llama2c }

    @Option(names = "--model", required = true, description = "Source: HF directory, llama2.c .bin or .gguf file.")
    Path model;

    @Option(names = "--to", required = true, description = "Target format: ${COMPLETION-CANDIDATES}.")
    Target to;

    @Option(names = "--out", required = true, description = "Output directory (hf) or file (llama2c).")
    Path out;

    @Option(names = "--llama2c-version", defaultValue = "0", description = "llama2.c version 0 (run.c reads it), 1, or 2 (Q8_0, runq.c reads it) (default: ${DEFAULT-VALUE}).")
    int version;

    @Option(names = "--tokenizer", description = "Source tokenizer (tokenizer.model, tokenizer.json or llama2.c tokenizer.bin;"
            + " default: the model's, as calx solve finds it).")
    Path tokenizer;

    @Option(names = "--no-tokenizer", description = "Write the weights only; tokenizer files at --out are left as they are.")
    boolean noTokenizer;

    @Option(names = "--shard-size", defaultValue = "5000000000", description = "HF: largest shard in bytes before splitting (default: ${DEFAULT-VALUE}).")
    long shardSize;

    @Override
    public Integer call() throws Exception {
        // Checked before the model loads, so a wrong --out costs nothing and says what is wrong.
        if (shardSize < 1) {
            // 0 or -5 gave one shard per tensor (47 files for stories260K)
            throw new IllegalArgumentException("--shard-size must be 1 byte or more, got " + shardSize);
        }
        if (to == Target.llama2c && Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + " is a directory; --to llama2c writes one file (e.g. "
                    + out.resolve("model.bin") + ")");
        }
        if (to == Target.hf && Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + " is a file; --to hf writes a directory (config.json and safetensors)");
        }
        if (to == Target.llama2c && Files.isRegularFile(out) && Files.exists(model)) {
            // the rename would put the new file in place of the source (or of its config.json or
            // a shard), and a lossy v2 or a GGUF written over leaves nothing to convert again
            boolean isSource = Files.isRegularFile(model) && Files.isSameFile(model, out);
            boolean inSource = Files.isDirectory(model) && Files.isSameFile(model, out.toAbsolutePath().getParent());
            if (isSource || inSource) {
                throw new IllegalArgumentException("--out " + out + " is " + (isSource ? "the model being converted" : "a file of the model being converted")
                        + "; the llama2.c file would replace it: write it to another path");
            }
        }
        if (tokenizer != null && noTokenizer) throw new IllegalArgumentException("--tokenizer and --no-tokenizer exclude each other");
        if (tokenizer != null && !Files.isRegularFile(tokenizer)) throw new IllegalArgumentException("--tokenizer " + tokenizer + ": no such file");
        try (LlamaModel m = LlamaModel.load(model)) {
            // the tokenizer's files are made first (in memory), so that a tokenizer that cannot be
            // written, or a llama2.c tokenizer.bin that would be overwritten, stops the command before the weights are written
            List<OutFile> tok = noTokenizer ? List.of() : tokenizerFiles(m);
            switch (to) {
                case hf -> {
                    @SuppressWarnings("unchecked")
                    Map<String, String> meta = (Map<String, String>) m.metadata().get("hf.safetensors.metadata");
                    HfCheckpoint.write(m.weights(), out, (String) m.metadata().get(HfCheckpoint.CONFIG_TEXT), meta, shardSize);
                }
                case llama2c -> Llama2c.write(m.weights(), out, version);
            }
            System.err.println("wrote " + out + " (" + to + ", from " + m.format() + " " + m.weights().storageDType() + ")");
            for (OutFile f : tok) {
                AtomicFiles.write(f.path, f.bytes);
                System.err.println("wrote " + f.path + " (" + f.from + ")");
            }
            if (to == Target.hf && !tok.isEmpty()) {
                for (String name : TOKENIZER_NAMES) {
                    Path p = out.resolve(name);
                    if (tok.stream().noneMatch(f -> f.path.equals(p)) && Files.deleteIfExists(p)) {
                        System.err.println("removed " + p + " (an earlier tokenizer, which a loader would have read)");
                    }
                }
            }
        }
        return 0;
    }

    /** The tokenizer file names a Hugging Face output may hold. */
    private static final List<String> TOKENIZER_NAMES = List.of("tokenizer.model", "tokenizer.json", "tokenizer.bin", "added_tokens.json");

    private record OutFile(Path path, byte[] bytes, String from) { }

    /** The tokenizer files the output gets, or none (said on stderr) when the source has no tokenizer. */
    private List<OutFile> tokenizerFiles(LlamaModel m) throws IOException {
        Path src = tokenizer;
        SentencePieceTokenizer fromGguf = null;
        if (src == null) {
            Path dir = Files.isDirectory(model) ? model : model.toAbsolutePath().getParent();
            List<String> names = m.format() == LlamaModel.Format.HF ? Tokenizers.FILE_NAMES : List.of("tokenizer.model", "tokenizer.bin");
            if (m.format() == LlamaModel.Format.GGUF && GgufTokenizer.present(m.metadata())) {
                fromGguf = GgufTokenizer.fromMetadata(model.toString(), m.metadata());
            } else {
                for (String n : names) {
                    if (Files.isRegularFile(dir.resolve(n))) {
                        src = dir.resolve(n);
                        break;
                    }
                }
            }
        }
        if (src == null && fromGguf == null) {
            System.err.println("calx convert: no tokenizer found for " + model + ", so " + out + " gets none (pass --tokenizer)");
            return List.of();
        }
        Path dir = to == Target.hf ? out : out.toAbsolutePath().getParent();
        List<OutFile> files = new ArrayList<>();
        String name = src == null ? null : src.getFileName().toString();
        int vocab = m.config().vocabSize();
        if (to == Target.hf) {
            if (src != null && (name.endsWith(".model") || name.endsWith(".json"))) {
                files.add(new OutFile(dir.resolve(name.endsWith(".json") ? "tokenizer.json" : "tokenizer.model"), Files.readAllBytes(src), src.toString()));
            } else {
                SentencePieceTokenizer t = fromGguf != null ? fromGguf : Llama2cTokenizer.load(src, vocab);
                files.add(new OutFile(dir.resolve("tokenizer.model"), bytesOf(t, dir.resolve("tokenizer.model")), fromGguf != null ? model + "'s metadata" : src.toString()));
            }
        } else {
            String from = fromGguf != null ? model + "'s metadata" : src.toString();
            if (src != null && name.endsWith(".bin")) {
                files.add(new OutFile(dir.resolve("tokenizer.bin"), Files.readAllBytes(src), from));
            } else {
                SentencePieceTokenizer t = fromGguf != null ? fromGguf : Tokenizers.load(src);
                byte[] b;
                try {
                    b = bytesOf(t, dir.resolve("tokenizer.bin"));
                    files.add(new OutFile(dir.resolve("tokenizer.bin"), b, from));
                } catch (IOException notRecordable) {
                    // e.g. MathCoder's USER_DEFINED <|text|>: tokenizer.bin has no piece types; calx finds a tokenizer.model beside a .bin first
                    System.err.println("calx convert: " + notRecordable.getMessage() + "; so " + out
                            + " gets a tokenizer.model beside it instead (calx reads it; llama2.c's run.c needs a tokenizer.bin)");
                    files.add(new OutFile(dir.resolve("tokenizer.model"), src != null && name.endsWith(".model") ? Files.readAllBytes(src)
                            : bytesOf(t, dir.resolve("tokenizer.model")), from));
                }
            }
        }
        Path added = src == null ? null : src.toAbsolutePath().resolveSibling("added_tokens.json");
        if (added != null && Files.isRegularFile(added)) files.add(new OutFile(dir.resolve("added_tokens.json"), Files.readAllBytes(added), added.toString()));
        if (to == Target.llama2c) {
            for (OutFile f : files) {
                if (Files.isRegularFile(f.path) && !Arrays.equals(Files.readAllBytes(f.path), f.bytes)) {
                    throw new IllegalArgumentException(f.path + " exists and is not the tokenizer of " + model
                            + " (other models in " + dir + " may use it): convert into another directory, or pass --no-tokenizer");
                }
            }
            Path shadow = dir.resolve("tokenizer.model");
            if (files.getFirst().path.getFileName().toString().equals("tokenizer.bin") && Files.isRegularFile(shadow)) {
                throw new IllegalArgumentException(shadow + " exists, and calx would read it as the tokenizer of " + out
                        + " before the tokenizer.bin it gets: convert into another directory, or pass --no-tokenizer");
            }
        }
        return files;
    }

    /** A tokenizer as the bytes of a file named like target (tokenizer.bin or tokenizer.model). */
    private static byte[] bytesOf(SentencePieceTokenizer t, Path target) throws IOException {
        return target.getFileName().toString().endsWith(".bin") ? Llama2cTokenizer.toBytes(t.vocabulary()) : SentencePieceModel.serialize(t);
    }
}
