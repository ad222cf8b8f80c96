package dev.calx.trainer.synth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.calx.trainer.data.Jsonl;
import dev.calx.trainer.exec.CodeRunner;
import dev.calx.trainer.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns GSM8K rows ({@code question}, {@code answer} with {@code <<expr=result>>} calculator
 * annotations and a final {@code #### N}) into the two training forms: chain of thought (the
 * annotations stripped, the answer boxed) and code-nested (each annotated line preceded by a
 * python block printing the annotated expressions and the output block of running it).
 */
public final class Gsm8k {
    private static final Pattern ANNOTATION = Pattern.compile("<<([^<>]*)>>");
    /** Annotations that are plain arithmetic; anything else is not turned into Python. */
    private static final Pattern SAFE_EXPR = Pattern.compile("[0-9+\\-*/(). ]+");

    private Gsm8k() { }

    /** One converted row: the CoT text, and the code-nested pieces (programs run later). */
    record Converted(String id, String question, String answer, String cot, List<String> texts, List<List<String>> programs,
                     List<List<String>> expected, String dropReason, String dropDetail) { }

    static String finalAnswer(Jsonl.Row row, String answer) {
        int i = answer.lastIndexOf("####");
        if (i < 0) throw row.error("answer has no \"#### N\" final line");
        String fin = answer.substring(i + 4).strip().replace(",", "");
        if (fin.isEmpty()) throw row.error("answer's \"####\" line has no number after it");
        return fin;
    }

    static Converted convert(Jsonl.Row row, String id) {
        String q = row.string("question"), a = row.string("answer");
        String fin = finalAnswer(row, a);
        String body = a.substring(0, a.lastIndexOf("####")).strip();
        String boxed = "The answer is $\\boxed{" + fin + "}$.";
        String cot = ANNOTATION.matcher(body).replaceAll("") + "\n" + boxed;
        List<String> texts = new ArrayList<>();
        List<List<String>> programs = new ArrayList<>(), expected = new ArrayList<>();
        String drop = null, detail = null;
        for (String line : body.split("\n")) {
            Matcher m = ANNOTATION.matcher(line);
            List<String> prints = new ArrayList<>(), want = new ArrayList<>();
            while (m.find()) {
                String ann = m.group(1);
                int eq = ann.lastIndexOf('=');
                String expr = eq < 0 ? ann : ann.substring(0, eq);
                if (eq < 0 || !SAFE_EXPR.matcher(expr).matches()) {
                    if (drop == null) {
                        drop = "annotation is not plain arithmetic";
                        detail = "<<" + ann + ">>";
                    }
                    continue;
                }
                prints.add("print(" + expr.strip() + ")");
                want.add(ann.substring(eq + 1).strip());
            }
            texts.add(ANNOTATION.matcher(line).replaceAll(""));
            programs.add(prints);
            expected.add(want);
        }
        return new Converted(id, q, fin, cot, texts, programs, expected, drop, detail);
    }

    /** Assembles the code-nested solution from the outputs of each line's program (null: no program). */
    static String codeNested(Converted c, List<String> outputs) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < c.texts.size(); i++) {
            if (!c.programs.get(i).isEmpty()) {
                String out = outputs.get(i).endsWith("\n") ? outputs.get(i).substring(0, outputs.get(i).length() - 1) : outputs.get(i);
                sb.append("```python\n").append(String.join("\n", c.programs.get(i))).append("\n```\n```output\n")
                        .append(out).append("\n```\n");
            }
            sb.append(c.texts.get(i)).append('\n');
        }
        return sb.append("The answer is $\\boxed{").append(c.answer).append("}$.").toString();
    }

    /** Null when each printed value matches its annotation's result (to GSM8K's rounding: 0.01 absolute or 1e-6 relative). */
    static String check(CodeRunner.Result r, List<String> expected) {
        if (!r.ok()) return "error";
        String[] lines = r.stdout().strip().split("\n");
        if (lines.length != expected.size()) return "output line count";
        for (int i = 0; i < lines.length; i++) {
            Rational got = Rational.parse(lines[i]), want = Rational.parse(expected.get(i).replace("$", ""));
            if (got == null || want == null) return "unparsable result";
            double g = got.num().doubleValue() / got.den().doubleValue(), w = want.num().doubleValue() / want.den().doubleValue();
            if (Math.abs(g - w) > Math.max(0.01, 1e-6 * Math.abs(w))) return "annotation result differs from execution";
        }
        return null;
    }

    /**
     * What {@link #convert(Path, Path, CodeRunner)} wrote.
     *
     * @param rows        input rows, all written in chain-of-thought form
     * @param codeRows    rows written in code-nested form
     * @param dropReasons rows left out of the code-nested file, by reason (an annotation that is
     *                    not plain arithmetic, an execution error, a printed value that differs
     *                    from the annotation, ...)
     * @param dropExamples the first dropped row of each reason: its id and the annotation, error
     *                    or printed value behind it
     * @param executed    whether the programs were run
     */
    public record Report(int rows, int codeRows, Map<String, Integer> dropReasons, Map<String, String> dropExamples,
                         boolean executed) { }

    /**
     * Converts a GSM8K JSONL file into {@code gsm8k_<name>_cot.jsonl}, {@code gsm8k_<name>_code.jsonl}
     * and {@code gsm8k_<name>_manifest.json} in {@code out}. Without a runner the code file is
     * {@code gsm8k_<name>_code_UNEXECUTED.jsonl}, whose rows carry code and text segments instead of messages;
     * the other of the two names is deleted if an earlier run left it.
     *
     * @param in     a GSM8K file ({@code question}, {@code answer} rows)
     * @param out    the output directory (created when needed)
     * @param runner runs the annotation programs, or null to leave them unexecuted
     * @return the counts
     * @throws IOException when a file cannot be read or written
     * @throws dev.calx.trainer.data.DataFormatException when a row lacks {@code question},
     *                                                   {@code answer} or the {@code ####} line
     */
    public static Report convert(Path in, Path out, CodeRunner runner) throws IOException {
        List<Jsonl.Row> rows = Jsonl.read(in);
        ObjectMapper json = new ObjectMapper();
        List<Converted> conv = new ArrayList<>();
        for (Jsonl.Row r : rows) conv.add(convert(r, "gsm8k-" + in.getFileName() + "-" + r.line()));
        StringBuilder cot = new StringBuilder(), code = new StringBuilder();
        for (Converted c : conv) {
            ObjectNode row = row(json, c);
            row.set("messages", Synthesizer.messages(json, c.question, c.cot));
            cot.append(json.writeValueAsString(row)).append('\n');
        }
        Map<String, Integer> drops = new TreeMap<>();
        Map<String, String> examples = new TreeMap<>();
        int codeRows = 0;
        List<String> programs = new ArrayList<>();
        for (Converted c : conv) for (List<String> p : c.programs) if (!p.isEmpty()) programs.add(String.join("\n", p));
        List<CodeRunner.Result> results = new ArrayList<>();
        if (runner != null) {
            for (int i = 0; i < programs.size(); i += 1000) results.addAll(runner.runAll(programs.subList(i, Math.min(programs.size(), i + 1000))));
        }
        int k = 0;
        for (Converted c : conv) {
            ObjectNode row = row(json, c);
            String reason = c.dropReason, detail = c.dropDetail;
            List<String> outputs = new ArrayList<>();
            for (int i = 0; i < c.programs.size(); i++) {
                if (c.programs.get(i).isEmpty()) {
                    outputs.add(null);
                    continue;
                }
                if (runner != null) {
                    CodeRunner.Result r = results.get(k);
                    String why = check(r, c.expected.get(i));
                    if (why != null && reason == null) {
                        reason = why;
                        detail = String.join("; ", c.programs.get(i)) + (r.ok() ? " printed " + r.stdout().strip().replace("\n", " ")
                                + ", the annotations say " + String.join(" ", c.expected.get(i)) : ": " + r.error());
                    }
                    outputs.add(r.stdout());
                }
                k++;
            }
            if (reason != null) {
                drops.merge(reason, 1, Integer::sum);
                examples.putIfAbsent(reason, c.id + ": " + (detail.length() <= 300 ? detail : detail.substring(0, 300) + "..."));
                continue;
            }
            if (runner != null) {
                row.put("executed", true);
                row.put("executor", runner.describe());
                row.set("messages", Synthesizer.messages(json, c.question, codeNested(c, outputs)));
            } else {
                row.put("executed", false);
                var segs = row.putArray("segments");
                for (int i = 0; i < c.texts.size(); i++) {
                    if (!c.programs.get(i).isEmpty()) segs.addObject().put("type", "code").put("content", String.join("\n", c.programs.get(i)));
                    segs.addObject().put("type", "text").put("content", c.texts.get(i));
                }
            }
            code.append(json.writeValueAsString(row)).append('\n');
            codeRows++;
        }
        String base = in.getFileName().toString().replace(".jsonl", "");
        AtomicFiles.writeString(out.resolve("gsm8k_" + base + "_cot.jsonl"), cot.toString());
        AtomicFiles.writeString(out.resolve("gsm8k_" + base + (runner != null ? "_code.jsonl" : "_code_UNEXECUTED.jsonl")), code.toString());
        // the other kind goes, so that an earlier run's executed file does not sit beside this run's unexecuted one
        java.nio.file.Files.deleteIfExists(out.resolve("gsm8k_" + base + (runner != null ? "_code_UNEXECUTED.jsonl" : "_code.jsonl")));
        ObjectNode manifest = json.createObjectNode();
        manifest.put("generator", "calx data gsm8k");
        manifest.put("input", in.toString());
        manifest.put("rows", conv.size());
        manifest.put("code_rows", codeRows);
        manifest.put("executor", runner == null ? "none: programs were NOT run and carry no output blocks" : runner.describe());
        manifest.set("code_drop_reasons", json.valueToTree(drops));
        if (!examples.isEmpty()) manifest.set("code_drop_examples", json.valueToTree(examples));
        AtomicFiles.writeString(out.resolve("gsm8k_" + base + "_manifest.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(manifest) + "\n");
        return new Report(conv.size(), codeRows, drops, examples, runner != null);
    }

    private static ObjectNode row(ObjectMapper json, Converted c) {
        ObjectNode row = json.createObjectNode();
        row.put("id", c.id);
        row.put("question", c.question);
        row.put("answer", c.answer);
        return row;
    }
}
