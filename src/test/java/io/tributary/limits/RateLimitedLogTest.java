package io.tributary.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.support.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Many failures of one cause make one log line per interval, the next one counting those left out. */
class RateLimitedLogTest {
  @Test
  void oneLinePerCausePerInterval() {
    MutableClock clock = new MutableClock();
    List<String> lines = new CopyOnWriteArrayList<>();
    RateLimitedLog log = new RateLimitedLog(lines::add, clock, 10_000);

    for (int i = 0; i < 1000; i++) log.log("java.io.IOException", "Append " + i + " failed: disk full");
    log.log("java.lang.IllegalStateException", "Append failed: closed");
    assertEquals(List.of("Append 0 failed: disk full", "Append failed: closed"), lines);

    clock.advance(Duration.ofSeconds(9));
    log.log("java.io.IOException", "Append 1000 failed: disk full");
    assertEquals(2, lines.size(), "still within the interval");

    clock.advance(Duration.ofSeconds(1));
    log.log("java.io.IOException", "Append 1001 failed: disk full");
    assertEquals("Append 1001 failed: disk full (1000 more of java.io.IOException not logged since the last)",
        lines.get(2));
    log.log("java.io.IOException", "Append 1002 failed: disk full");
    assertEquals(3, lines.size());
  }
}
