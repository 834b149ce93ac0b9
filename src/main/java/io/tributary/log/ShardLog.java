package io.tributary.log;

import io.vertx.core.Future;
import java.util.List;

/**
 * The records of one shard, in order. Only the shard's verticle calls a log, always from its own
 * context, so implementations need no locking of their own; they must never block that context
 * (blocking file work goes to a worker and completes the returned future).
 */
public interface ShardLog {

  /** A record to append: arrival time already assigned by the shard. */
  record Entry(long arrivalMillis, String partitionKey, byte[] data) { }

  /**
   * Appends the entries in order and completes with the offset of the first one once they are as durable
   * as the log promises; only then are they visible to readers.
   */
  Future<Long> append(List<Entry> entries);

  /**
   * Up to {@code maxRecords} records from {@code fromOffset} on, stopping before the total size would
   * pass {@code maxBytes} (but always at least one record when there is one).
   */
  Future<List<StoredRecord>> read(long fromOffset, int maxRecords, long maxBytes);

  /** The offset of the oldest readable record (the trim horizon). */
  long startOffset();

  /** The offset the next appended record will get. */
  long endOffset();

  /** The offset of the first record that arrived at or after the time, or {@link #endOffset()}. */
  Future<Long> offsetAtOrAfter(long arrivalMillis);

  /** The arrival time of the record at the offset, or -1 when there is none. */
  long arrivalOf(long offset);

  Future<Void> close();
}
