package dev.calx.tensor;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.ArrayList;
import java.util.List;

/**
 * The CPU worker pool. Sized by {@code -Dcalx.threads} (default: available processors).
 * Work below a size threshold runs on the calling thread so that small ops do not pay for
 * hand-offs.
 */
public final class Parallel {
    private static final int THREADS = Math.max(1, Integer.getInteger("calx.threads",
            Runtime.getRuntime().availableProcessors()));
    private static final ForkJoinPool POOL = THREADS > 1 ? new ForkJoinPool(THREADS) : null;

    private Parallel() {}

    public static int threads() {
        return THREADS;
    }

    /** A task over the index range [from, to). */
    @FunctionalInterface
    public interface RangeTask {
        void run(int from, int to);
    }

    /**
     * Runs body over [0, n) split into at most {@link #threads()} contiguous chunks. When the
     * total work (n * costPerItem, in rough flops) is below ~64K the call runs inline.
     */
    public static void forRange(int n, long costPerItem, RangeTask body) {
        if (n <= 0) return;
        int chunks = (int) Math.min(THREADS, n);
        if (POOL == null || chunks == 1 || (long) n * costPerItem < 65_536 || ForkJoinTask.inForkJoinPool()) {
            body.run(0, n);
            return;
        }
        List<ForkJoinTask<?>> tasks = new ArrayList<>(chunks - 1);
        for (int c = 1; c < chunks; c++) {
            int from = (int) ((long) n * c / chunks), to = (int) ((long) n * (c + 1) / chunks);
            tasks.add(POOL.submit(() -> body.run(from, to)));
        }
        body.run(0, (int) ((long) n / chunks));
        for (ForkJoinTask<?> t : tasks) t.join();
    }
}
