package io.tributary.log;

import static io.tributary.log.LogFixtures.SMALL;
import static io.tributary.log.LogFixtures.assertRecord;
import static io.tributary.log.LogFixtures.await;
import static io.tributary.log.LogFixtures.entries;
import static io.tributary.log.LogFixtures.failure;
import static io.tributary.log.LogFixtures.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** fsync policies, group commit, and appends whose write or fsync fails. */
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

  private FileShardLog reopen() {
    LogConfig config = BIG_SEGMENTS;
    await(log.close());
    return open(config);
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

  @Test
  void aFailedWriteFailsOnlyItsAppendAndLeavesNothingBehind() {
    open("never");
    await(log.append(entries(0, 3, T0)));
    long size = sizeOfActive();
    faults.writesToFail.set(1);
    assertInstanceOf(IOException.class, failure(log.append(entries(3, 4, T0 + 1))));
    assertEquals(size, sizeOfActive(), "the partly written batch is cut from the file");
    assertEquals(3, log.endOffset());
    assertEquals(3, readAll(log, 0).size(), "reads keep working");

    faults.writesToFail.set(1);
    Future<Long> failing = log.append(entries(3, 4, T0 + 1));
    Future<Long> behind = log.append(entries(3, 2, T0 + 2));
    assertInstanceOf(IOException.class, failure(failing));
    assertEquals(3, await(behind), "the append behind takes the failed one's offsets");
    assertEquals(5, log.endOffset());
    assertEquals(T0 + 2, log.lastArrivalMillis());
    List<StoredRecord> records = readAll(log, 0);
    assertEquals(5, records.size());
    for (int i = 0; i < 3; i++) assertRecord(i, T0, records.get(i));
    for (int i = 3; i < 5; i++) assertRecord(i, T0 + 2, records.get(i));
    assertEquals(5, await(log.append(entries(5, 1, T0 + 3))));
    reopen();
    assertEquals(6, log.endOffset());
    assertEquals(6, readAll(log, 0).size());
  }

  @Test
  void aFailedFsyncFailsTheGroupAndCutsItBack() {
    open("always");
    await(log.append(entries(0, 2, T0)));
    long size = sizeOfActive();
    faults.fsyncsToFail.set(1);
    assertInstanceOf(IOException.class, failure(log.append(entries(2, 5, T0 + 1))));
    assertEquals(2, log.endOffset());
    assertEquals(size, sizeOfActive(), "the unsynced batch is cut from the file");
    assertEquals(2, readAll(log, 0).size());
    assertEquals(2, await(log.append(entries(2, 1, T0 + 2))));
    reopen();
    List<StoredRecord> records = readAll(log, 0);
    assertEquals(3, records.size());
    assertRecord(2, T0 + 2, records.get(2));
  }

  @Test
  void aFailedRollFailsOnlyTheAppendThatNeededIt() throws Exception {
    open(SMALL.withFsync(new FsyncPolicy.Always()).withSegmentBytes(1024));
    await(log.append(entries(0, 2, T0)));
    faults.fsyncDelayMillis = 300;
    Future<Long> slow = log.append(entries(2, 1, T0));
    Thread.sleep(100); // its fsync is under way: what follows queues as one group
    faults.opensToFail.set(1);
    faults.fsyncsToPass.set(1);
    faults.fsyncsToFail.set(1);
    Future<Long> fits = log.append(entries(3, 2, T0 + 1));
    Future<Long> needsRoll = log.append(entries(5, 40, T0 + 2));
    Future<Long> fitsButFsyncFails = log.append(entries(5, 1, T0 + 3));
    assertEquals(2, await(slow));
    assertEquals(3, await(fits), "acknowledged at the roll point");
    assertInstanceOf(IOException.class, failure(needsRoll), "its roll could not create the next segment");
    assertInstanceOf(IOException.class, failure(fitsButFsyncFails));
    assertEquals(5, log.endOffset());
    assertEquals(1, assertSegments());
    List<StoredRecord> records = readAll(log, 0);
    assertEquals(5, records.size(), "the acknowledged appends survive the failures after them");
    assertRecord(4, T0 + 1, records.get(4));
    faults.fsyncDelayMillis = 0;
    assertEquals(5, await(log.append(entries(5, 40, T0 + 4))));
    assertEquals(2, assertSegments(), "the next roll works");
    reopen();
    assertEquals(45, readAll(log, 0).size());
  }

  private long sizeOfActive() {
    try {
      return Files.size(SegmentFiles.log(dir, 0));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
