import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calx.trainer.synth.Problem;
import dev.calx.trainer.synth.Synthesizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Counts training rows that are the same problem (the same {@link Problem#identity()}: template
 * and given numbers) as a held-out row, by regenerating the problems of every seed involved.
 * Exact, unlike tools/holdout_filter.py's digit-multiset test, which it is meant to confirm.
 *
 * <pre>
 * java -cp trainer/target/classes:JACKSON_JARS tools/HoldoutCheck.java \
 *     HELDOUT.jsonl N SEED[:SHARE] TRAIN.jsonl N SEED[:SHARE] [TRAIN.jsonl N SEED[:SHARE] ...]
 * </pre>
 * (JACKSON_JARS: jackson-core, -databind and -annotations from ~/.m2, as docs/RESULTS.md step 11 lists them.)
 * Each file is named with the {@code calx data synth --n N --seed SEED --long-share SHARE} that
 * made it; rows are matched to problems by id and question. Exits 1 when any row is held out.
 */
public class HoldoutCheck {
    public static void main(String[] a) throws Exception {
        if (a.length < 6 || a.length % 3 != 0) {
            System.err.println("usage: HoldoutCheck HELDOUT.jsonl N SEED[:SHARE] TRAIN.jsonl N SEED[:SHARE] ...");
            System.exit(2);
        }
        try {
            run(a);
        } catch (java.io.IOException | IllegalArgumentException e) {
            // NumberFormatException (a bad N or SEED) is an IllegalArgumentException
            System.err.println("HoldoutCheck: " + e);
            System.exit(2);
        }
    }

    static void run(String[] a) throws Exception {
        Set<String> held = new HashSet<>();
        for (String id : identities(Path.of(a[0]), Integer.parseInt(a[1]), a[2])) held.add(id);
        System.out.println(a[0] + ": " + held.size() + " held-out identities");
        int bad = 0;
        for (int k = 3; k < a.length; k += 3) {
            int hits = 0, rows = 0;
            for (String id : identities(Path.of(a[k]), Integer.parseInt(a[k + 1]), a[k + 2])) {
                rows++;
                if (held.contains(id)) hits++;
            }
            System.out.println(a[k] + ": " + rows + " rows, " + hits + " the same problem as a held-out row");
            bad += hits;
        }
        System.exit(bad == 0 ? 0 : 1);
    }

    /** The identity of every row of a file made by {@code calx data synth --n n} with seed[:share]. */
    static List<String> identities(Path file, int n, String seedShare) throws Exception {
        String[] s = seedShare.split(":");
        double share = s.length > 1 ? Double.parseDouble(s[1]) : 0;
        Map<String, String> byRow = new HashMap<>();
        for (Problem p : Synthesizer.generate(n, Long.parseLong(s[0]), share)) byRow.put(p.id() + "\n" + p.question(), p.identity());
        ObjectMapper json = new ObjectMapper();
        List<String> out = new java.util.ArrayList<>();
        int line = 0;
        for (String l : Files.readAllLines(file)) {
            line++;
            JsonNode r = json.readTree(l);
            String id = byRow.get(r.get("id").asText() + "\n" + r.get("question").asText());
            if (id == null) throw new IllegalArgumentException(file + ":" + line + ": row " + r.get("id") + " is not a problem of --n " + n + " --seed " + seedShare);
            out.add(id);
        }
        return out;
    }
}
