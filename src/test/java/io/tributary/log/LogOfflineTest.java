package io.tributary.log;

import static io.tributary.log.LogFixtures.SMALL;
import static io.tributary.log.LogFixtures.assertRecord;
import static io.tributary.log.LogFixtures.await;
import static io.tributary.log.LogFixtures.entries;
import static io.tributary.log.LogFixtures.failure;
import static io.tributary.log.LogFixtures.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes and fsyncs that fail (a full disk, an I/O error, an {@link Error}) take the log offline: what was
 * not acknowledged is cut from the file before it is reported failed, appends fail with
 * {@link LogOfflineException} while reads go on, and the log comes back by itself once the disk takes
 * writes again. "Crash" copies the directory as it is, as a SIGKILL would leave it, and opens the copy.
 */
class LogOfflineTest extends OpenLogTest {
  private static final LogConfig BIG_SEGMENTS = SMALL.withSegmentBytes(1 << 24).withOfflineRetry(100, 200);

  private final FaultyChannels faults = new FaultyChannels();

  @TempDir
  Path crashDir;

  private FileShardLog open(String fsync) {
    return open(BIG_SEGMENTS.withFsync(FsyncPolicy.parse(fsync)), faults);
  }

  @Test
  void aFullDiskTakesTheLogOfflineUntilWritesWorkAgain() throws Exception {
    open("never");
    await(log.append(entries(0, 3, T0)));
    long size = sizeOfFirstSegment();
    faults.writesToFail.set(Integer.MAX_VALUE);

    assertOffline(log.append(entries(3, 4, T0 + 1)), IOException.class);
    assertEquals(size, sizeOfFirstSegment(), "the partly written batch is cut from the file");
    Thread.sleep(500); // several retries, which find the disk still full
    assertOffline(log.append(entries(3, 1, T0 + 1)), IOException.class);
    assertEquals(3, log.endOffset());
    assertEquals(3, readAll(log, 0).size(), "reads go on");
    assertEquals(size, sizeOfFirstSegment(), "the retries leave nothing behind");
    assertEquals(3, crash().size(), "nothing failed is there after a crash");

    faults.writesToFail.set(0);
    awaitOnline();
    assertEquals(3, await(log.append(entries(3, 2, T0 + 2))), "appends go on at the acknowledged end");
    List<StoredRecord> records = crash();
    assertEquals(5, records.size());
    for (int i = 0; i < 3; i++) assertRecord(i, T0, records.get(i));
    for (int i = 3; i < 5; i++) assertRecord(i, T0 + 2, records.get(i));
  }

  @Test
  void aFailedWriteFailsTheWholeRoundAndTheAppendsQueuedBehindIt() throws Exception {
    open("always");
    await(log.append(entries(0, 2, T0)));
    faults.fsyncDelayMillis = 300;
    Future<Long> slow = log.append(entries(2, 1, T0));
    Thread.sleep(100); // its fsync is under way: what follows queues as one group
    faults.writesToFail.set(1);
    Future<Long> writtenFirst = log.append(entries(3, 2, T0 + 1));
    Future<Long> writeFails = log.append(entries(5, 2, T0 + 1));
    Future<Long> behind = log.append(entries(7, 2, T0 + 1));
    assertEquals(2, await(slow));
    assertOffline(writtenFirst, IOException.class);
    assertOffline(writeFails, IOException.class);
    assertOffline(behind, IOException.class);
    assertEquals(3, log.endOffset());
    faults.fsyncDelayMillis = 0;
    awaitOnline();
    assertEquals(3, await(log.append(entries(3, 1, T0 + 2))));
    List<StoredRecord> records = crash();
    assertEquals(4, records.size(), "the append written before the failure in its round is gone too");
    assertRecord(3, T0 + 2, records.get(3));
  }

  @Test
  void aFailedFsyncUnderAlwaysCutsItsGroupBack() {
    open("always");
    await(log.append(entries(0, 2, T0)));
    long size = sizeOfFirstSegment();
    faults.fsyncsToFail.set(1);
    assertOffline(log.append(entries(2, 5, T0 + 1)), IOException.class);
    assertEquals(2, log.endOffset());
    assertEquals(size, sizeOfFirstSegment(), "the unsynced batch is cut from the file");
    assertEquals(2, readAll(log, 0).size());
    awaitOnline();
    assertEquals(2, await(log.append(entries(2, 1, T0 + 2))));
    List<StoredRecord> records = crash();
    assertEquals(3, records.size());
    assertRecord(2, T0 + 2, records.get(2));
  }

  @Test
  void anErrorFromAWriteIsContainedLikeAnIoFailure() {
    open("always");
    await(log.append(entries(0, 2, T0)));
    faults.errorsToThrow.set(1);
    assertOffline(log.append(entries(2, 3, T0 + 1)), InternalError.class);
    assertEquals(2, log.endOffset());
    awaitOnline();
    assertEquals(2, await(log.append(entries(2, 1, T0 + 2))), "the failed append's offsets are given again");
    List<StoredRecord> records = crash();
    assertEquals(3, records.size());
    assertRecord(2, T0 + 2, records.get(2));
  }

  @Test
  void aFailedRollTakesTheLogOfflineAndTheNextRollWorks() {
    open(SMALL.withFsync(new FsyncPolicy.Always()).withSegmentBytes(1024).withOfflineRetry(20, 50), faults);
    await(log.append(entries(0, 2, T0)));
    faults.opensToFail.set(1);
    assertOffline(log.append(entries(2, 40, T0 + 1)), IOException.class);
    assertEquals(1, segmentCount());
    awaitOnline();
    assertEquals(2, await(log.append(entries(2, 40, T0 + 2))));
    assertEquals(2, segmentCount());
    assertEquals(42, crash().size());
  }

  @Test
  void aFailedIntervalFsyncWritesWhatWasAcknowledgedAgain() throws Exception {
    open("interval:500");
    faults.fsyncsToFail.set(1);
    for (int i = 0; i < 5; i++) await(log.append(entries(i, 1, T0)));
    long size = sizeOfFirstSegment();
    long writtenBefore = faults.bytesWritten.get();
    awaitOffline();
    awaitOnline();
    assertTrue(faults.bytesWritten.get() - writtenBefore >= size + LogSegment.PROBE_BYTES,
        "the unsynced batches were written again: " + (faults.bytesWritten.get() - writtenBefore) + " bytes");
    assertEquals(5, await(log.append(entries(5, 1, T0 + 1))));
    List<StoredRecord> records = crash();
    assertEquals(6, records.size());
    for (int i = 0; i < 5; i++) assertRecord(i, T0, records.get(i));
  }

  @Test
  void batchesAFailedFsyncLostLeaveAGapAndNoOffsetIsGivenTwice() throws Exception {
    open("interval:500");
    for (int i = 0; i < 2; i++) await(log.append(entries(i, 1, T0)));
    long deadline = System.currentTimeMillis() + 10_000;
    while (log.fsyncCount() == 0 && System.currentTimeMillis() < deadline) Thread.sleep(5);
    long synced = sizeOfFirstSegment();
    // As the kernel may after a failed write-back: the pages it could not write are gone from the file.
    faults.onFailedFsync = file -> file.write(ByteBuffer.allocate((int) (file.size() - synced)), synced);
    faults.fsyncsToFail.set(1);
    faults.opensToFail.set(1); // the first retry cannot start the segment after the gap; the next one does
    for (int i = 2; i < 5; i++) await(log.append(entries(i, 1, T0)));
    awaitOffline();
    awaitOnline();
    assertEquals(5, log.endOffset());
    assertEquals(5, await(log.append(entries(5, 1, T0 + 1))), "offsets go on after the lost ones");
    List<StoredRecord> records = readAll(log, 0);
    assertEquals(List.of(0L, 1L, 5L), records.stream().map(StoredRecord::offset).toList());
    assertRecord(5, T0 + 1, records.get(2));
    assertEquals(List.of(0L, 1L, 5L), crash().stream().map(StoredRecord::offset).toList());
  }

  @Test
  void anotherLogIsUnaffected(@TempDir Path otherDir) throws Exception {
    open("always");
    FileShardLog other = await(FileShardLog.open(vertx, otherDir, BIG_SEGMENTS, clock, ChannelOpener.FILES));
    try {
      faults.writesToFail.set(Integer.MAX_VALUE);
      assertOffline(log.append(entries(0, 1, T0)), IOException.class);
      for (int i = 0; i < 5; i++) assertEquals(i, await(other.append(entries(i, 1, T0))));
      assertEquals(5, readAll(other, 0).size());
    } finally {
      faults.writesToFail.set(0);
      await(other.close());
    }
  }

  private static void assertOffline(Future<Long> append, Class<? extends Throwable> cause) {
    Throwable failure = failure(append);
    assertInstanceOf(LogOfflineException.class, failure);
    assertInstanceOf(cause, failure.getCause());
  }

  private void awaitOffline() throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (true) {
      Future<Long> probe = log.append(List.of());
      Throwable failure = probe.isComplete() && probe.failed() ? probe.cause() : null;
      if (failure instanceof LogOfflineException) return;
      if (System.currentTimeMillis() > deadline) throw new AssertionError("the log did not go offline");
      Thread.sleep(10);
    }
  }

  /** Polls with empty appends, which fail at once while the log is offline and take no offset. */
  private void awaitOnline() {
    long deadline = System.currentTimeMillis() + 10_000;
    while (true) {
      try {
        await(log.append(List.of()));
        return;
      } catch (AssertionError offline) {
        if (System.currentTimeMillis() > deadline) throw offline;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  /** Copies the log's files as they are now, opens the copy, and reads it whole. */
  private List<StoredRecord> crash() {
    try {
      Path copy = Files.createTempDirectory(crashDir, "crash");
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.toList()) Files.copy(file, copy.resolve(file.getFileName()));
      }
      FileShardLog reopened = await(FileShardLog.open(vertx, copy, BIG_SEGMENTS, clock, ChannelOpener.FILES));
      try {
        return readAll(reopened, 0);
      } finally {
        await(reopened.close());
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private long sizeOfFirstSegment() {
    try {
      return Files.size(SegmentFiles.log(dir, 0));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private long segmentCount() {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(file -> file.toString().endsWith(SegmentFiles.LOG)).count();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
