package io.tributary.log;

import static io.tributary.log.LogFixtures.assertRecord;
import static io.tributary.log.LogFixtures.await;
import static io.tributary.log.LogFixtures.entries;
import static io.tributary.log.LogFixtures.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InMemoryShardLogTest {
  private static final long T0 = 1_700_000_000_000L;
  private final Vertx vertx = Vertx.vertx();
  private final TestClock clock = new TestClock(T0);
  private final InMemoryShardLog log = InMemoryShardLog.open(vertx, clock, 1_000, 20);

  @AfterEach
  void close() {
    await(log.close());
    await(vertx.close());
  }

  @Test
  void expiredRecordsStopBeingReadableAndLeaveTheHeap() {
    await(log.append(entries(0, 3, T0)));
    await(log.append(entries(3, 2, T0 + 600)));
    assertEquals(5, readAll(log, 0).size());

    clock.set(T0 + 1_100);
    List<StoredRecord> kept = readAll(log, 0);
    assertEquals(2, kept.size(), "expired records are not read, even before the check runs");
    assertRecord(3, T0 + 600, kept.get(0));
    assertEquals(3L, await(log.offsetAtOrAfter(T0)));
    awaitTrue(() -> log.heldRecords() == 2, "the check drops the expired records");
    assertEquals(3, log.startOffset());
    assertEquals(5, log.endOffset());

    clock.set(T0 + 2_000);
    awaitTrue(() -> log.heldRecords() == 0, "an idle log empties");
    assertEquals(5, log.startOffset());
    assertEquals(5, log.endOffset(), "offsets never restart");
    assertEquals(T0 + 600, log.lastArrivalMillis());
    assertEquals(5L, await(log.append(entries(5, 1, T0 + 2_000))));
    assertRecord(5, T0 + 2_000, readAll(log, 0).get(0));
  }

  @Test
  void aLongerRetentionKeepsRecordsLonger() {
    await(log.append(entries(0, 2, T0)));
    log.setRetentionMillis(10_000);
    clock.set(T0 + 5_000);
    log.enforceRetention();
    assertEquals(2, log.heldRecords());
    assertEquals(2, readAll(log, 0).size());
  }

  private static void awaitTrue(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError(what);
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
