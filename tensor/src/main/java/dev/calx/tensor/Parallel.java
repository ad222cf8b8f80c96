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

    /** @return the number of threads ops may use, {@code -Dcalx.threads} or the processor count (at least 1) */
    public static int threads() {
        return THREADS;
    }

    /** A task over the index range [from, to). */
    @FunctionalInterface
    public interface RangeTask {
        /**
         * Processes indices [from, to). Chunks run concurrently, so they must write disjoint data.
         *
         * @param from the first index of the chunk
         * @param to   one past its last index
         */
        void run(int from, int to);
    }

    /**
     * Runs body over [0, n) split into at most {@link #threads()} contiguous chunks. When the
     * total work (n * costPerItem, in rough flops) is below ~64K the call runs inline.
     * It also runs inline when called from any fork-join worker thread (nested parallelism is
     * not split again). The calling thread runs the first chunk and returns when all chunks are
     * done; an exception from the calling thread's chunk propagates without waiting for the
     * others, one from another chunk when it is joined.
     *
     * @param n           the number of items; nothing runs when {@code n <= 0}
     * @param costPerItem the rough cost of one item (flops or elements touched), for the inline threshold
     * @param body        the work for one chunk of items
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
