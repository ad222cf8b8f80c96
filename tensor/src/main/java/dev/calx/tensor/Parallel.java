package dev.calx.tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The CPU worker pool. Sized by {@code -Dcalx.threads} (default: available processors).
 * Work below a size threshold runs on the calling thread so that small ops do not pay for
 * hand-offs.
 *
 * <p>Hand-offs go to {@code threads() - 1} worker threads that spin for a short while
 * ({@code -Dcalx.spin.us}, default 200 µs) after each job before they park. Decode issues
 * about a hundred small parallel ops per token (a GEMV of 0.1-6 MB each); with a
 * {@link ForkJoinPool} every one of them paid a park/unpark round trip of the worker, which on
 * this 2-core VM cost more than the GEMVs themselves. A worker that is still spinning picks the
 * next job up in well under a microsecond. After the spin window a worker parks, so an idle
 * process (the tool loop waiting for Python, say) uses no CPU. When another thread is already
 * using the workers, a call goes to a fork-join pool instead, so concurrent callers never wait
 * for each other.
 */
public final class Parallel {
    private static final int THREADS = Math.max(1, Integer.getInteger("calx.threads",
            Runtime.getRuntime().availableProcessors()));
    private static final long SPIN_NS = 1000L * Math.max(0, Integer.getInteger("calx.spin.us", 200));
    private static final ForkJoinPool POOL = THREADS > 1 ? new ForkJoinPool(THREADS) : null;
    private static final Worker[] WORKERS = startWorkers(THREADS - 1);
    /** The thread whose call is using the workers, or null. */
    private static final AtomicReference<Thread> WORKERS_OWNER = new AtomicReference<>();

    private Parallel() {}

    /** {@return the number of threads ops may use, {@code -Dcalx.threads} or the processor count (at least 1)} */
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
     * It also runs inline when called from inside another call's chunk (a worker of this pool,
     * the calling thread of a running call, or any fork-join worker thread): nested parallelism
     * is not split again. The calling thread runs the first chunk
     * and returns when all chunks are done, also when one of them throws; the first exception
     * (the calling thread's chunk first) then propagates, with the others suppressed into it.
     * The split depends only on {@code n} and {@link #threads()}, never on timing, so results
     * are reproducible.
     *
     * @param n           the number of items; nothing runs when {@code n <= 0}
     * @param costPerItem the rough cost of one item (flops or elements touched), for the inline threshold
     * @param body        the work for one chunk of items
     */
    public static void forRange(int n, long costPerItem, RangeTask body) {
        if (n <= 0) return;
        int chunks = (int) Math.min(THREADS, n);
        Thread me = Thread.currentThread();
        if (POOL == null || chunks == 1 || (long) n * costPerItem < 65_536
                || me instanceof Worker || WORKERS_OWNER.get() == me || ForkJoinTask.inForkJoinPool()) {
            body.run(0, n);
            return;
        }
        if (WORKERS_OWNER.compareAndSet(null, me)) {
            try {
                runOnWorkers(n, chunks, body);
            } finally {
                WORKERS_OWNER.set(null);
            }
        } else {
            runOnForkJoin(n, chunks, body);
        }
    }

    /**
     * Runs body over [0, n) in blocks of {@code block} items ([0, block), [block, 2·block), ...;
     * the last may be shorter) that the calling thread and the workers claim one at a time, so a
     * thread that falls behind (a busy core, a late start) does less of the work instead of
     * holding up the call. Which thread runs a block depends on timing, so body must compute
     * each block's results from the block's bounds alone (as a GEMV computes each output row);
     * then results do not depend on the thread count either. Small work ({@code n * costPerItem}
     * below ~64K), nested calls and a pool of one thread run every block in order on the
     * calling thread. Exceptions propagate as for {@link #forRange}.
     *
     * @param n           the number of items; nothing runs when {@code n <= 0}
     * @param block       items per block, at least 1
     * @param costPerItem the rough cost of one item, for the inline threshold
     * @param body        the work for one block
     * @throws IllegalArgumentException if {@code block < 1}
     */
    public static void forBlocks(int n, int block, long costPerItem, RangeTask body) {
        if (block < 1) throw new IllegalArgumentException("forBlocks: block " + block + " < 1");
        if (n <= 0) return;
        int blocks = (int) ((n + (long) block - 1) / block);
        AtomicInteger next = new AtomicInteger();
        RangeTask claim = (c0, c1) -> {
            for (int b; (b = next.getAndIncrement()) < blocks; ) {
                int from = b * block;
                body.run(from, (int) Math.min(n, (long) from + block));
            }
        };
        int chunks = Math.min(THREADS, blocks);
        // forRange with one "item" per thread: each runs the claiming loop.
        long cost = (long) n * costPerItem / Math.max(1, chunks);
        forRange(chunks, Math.max(1, cost), claim);
    }

    /**
     * Runs body over [0, n) as {@link #forRange} splits it, so that every thread starts on one
     * long contiguous share, but a thread that finishes its share early takes over the back half
     * of the largest share still left, and so on until no share has two small pieces left. Each
     * thread walks its share front to back in pieces of a quarter of what its share has left,
     * but at least {@code minPiece} and at most {@code maxPiece} items, so the pieces get short
     * towards the end and the threads finish close together; a stolen half is walked front to
     * back as well. So the items run in long forward runs (what the hardware prefetchers want
     * from a GEMV's rows) and a thread that runs slower (a core shared with another guest, a
     * late start) does less of the work instead of holding up the call: with static shares the
     * other thread waits for it. Which thread runs an item depends on timing, so body must
     * compute each item's result from the item alone, as for {@link #forBlocks}. Small work,
     * nested calls and a pool of one thread run [0, n) in order on the calling thread, in pieces
     * of at most {@code maxPiece}. Exceptions propagate as for {@link #forRange}.
     *
     * @param n           the number of items; nothing runs when {@code n <= 0}
     * @param minPiece    the fewest items per piece (but the last of a share), at least 1
     * @param maxPiece    the most items per piece, at least {@code minPiece}
     * @param costPerItem the rough cost of one item, for the inline threshold
     * @param body        the work for one piece [from, to), never longer than {@code maxPiece}
     * @throws IllegalArgumentException if {@code minPiece < 1} or {@code maxPiece < minPiece}
     */
    public static void forStealing(int n, int minPiece, int maxPiece, long costPerItem, RangeTask body) {
        if (minPiece < 1 || maxPiece < minPiece) {
            throw new IllegalArgumentException("forStealing: pieces of " + minPiece + " to " + maxPiece + " items");
        }
        if (n <= 0) return;
        int chunks = (int) Math.min(THREADS, n);
        // One padded slot per share: its next item in the high half, its end in the low half.
        AtomicLongArray shares = new AtomicLongArray(chunks * PAD);
        for (int c = 0; c < chunks; c++) shares.set(c * PAD, share(chunkStart(n, c, chunks), chunkStart(n, c + 1, chunks)));
        RangeTask run = (c0, c1) -> {
            if (c1 - c0 > 1) { // inline: every share, in order
                for (int i = chunkStart(n, c0, chunks), end = chunkStart(n, c1, chunks); i < end; i += maxPiece) {
                    body.run(i, Math.min(end, i + maxPiece));
                }
                return;
            }
            int me = c0 * PAD;
            while (true) {
                for (long s; next(s = shares.get(me)) < end(s); ) {
                    int from = next(s), left = end(s) - from;
                    int to = from + Math.min(left, Math.max(minPiece, Math.min(maxPiece, left / 4)));
                    if (shares.compareAndSet(me, s, share(to, end(s)))) body.run(from, to);
                }
                int victim = -1, most = 2 * minPiece - 1;
                long vs = 0;
                for (int v = 0; v < chunks * PAD; v += PAD) {
                    long s = shares.get(v);
                    if (end(s) - next(s) > most) {
                        most = end(s) - next(s);
                        victim = v;
                        vs = s;
                    }
                }
                if (victim < 0) return; // what is left, its owners finish within a piece or two
                int mid = next(vs) + (most + 1) / 2;
                if (shares.compareAndSet(victim, vs, share(next(vs), mid))) shares.set(me, share(mid, end(vs)));
            }
        };
        long cost = (long) n * costPerItem / Math.max(1, chunks);
        forRange(chunks, Math.max(1, cost), run);
    }

    /** forStealing's slot stride in longs: 64 bytes, so two threads' shares are on different cache lines. */
    private static final int PAD = 8;

    private static long share(int next, int end) {
        return (long) next << 32 | (end & 0xFFFF_FFFFL);
    }

    private static int next(long share) {
        return (int) (share >>> 32);
    }

    private static int end(long share) {
        return (int) share;
    }

    private static int chunkStart(int n, int c, int chunks) {
        return (int) ((long) n * c / chunks);
    }

    private static void runOnWorkers(int n, int chunks, RangeTask body) {
        Thread caller = Thread.currentThread();
        Job[] jobs = new Job[chunks - 1];
        for (int c = 1; c < chunks; c++) {
            Job j = new Job(body, chunkStart(n, c, chunks), chunkStart(n, c + 1, chunks), caller);
            jobs[c - 1] = j;
            WORKERS[c - 1].submit(j);
        }
        Throwable failure = null;
        try {
            body.run(0, chunkStart(n, 1, chunks));
        } catch (Throwable t) {
            failure = t;
        }
        for (Job j : jobs) {
            j.await();
            if (j.error != null) {
                if (failure == null) failure = j.error;
                else failure.addSuppressed(j.error);
            }
        }
        rethrow(failure);
    }

    private static void runOnForkJoin(int n, int chunks, RangeTask body) {
        List<ForkJoinTask<?>> tasks = new ArrayList<>(chunks - 1);
        for (int c = 1; c < chunks; c++) {
            int from = chunkStart(n, c, chunks), to = chunkStart(n, c + 1, chunks);
            tasks.add(POOL.submit(() -> body.run(from, to)));
        }
        Throwable failure = null;
        try {
            body.run(0, chunkStart(n, 1, chunks));
        } catch (Throwable t) {
            failure = t;
        }
        for (ForkJoinTask<?> t : tasks) {
            try {
                t.join();
            } catch (Throwable e) {
                if (failure == null) failure = e;
                else failure.addSuppressed(e);
            }
        }
        rethrow(failure);
    }

    private static void rethrow(Throwable t) {
        if (t == null) return;
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error e) throw e;
        throw new IllegalStateException(t);
    }

    private static Worker[] startWorkers(int count) {
        Worker[] w = new Worker[Math.max(0, count)];
        for (int i = 0; i < w.length; i++) {
            w[i] = new Worker("calx-parallel-" + (i + 1));
            w[i].start();
        }
        return w;
    }

    /** One chunk handed to a worker; {@code done} is written last by the worker. */
    private static final class Job {
        final RangeTask body;
        final int from, to;
        final Thread waiter;
        volatile boolean done;
        volatile boolean waiterParked;
        Throwable error;

        Job(RangeTask body, int from, int to, Thread waiter) {
            this.body = body;
            this.from = from;
            this.to = to;
            this.waiter = waiter;
        }

        /** Spins for the spin window, then parks until the worker says done. */
        void await() {
            if (done) return;
            long deadline = System.nanoTime() + SPIN_NS;
            while (!done) {
                if (System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                    continue;
                }
                waiterParked = true;
                // Dekker with the worker: it sets done, then reads waiterParked.
                if (!done) LockSupport.parkNanos(this, 1_000_000L);
            }
        }

        void finish() {
            done = true;
            if (waiterParked) LockSupport.unpark(waiter);
        }
    }

    private static final class Worker extends Thread {
        private volatile Job next;
        private volatile boolean sleeping;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        void submit(Job j) {
            next = j;
            // Dekker with awaitJob: it sets sleeping, then reads next.
            if (sleeping) LockSupport.unpark(this);
        }

        @Override
        public void run() {
            while (true) {
                Job j = awaitJob();
                try {
                    j.body.run(j.from, j.to);
                } catch (Throwable t) {
                    j.error = t;
                }
                j.finish();
            }
        }

        private Job awaitJob() {
            long deadline = System.nanoTime() + SPIN_NS;
            while (true) {
                Job j = next;
                if (j != null) {
                    next = null;
                    return j;
                }
                if (System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                    continue;
                }
                sleeping = true;
                if (next == null) LockSupport.park(this);
                sleeping = false;
                deadline = System.nanoTime() + SPIN_NS;
            }
        }
    }
}
