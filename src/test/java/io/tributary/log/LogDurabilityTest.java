package io.tributary.log;

import static io.tributary.log.LogFixtures.SMALL;
import static io.tributary.log.LogFixtures.assertRecord;
import static io.tributary.log.LogFixtures.await;
import static io.tributary.log.LogFixtures.entries;
import static io.tributary.log.LogFixtures.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** fsync policies and group commit; appends whose write or fsync fails are in {@link LogOfflineTest}. */
class LogDurabilityTest extends OpenLogTest {
  private static final LogConfig BIG_SEGMENTS = SMALL.withSegmentBytes(1 << 24);

  private final FaultyChannels faults = new FaultyChannels();

  @Override
  FileShardLog open(LogConfig config) {
    return open(config, faults);
  }

  private FileShardLog open(String fsync) {
    return open(BIG_SEGMENTS.withFsync(FsyncPolicy.parse(fsync)));
  }

  @Test
  void alwaysGroupsConcurrentAppendsIntoFewerFsyncs() {
    open("always");
    faults.fsyncDelayMillis = 5;
    List<Future<Long>> futures = new ArrayList<>();
    for (int i = 0; i < 200; i++) futures.add(log.append(entries(3L * i, 3, T0 + i)));
    for (int i = 0; i < 200; i++) assertEquals(3L * i, await(futures.get(i)), "append " + i);
    assertTrue(log.fsyncCount() >= 1 && log.fsyncCount() < 50, "200 appends took " + log.fsyncCount() + " fsyncs");
    List<StoredRecord> records = readAll(log, 0);
    assertEquals(600, records.size());
    for (StoredRecord record : records) assertRecord(record.offset(), T0 + record.offset() / 3, record);
  }

  @Test
  void alwaysAcknowledgesOnlyAfterTheFsync() throws Exception {
    open("always");
    faults.fsyncDelayMillis = 400;
    Future<Long> append = log.append(entries(0, 2, T0));
    Thread.sleep(150);
    assertFalse(append.isComplete(), "acknowledged before its fsync");
    assertEquals(0, log.endOffset());
    assertEquals(-1, log.lastArrivalMillis());
    assertEquals(List.of(), await(log.read(0, 10, 1000)).records(), "visible before its fsync");
    assertEquals(0, await(append));
    assertEquals(2, log.endOffset());
    assertEquals(1, log.fsyncCount());
  }

  @Test
  void neverLeavesAppendsToThePageCacheButFsyncsRollsAndClose() {
    open(SMALL.withFsync(new FsyncPolicy.Never()).withSegmentBytes(1 << 20));
    for (int i = 0; i < 50; i++) await(log.append(entries(i, 1, T0)));
    assertEquals(50, log.endOffset());
    assertEquals(0, log.fsyncCount());
    await(log.close());
    assertEquals(1, log.fsyncCount(), "close fsyncs");

    open(SMALL.withFsync(new FsyncPolicy.Never()).withSegmentBytes(1024));
    for (int i = 50; i < 100; i++) await(log.append(entries(i, 1, T0)));
    long rolls = assertSegments() - 1;
    assertTrue(rolls > 0);
    assertEquals(rolls, log.fsyncCount(), "one fsync per roll");
  }

  @Test
  void forceFsyncsWhatNeverLeftInThePageCacheOnce() {
    open(SMALL.withFsync(new FsyncPolicy.Never()).withSegmentBytes(1 << 20));
    await(log.force());
    assertEquals(0, log.fsyncCount(), "nothing written, nothing to fsync");
    for (int i = 0; i < 10; i++) await(log.append(entries(i, 1, T0)));
    assertEquals(0, log.fsyncCount());
    await(log.force());
    assertEquals(1, log.fsyncCount(), "one fsync for every append before it");
    await(log.force());
    assertEquals(1, log.fsyncCount(), "nothing new to fsync");
  }

  private long assertSegments() {
    try (var files = Files.list(dir)) {
      return files.filter(file -> file.toString().endsWith(".log")).count();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void intervalAcknowledgesWritesAndFsyncsOnTheTimer() throws Exception {
    open("interval:60000");
    for (int i = 0; i < 20; i++) await(log.append(entries(i, 1, T0)));
    assertEquals(20, log.endOffset());
    assertEquals(0, log.fsyncCount(), "acknowledged without an fsync");
    await(log.close());

    open("interval:50");
    await(log.append(entries(20, 1, T0)));
    long deadline = System.currentTimeMillis() + 5000;
    while (log.fsyncCount() == 0 && System.currentTimeMillis() < deadline) Thread.sleep(10);
    assertTrue(log.fsyncCount() > 0, "the timer fsyncs");
    long afterFirst = log.fsyncCount();
    Thread.sleep(300);
    assertEquals(afterFirst, log.fsyncCount(), "nothing new to fsync while idle");
  }

}
