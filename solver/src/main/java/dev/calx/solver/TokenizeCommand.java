package dev.calx.solver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calx.decode.eval.Utf8Lines;
import dev.calx.llama.format.StrictJson;
import dev.calx.llama.tokenizer.SentencePieceTokenizer;
import dev.calx.llama.tokenizer.Tokenizers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code calx tokenize}: text to ids, ids to text, or a whole JSONL corpus in one process. Reads
 * and writes UTF-8 whatever the locale.
 */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Encode TEXT to token ids (space-separated), decode ids with --decode, or"
                + " encode JSON lines {\"text\": ...} from stdin to {\"ids\": [...]} lines with --jsonl"
                + " (with --decode too: {\"ids\": [...]} lines to {\"text\": ...} lines).")
public final class TokenizeCommand implements Callable<Integer> {
    /** Creates the command; picocli fills in its options. */
    public TokenizeCommand() { }

    private static final ObjectMapper JSON = StrictJson.mapper();

    @Option(names = "--tokenizer", required = true, paramLabel = "PATH",
            description = "tokenizer.model, tokenizer.json, tokenizer.bin, or a directory holding one.")
    Path tokenizer;

    @Option(names = "--bos", description = "Prepend the BOS id when encoding.")
    boolean bos;

    @Option(names = "--decode", description = "Decode the ids given as arguments (spaces or commas between them).")
    boolean decode;

    @Option(names = "--jsonl", description = "Read {\"text\": ...} lines from stdin, write {\"ids\": [...]} lines"
            + " (with --decode: read {\"ids\": [...]} lines, write {\"text\": ...} lines).")
    boolean jsonl;

    @Parameters(paramLabel = "TEXT", arity = "0..*",
            description = "The text to encode (several arguments are joined by single spaces), or the ids to decode.")
    List<String> args = new ArrayList<>();

    /** Where output goes and input comes from; tests replace them. */
    Writer out;
    InputStream in;

    @Override
    public Integer call() throws IOException {
        if (jsonl && !args.isEmpty()) {
            throw new IllegalArgumentException("--jsonl reads stdin; found arguments too: " + String.join(" ", args));
        }
        if (jsonl && decode && bos) throw new IllegalArgumentException("--bos is for encoding; --decode --jsonl takes ids as given");
        SentencePieceTokenizer t = Tokenizers.load(tokenizer);
        Writer w = out != null ? out
                : new BufferedWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8));
        try {
            if (jsonl) {
                eachLine(decode ? (node, lineNo) -> decodeLine(t, node, lineNo, w) : (node, lineNo) -> encodeLine(t, node, lineNo, w));
            } else if (decode) {
                if (args.isEmpty()) throw new IllegalArgumentException("--decode: no ids given (as arguments: --decode 1 2 3)");
                w.write(t.decode(parseIds(args)));
                w.write('\n');
            } else {
                if (args.isEmpty()) throw new IllegalArgumentException("no TEXT to encode (or use --jsonl or --decode)");
                writeIds(t.encode(String.join(" ", args), bos), w, " ");
                w.write('\n');
            }
        } finally {
            w.flush();
        }
        return 0;
    }

    /** What one JSON line of stdin becomes. */
    private interface LineAction {
        void apply(JsonNode node, long lineNo) throws IOException;
    }

    /** Reads stdin as UTF-8 JSON lines (blank lines skipped) and hands each parsed line to action. */
    private void eachLine(LineAction action) throws IOException {
        Utf8Lines r = new Utf8Lines(in != null ? in : System.in, "stdin");
        while (true) {
            String line;
            try {
                line = r.next();
            } catch (Utf8Lines.MalformedLineException e) {
                throw new IllegalArgumentException("stdin line " + e.line() + ": " + e.reason());
            }
            if (line == null) break;
            long lineNo = r.lineNumber();
            if (line.isBlank()) continue;
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (IOException e) {
                String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? StrictJson.reason(j) : e.getMessage();
                throw new IllegalArgumentException("stdin line " + lineNo + ": not JSON: " + why);
            }
            action.apply(node, lineNo);
        }
    }

    private static String shown(JsonNode node) {
        String s = String.valueOf(node);
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    private void encodeLine(SentencePieceTokenizer t, JsonNode node, long lineNo, Writer w) throws IOException {
        JsonNode text = node == null ? null : node.get("text");
        if (text == null || !text.isTextual()) {
            throw new IllegalArgumentException("stdin line " + lineNo + ": expected {\"text\": \"...\"}, found " + shown(node));
        }
        int[] ids;
        try {
            ids = t.encode(text.asText(), bos);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("stdin line " + lineNo + ": " + e.getMessage(), e);
        }
        w.write("{\"ids\":[");
        writeIds(ids, w, ",");
        w.write("]}\n");
    }

    /** {"ids": [...]} to {"text": ...}: the ids are checked before anything of the line is written. */
    private void decodeLine(SentencePieceTokenizer t, JsonNode node, long lineNo, Writer w) throws IOException {
        JsonNode ids = node == null ? null : node.get("ids");
        if (ids == null || !ids.isArray()) {
            throw new IllegalArgumentException("stdin line " + lineNo + ": expected {\"ids\": [...]}, found " + shown(node));
        }
        int[] a = new int[ids.size()];
        for (int i = 0; i < a.length; i++) {
            JsonNode v = ids.get(i);
            if (!v.canConvertToInt() || !v.isIntegralNumber()) {
                throw new IllegalArgumentException("stdin line " + lineNo + ": ids[" + i + "] = " + v + " is not a token id");
            }
            a[i] = v.intValue();
        }
        String text;
        try {
            text = t.decode(a);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("stdin line " + lineNo + ": " + e.getMessage(), e);
        }
        w.write("{\"text\":");
        w.write(JSON.writeValueAsString(text));
        w.write("}\n");
    }

    private static void writeIds(int[] ids, Writer w, String sep) throws IOException {
        StringBuilder sb = new StringBuilder(ids.length * 6);
        for (int i = 0; i < ids.length; i++) {
            if (i > 0) sb.append(sep);
            sb.append(ids[i]);
        }
        w.write(sb.toString());
    }

    static int[] parseIds(List<String> args) {
        List<Integer> ids = new ArrayList<>();
        for (String a : args) {
            for (String s : a.split("[,\\s]+")) {
                if (s.isEmpty()) continue;
                try {
                    ids.add(Integer.parseInt(s));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--decode: '" + s + "' is not a token id");
                }
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }
}
