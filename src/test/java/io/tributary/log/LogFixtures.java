package io.tributary.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Entries, records and waiting, shared by the log tests. */
final class LogFixtures {
  static final LogConfig SMALL = LogConfig.defaults().withFsync(new FsyncPolicy.Never()).withSegmentBytes(4096)
      .withIndexIntervalBytes(256);

  private LogFixtures() { }

  /** {@code count} entries arriving at {@code arrival}; the data names the first offset they should get. */
  static List<ShardLog.Entry> entries(long firstOffset, int count, long arrival) {
    List<ShardLog.Entry> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) entries.add(new ShardLog.Entry(arrival, "key-" + (firstOffset + i), data(firstOffset + i)));
    return entries;
  }

  /** The data {@link #entries} gives the record at an offset: its own, and of a length varying with it. */
  static byte[] data(long offset) {
    return ("record " + offset + " " + "x".repeat((int) (offset % 37))).getBytes(StandardCharsets.UTF_8);
  }

  /** Checks a record is the one {@link #entries} made for its offset. */
  static void assertRecord(long offset, long arrival, StoredRecord record) {
    assertEquals(offset, record.offset(), "offset");
    assertEquals(arrival, record.arrivalMillis(), "arrival of " + offset);
    assertEquals("key-" + offset, record.partitionKey());
    assertArrayEquals(data(offset), record.data(), "data of " + offset);
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError(e);
    }
  }

  static Throwable failure(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError(e);
    }
    return fail("expected a failure");
  }

  /** Reads everything from an offset on, page by page. */
  static List<StoredRecord> readAll(ShardLog log, long from) {
    List<StoredRecord> records = new ArrayList<>();
    long offset = from;
    while (true) {
      ShardLog.Page page = await(log.read(offset, 1000, Long.MAX_VALUE));
      if (page.records().isEmpty()) return records;
      records.addAll(page.records());
      offset = page.nextOffset();
    }
  }
}
