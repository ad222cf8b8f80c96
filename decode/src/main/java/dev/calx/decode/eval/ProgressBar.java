package dev.calx.decode.eval;

import java.io.PrintStream;

/**
 * Progress to stderr: on a terminal a single line redrawn at most 5 times a second; otherwise
 * (logs, pipes) one line at most every 30 seconds and at the end. Shows done/total, running
 * accuracy, problems per minute, elapsed time and ETA.
 */
public final class ProgressBar {
    private final PrintStream out;
    private final int total;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private long lastDraw;
    private final long intervalNanos;
    private int lastDone, lastCorrect, lastLength;
    private String status;

    /**
     * A progress display whose clock starts now.
     *
     * @param out      where to draw (usually {@code System.err}); null draws nothing
     * @param total    number of problems in the run, resumed ones included
     * @param terminal redraw one line with carriage returns (at most every 200 ms) instead of
     *                 printing a line at most every 30 s
     */
    public ProgressBar(PrintStream out, int total, boolean terminal) {
        this.out = out;
        this.total = total;
        this.terminal = terminal;
        this.intervalNanos = terminal ? 200_000_000L : 30_000_000_000L;
    }

    /**
     * Whether stderr is an interactive terminal (System.console() is attached).
     *
     * @return a value to pass as {@code terminal}
     */
    public static boolean stderrIsTerminal() {
        return System.console() != null && System.console().isTerminal();
    }

    /**
     * Reports progress; draws only when the redraw interval has passed since the last draw, or
     * when forced. Thread-safe.
     *
     * @param done    problems finished so far, resumed ones included
     * @param correct how many of them were graded correct
     * @param force   draw now regardless of the interval (at the start and the end)
     */
    public synchronized void update(int done, int correct, boolean force) {
        if (out == null) return;
        lastDone = done;
        lastCorrect = correct;
        long now = System.nanoTime();
        if (!force && now - lastDraw < intervalNanos) return;
        lastDraw = now;
        String line = line(done, correct, (now - start) / 1e9);
        if (status != null) line += "  (" + status + ")";
        if (terminal) {
            // pad over what a longer earlier line (one with a status) left on the terminal
            String pad = " ".repeat(Math.max(0, lastLength - line.length()));
            lastLength = line.length();
            out.print("\r" + line + pad + (done >= total ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }

    /**
     * Shows what the run is waiting for after the counts ("starting Python"), or nothing; redraws
     * at once. Thread-safe.
     *
     * @param text the status, or null to clear it
     */
    public synchronized void status(String text) {
        status = text;
        update(lastDone, lastCorrect, true);
    }

    String line(int done, int correct, double elapsed) {
        int width = 24;
        int filled = total == 0 ? width : (int) Math.round(width * done / (double) total);
        String bar = "#".repeat(filled) + "-".repeat(width - filled);
        double acc = done == 0 ? 0 : 100.0 * correct / done;
        double perMin = elapsed == 0 ? 0 : done * 60 / elapsed;
        String eta = done == 0 ? "?" : clock(elapsed / done * (total - done));
        return String.format("[%s] %d/%d  acc %.1f%%  %.1f problems/min  elapsed %s  eta %s",
                bar, done, total, acc, perMin, clock(elapsed), eta);
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
    }
}
