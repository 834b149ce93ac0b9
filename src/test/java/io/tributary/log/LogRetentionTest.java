package io.tributary.log;

import static io.tributary.log.LogFixtures.SMALL;
import static io.tributary.log.LogFixtures.assertRecord;
import static io.tributary.log.LogFixtures.await;
import static io.tributary.log.LogFixtures.entries;
import static io.tributary.log.LogFixtures.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Records expire by the log's clock; their segments are deleted; offsets go on. */
class LogRetentionTest extends OpenLogTest {
  private static final long RETENTION = 10_000;
  private static final LogConfig CONFIG = SMALL.withSegmentBytes(1024).withRetention(RETENTION, 3_600_000);


  /** 40 old records at T0 (several segments), then 10 new ones at T0 + 5 s. */
  private void fillOldAndNew() {
    for (int i = 0; i < 40; i++) await(log.append(entries(i, 1, T0)));
    clock.set(T0 + 5000);
    for (int i = 40; i < 50; i++) await(log.append(entries(i, 1, T0 + 5000)));
  }

  private List<Long> bases() throws Exception {
    return SegmentFiles.baseOffsets(dir);
  }

  @Test
  void expiredRecordsStopBeingReadableAndTheirSegmentsGo() throws Exception {
    open(CONFIG);
    fillOldAndNew();
    assertTrue(bases().size() >= 4);
    clock.set(T0 + RETENTION + 1);

    List<StoredRecord> readable = readAll(log, 0);
    assertEquals(10, readable.size(), "only records within retention, at once");
    assertRecord(40, T0 + 5000, readable.get(0));
    assertEquals(40, await(log.offsetAtOrAfter(0)));

    await(log.enforceRetention());
    assertEquals(40, log.startOffset());
    assertEquals(50, log.endOffset());
    long firstKept = bases().get(0);
    assertTrue(firstKept > 0 && firstKept <= 40, "old segments deleted: " + bases());
    for (long base = 0; base < firstKept; base++) assertTrue(Files.notExists(SegmentFiles.index(dir, base)));
    assertEquals(40, await(log.read(0, 1, 1000)).records().get(0).offset(), "reads start at the horizon");
    assertEquals(50, await(log.append(entries(50, 1, T0 + RETENTION + 1))));
  }

  @Test
  void anIdleLogEmptiesButKeepsItsOffsets() throws Exception {
    open(CONFIG);
    fillOldAndNew();
    clock.set(T0 + 5000 + RETENTION + 1);
    await(log.enforceRetention());
    assertEquals(List.of(50L), bases(), "only an empty active segment named by the next offset");
    assertEquals(0, Files.size(SegmentFiles.log(dir, 50)));
    assertEquals(50, log.startOffset());
    assertEquals(50, log.endOffset());
    assertEquals(List.of(), readAll(log, 0));
    assertEquals(50, await(log.offsetAtOrAfter(0)));

    await(log.close());
    open(CONFIG);
    assertEquals(50, log.startOffset());
    assertEquals(50, log.endOffset());
    assertEquals(50, await(log.append(entries(50, 2, clock.millis()))));
    assertRecord(51, clock.millis(), readAll(log, 0).get(1));
  }

  @Test
  void theTimerDeletesExpiredSegments() throws Exception {
    open(CONFIG.withRetention(RETENTION, 20));
    fillOldAndNew();
    clock.set(T0 + RETENTION + 1);
    long deadline = System.currentTimeMillis() + 5000;
    // The start moves first; the expired files go right after, on the log's writer.
    while ((log.startOffset() < 40 || bases().get(0) == 0) && System.currentTimeMillis() < deadline) Thread.sleep(10);
    assertEquals(40, log.startOffset());
    assertTrue(bases().get(0) > 0, "old segments deleted: " + bases());
  }

  @Test
  void aShorterRetentionTakesEffectAtOnce() throws Exception {
    open(CONFIG);
    fillOldAndNew();
    clock.set(T0 + 6000);
    assertEquals(50, readAll(log, 0).size());
    log.setRetentionMillis(2000);
    assertEquals(10, readAll(log, 0).size());
    await(log.enforceRetention());
    assertEquals(40, log.startOffset());
  }

  @Test
  void reopeningAnExpiredLogStartsAtTheHorizon() throws Exception {
    open(CONFIG);
    fillOldAndNew();
    await(log.close());
    clock.set(T0 + RETENTION + 1);
    open(CONFIG);
    assertEquals(40, log.startOffset());
    assertEquals(50, log.endOffset());
    assertEquals(10, readAll(log, 0).size());
  }
}
