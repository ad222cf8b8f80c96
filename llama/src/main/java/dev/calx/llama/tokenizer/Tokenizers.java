package dev.calx.llama.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Loading and saving tokenizers whatever their file format: SentencePiece {@code tokenizer.model},
 * Hugging Face {@code tokenizer.json}, llama2.c {@code tokenizer.bin}, the metadata of a
 * {@code .gguf} model (read only), or a directory holding one of the first three (a checkpoint
 * directory).
 */
public final class Tokenizers {
    /** MathCoder's block markers and the chat roles, as added special tokens. */
    public static final List<String> MATHCODER_SPECIAL_TOKENS = List.of(
            "<|text|>", "<|code|>", "<|execution|>", "<|endofblock|>", "<|endofmessage|>",
            "<|user|>", "<|assistant|>", "<|system|>");

    /** File names looked for in a directory, in order of preference (the .model keeps real scores). */
    public static final List<String> FILE_NAMES = List.of("tokenizer.model", "tokenizer.json", "tokenizer.bin");

    private Tokenizers() {
    }

    /**
     * The tokenizer in a file (format from its extension, else from its first bytes) or directory.
     * A directory is searched for {@link #FILE_NAMES} in order; without a known extension, JSON,
     * the GGUF magic and a protobuf start are recognized and anything else is read as llama2.c.
     *
     * @param path a tokenizer file, a {@code .gguf} model, or a directory holding a tokenizer file
     * @return the tokenizer
     * @throws IOException when nothing is found, the file cannot be read, or it is malformed or of
     *                     an unsupported kind (the message names the file and the field)
     */
    public static SentencePieceTokenizer load(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            for (String name : FILE_NAMES) {
                Path f = path.resolve(name);
                if (Files.isRegularFile(f)) return load(f);
            }
            throw new IOException(path + ": no tokenizer here (looked for " + String.join(", ", FILE_NAMES) + ")");
        }
        if (!Files.isRegularFile(path)) throw new IOException(path + ": no such tokenizer file");
        return switch (format(path)) {
            case MODEL -> SentencePieceModel.load(path);
            case JSON -> HfTokenizerJson.load(path);
            case LLAMA2C -> Llama2cTokenizer.load(path);
            case GGUF -> GgufTokenizer.load(path);
        };
    }

    /**
     * Saves to a file in the format of its extension (.model, .json, .bin), or into a directory as
     * tokenizer.model and tokenizer.json (both keep added tokens).
     * Each file is written to a temporary file and renamed.
     *
     * @param t    the tokenizer to save
     * @param path a file named {@code *.model}, {@code *.json} or {@code *.bin}, or an existing directory
     * @throws IOException when the name gives no writable format (including {@code .gguf}), the
     *                     format cannot represent the vocabulary, or writing fails
     */
    public static void save(SentencePieceTokenizer t, Path path) throws IOException {
        if (Files.isDirectory(path)) {
            SentencePieceModel.write(t, path.resolve("tokenizer.model"));
            HfTokenizerJson.write(t, path.resolve("tokenizer.json"));
            return;
        }
        switch (formatByName(path)) {
            case MODEL -> SentencePieceModel.write(t, path);
            case JSON -> HfTokenizerJson.write(t, path);
            case LLAMA2C -> Llama2cTokenizer.write(t.vocabulary(), path);
            case GGUF -> throw new IOException(path + ": writing a tokenizer into GGUF is not supported (use .model, .json or .bin)");
            case null -> throw new IOException(path + ": cannot tell the tokenizer format from the name "
                    + "(use .model, .json or .bin, or an existing directory)");
        }
    }

    enum Format { MODEL, JSON, LLAMA2C, GGUF }

    static Format formatByName(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".model")) return Format.MODEL;
        if (name.endsWith(".json")) return Format.JSON;
        if (name.endsWith(".bin")) return Format.LLAMA2C;
        if (name.endsWith(".gguf")) return Format.GGUF;
        return null;
    }

    static Format format(Path p) throws IOException {
        Format f = formatByName(p);
        if (f != null) return f;
        byte[] head = new byte[16];
        int n;
        try (InputStream in = Files.newInputStream(p)) {
            n = in.readNBytes(head, 0, head.length);
        }
        for (int i = 0; i < n; i++) {
            if (head[i] == '{') return Format.JSON;
            if (!Character.isWhitespace(head[i])) break;
        }
        if (n >= 4 && head[0] == 'G' && head[1] == 'G' && head[2] == 'U' && head[3] == 'F') return Format.GGUF;
        // A ModelProto starts with its first piece: field 1, length-delimited (0x0A).
        return n > 0 && head[0] == 0x0A ? Format.MODEL : Format.LLAMA2C;
    }
}
