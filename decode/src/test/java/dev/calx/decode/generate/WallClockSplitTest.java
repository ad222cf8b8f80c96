package dev.calx.decode.generate;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The partition's precedence: model over python over start-up over other; the parts add up to the wall time. */
class WallClockSplitTest {
    private static void sleep(long ms) throws InterruptedException {
        Thread.sleep(ms);
    }

    @Test
    void eachInstantCountsOnceForTheHighestKindRunning() throws InterruptedException {
        WallClockSplit c = new WallClockSplit();
        c.modelStarts(); // before start: not counted
        c.modelEnds();
        c.start();
        c.startupStarts();
        sleep(150);          // start-up alone
        c.modelStarts();
        sleep(100);          // model while starting: model
        c.modelEnds();
        c.startupEnds();
        c.pythonStarts();
        c.startupStarts();
        sleep(100);          // python while starting: python
        c.startupEnds();
        c.pythonEnds();
        sleep(50);           // nothing: other
        c.stop();
        sleep(50);           // after stop: nothing
        WallClockSplit.Totals t = c.totals();
        assertTrue(t.startupSeconds() >= 0.15, t.toString());
        assertTrue(t.modelSeconds() >= 0.10, t.toString());
        assertTrue(t.pythonSeconds() >= 0.10, t.toString());
        assertTrue(t.otherSeconds() >= 0.05, t.toString());
        sleep(20);
        assertEquals(t, c.totals(), "nothing after stop counts");
        assertEquals(t.wallSeconds(), t.modelSeconds() + t.pythonSeconds() + t.startupSeconds() + t.otherSeconds(), 1e-12);
    }
}
