package dev.calx.tensor;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

class ParallelTest {
    private static final long BIG = 1 << 20; // per-item cost far above the inline threshold

    @Test
    void everyIndexIsVisitedExactlyOnceInContiguousChunks() {
        for (int n : new int[]{1, 2, 3, 7, 1000, 100_003}) {
            int[] hits = new int[n];
            ConcurrentLinkedQueue<int[]> ranges = new ConcurrentLinkedQueue<>();
            Parallel.forRange(n, BIG, (from, to) -> {
                ranges.add(new int[]{from, to});
                for (int i = from; i < to; i++) hits[i]++;
            });
            for (int i = 0; i < n; i++) assertEquals(1, hits[i], "index " + i + " of " + n);
            assertTrue(ranges.size() <= Parallel.threads(), ranges.size() + " chunks for " + Parallel.threads() + " threads");
        }
    }

    @Test
    void theSplitDependsOnlyOnTheSize() {
        List<String> first = null;
        for (int round = 0; round < 20; round++) {
            ConcurrentLinkedQueue<String> ranges = new ConcurrentLinkedQueue<>();
            Parallel.forRange(1001, BIG, (from, to) -> ranges.add(from + ".." + to));
            List<String> sorted = new ArrayList<>(ranges);
            sorted.sort(null);
            if (first == null) first = sorted;
            else assertEquals(first, sorted);
        }
    }

    @Test
    void aFailingChunkPropagatesOnlyAfterEveryChunkHasFinished() {
        AtomicInteger finished = new AtomicInteger();
        int n = Parallel.threads() * 4;
        RuntimeException e = assertThrows(RuntimeException.class, () -> Parallel.forRange(n, BIG, (from, to) -> {
            if (from == 0) throw new IllegalArgumentException("chunk 0 fails");
            sleep(50);
            finished.incrementAndGet();
        }));
        assertEquals("chunk 0 fails", e.getMessage());
        assertEquals(Parallel.threads() - 1, finished.get(), "the other chunks had all finished when forRange threw");
        // the pool still works afterwards
        AtomicLong sum = new AtomicLong();
        Parallel.forRange(100, BIG, (from, to) -> { for (int i = from; i < to; i++) sum.addAndGet(i); });
        assertEquals(4950, sum.get());
    }

    @Test
    void aFailureInAnotherChunkReachesTheCaller() {
        // one thread: the single chunk is the caller's, tested above
        Assumptions.assumeTrue(Parallel.threads() >= 2, "needs at least 2 threads (-Dcalx.threads), has " + Parallel.threads());
        int n = Parallel.threads();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forRange(n, BIG, (from, to) -> {
            if (from > 0) throw new IllegalStateException("chunk at " + from);
        }));
        assertTrue(e.getMessage().startsWith("chunk at "), e.getMessage());
    }

    @Test
    void concurrentAndNestedCallersAllComplete() throws Exception {
        int callers = 4, rounds = 200;
        CountDownLatch start = new CountDownLatch(1);
        AtomicLong total = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        for (int c = 0; c < callers; c++) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    for (int r = 0; r < rounds; r++) {
                        Parallel.forRange(64, BIG, (from, to) -> {
                            for (int i = from; i < to; i++) {
                                // nested: runs inline on whichever thread got the chunk
                                Parallel.forRange(8, BIG, (a, b) -> total.addAndGet(b - a));
                            }
                        });
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            threads.add(t);
            t.start();
        }
        start.countDown();
        for (Thread t : threads) t.join(120_000);
        assertTrue(errors.isEmpty(), () -> "errors: " + errors);
        assertEquals((long) callers * rounds * 64 * 8, total.get());
    }

    @Test
    void forBlocksVisitsEveryBlockOnceWithFixedBounds() {
        for (int n : new int[]{1, 31, 32, 33, 1000, 100_003}) {
            int block = 32;
            int[] hits = new int[n];
            ConcurrentLinkedQueue<String> bounds = new ConcurrentLinkedQueue<>();
            Parallel.forBlocks(n, block, BIG, (from, to) -> {
                bounds.add(from + ".." + to);
                for (int i = from; i < to; i++) hits[i]++;
            });
            for (int i = 0; i < n; i++) assertEquals(1, hits[i], "index " + i + " of " + n);
            List<String> expected = new ArrayList<>();
            for (int from = 0; from < n; from += block) expected.add(from + ".." + Math.min(n, from + block));
            List<String> got = new ArrayList<>(bounds);
            got.sort(null);
            expected.sort(null);
            assertEquals(expected, got, "blocks for n=" + n);
        }
        assertThrows(IllegalArgumentException.class, () -> Parallel.forBlocks(10, 0, BIG, (a, b) -> {}));
    }

    @Test
    void forBlocksLetsAFastThreadTakeOverTheBlocksOfASlowOne() {
        Assumptions.assumeTrue(Parallel.threads() >= 2, "needs at least 2 threads (-Dcalx.threads), has " + Parallel.threads());
        Thread caller = Thread.currentThread();
        AtomicInteger byCaller = new AtomicInteger(), byOthers = new AtomicInteger();
        Parallel.forBlocks(64, 1, BIG, (from, to) -> {
            if (Thread.currentThread() == caller) {
                byCaller.incrementAndGet();
                sleep(20); // the caller is slow: the workers should take most blocks
            } else {
                byOthers.incrementAndGet();
            }
        });
        assertEquals(64, byCaller.get() + byOthers.get());
        assertTrue(byCaller.get() < 32, "the slow caller ran " + byCaller.get() + " of 64 blocks");
    }

    @Test
    void forStealingVisitsEveryItemOnceInPiecesOfAtMostMaxPiece() {
        for (int n : new int[]{1, 2, 7, 64, 1000, 100_003}) {
            for (int[] p : new int[][]{{1, 1}, {3, 20}, {16, 16}}) {
                int[] hits = new int[n];
                ConcurrentLinkedQueue<String> bad = new ConcurrentLinkedQueue<>();
                Parallel.forStealing(n, p[0], p[1], BIG, (from, to) -> {
                    if (from < 0 || to > n || to <= from || to - from > p[1]) bad.add(from + ".." + to);
                    for (int i = from; i < to; i++) hits[i]++;
                });
                assertTrue(bad.isEmpty(), () -> "pieces out of bounds for n=" + n + ": " + bad);
                for (int i = 0; i < n; i++) assertEquals(1, hits[i], "item " + i + " of " + n + ", pieces " + p[0] + "-" + p[1]);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Parallel.forStealing(10, 0, 4, BIG, (a, b) -> {}));
        assertThrows(IllegalArgumentException.class, () -> Parallel.forStealing(10, 5, 4, BIG, (a, b) -> {}));
    }

    @Test
    void forStealingGivesEachThreadALongForwardRunAndLetsAFastThreadTakeOverASlowOnesShare() {
        Assumptions.assumeTrue(Parallel.threads() >= 2, "needs at least 2 threads (-Dcalx.threads), has " + Parallel.threads());
        Thread caller = Thread.currentThread();
        int n = 64 * Parallel.threads();
        ConcurrentLinkedQueue<Integer> byCaller = new ConcurrentLinkedQueue<>();
        AtomicInteger byOthers = new AtomicInteger();
        Parallel.forStealing(n, 1, 1, BIG, (from, to) -> {
            if (Thread.currentThread() == caller) {
                byCaller.add(from);
                sleep(20); // the caller is slow: the workers should take over most of its share
            } else {
                byOthers.incrementAndGet();
            }
        });
        List<Integer> mine = new ArrayList<>(byCaller);
        assertEquals(n, mine.size() + byOthers.get());
        // A static split would leave the caller its whole share of 64.
        assertTrue(mine.size() < 32, "the slow caller ran " + mine.size() + " of its 64 items");
        // It starts on its own share, at item 0, and walks it front to back.
        assertEquals(0, mine.getFirst());
        for (int i = 1; i < mine.size(); i++) assertEquals(mine.get(i - 1) + 1, mine.get(i), "caller's items " + mine);
    }

    @Test
    void forStealingRunsSmallWorkInOrderOnTheCallingThreadAndPropagatesFailures() {
        Thread caller = Thread.currentThread();
        List<String> pieces = new ArrayList<>();
        Parallel.forStealing(10, 1, 4, 1, (from, to) -> {
            assertEquals(caller, Thread.currentThread());
            pieces.add(from + ".." + to);
        });
        // Small work: [0, n) in order, in pieces of maxPiece.
        assertEquals(List.of("0..4", "4..8", "8..10"), pieces);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forStealing(1000, 8, 8, BIG, (from, to) -> {
            if (from <= 500 && 500 < to) throw new IllegalStateException("piece " + from + ".." + to);
        }));
        assertTrue(e.getMessage().startsWith("piece "), e.getMessage());
    }

    @Test
    void smallWorkRunsOnTheCallingThread() {
        Thread caller = Thread.currentThread();
        ConcurrentLinkedQueue<Thread> seen = new ConcurrentLinkedQueue<>();
        Parallel.forRange(10, 1, (from, to) -> seen.add(Thread.currentThread()));
        assertEquals(List.of(caller), new ArrayList<>(seen));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
