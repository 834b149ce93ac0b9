package io.tributary.log;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * A shard log held in the heap, for throwaway runs and tests ({@code storage=memory}); nothing survives a
 * restart. Retention works as in {@link FileShardLog}: a record older than the retention stops being
 * readable at once, and a periodic check drops expired records from the heap, so a long run does not grow
 * for ever. Offsets never restart: {@code records.get(i)} holds offset {@code startOffset + i}.
 *
 * <p>Threading: one shard verticle owns the log; the methods are synchronized only because the retention
 * timer runs on the context that opened the log, which need not be the caller's.
 */
public final class InMemoryShardLog implements ShardLog {
  private final List<StoredRecord> records = new ArrayList<>();
  private final Vertx vertx;
  private final Clock clock;
  private final long retentionTimer;
  private long retentionMillis;
  private long startOffset;
  private long lastArrivalMillis = -1;

  private InMemoryShardLog(Vertx vertx, Clock clock, long retentionMillis, long checkIntervalMillis) {
    if (retentionMillis <= 0) throw new IllegalArgumentException("retention must be positive: " + retentionMillis);
    this.vertx = vertx;
    this.clock = clock;
    this.retentionMillis = retentionMillis;
    this.retentionTimer = vertx.setPeriodic(checkIntervalMillis, id -> enforceRetention());
  }

  /** A log whose expired records are dropped every {@code checkIntervalMillis}, by a timer of the calling context. */
  public static InMemoryShardLog open(Vertx vertx, Clock clock, long retentionMillis, long checkIntervalMillis) {
    return new InMemoryShardLog(vertx, clock, retentionMillis, checkIntervalMillis);
  }

  @Override
  public synchronized Future<Long> append(List<Entry> entries) {
    long first = endOffset();
    long offset = first;
    for (Entry entry : entries) {
      records.add(new StoredRecord(offset++, entry.arrivalMillis(), entry.partitionKey(), entry.data()));
      lastArrivalMillis = entry.arrivalMillis();
    }
    return Future.succeededFuture(first);
  }

  @Override
  public synchronized Future<Page> read(long fromOffset, int maxRecords, long maxBytes) {
    long fromIndex = Math.max(fromOffset - startOffset, firstUnexpired());
    if (fromIndex >= records.size()) return Future.succeededFuture(new Page(List.of(), startOffset + fromIndex, -1));
    int from = (int) fromIndex;
    int to = (int) Math.min(records.size(), (long) from + maxRecords);
    List<StoredRecord> page = new ArrayList<>(Math.max(0, to - from));
    long bytes = 0;
    for (int i = from; i < to; i++) {
      StoredRecord record = records.get(i);
      bytes += record.size();
      if (bytes > maxBytes && !page.isEmpty()) break;
      page.add(record);
    }
    int next = from + page.size();
    long nextArrival = next < records.size() ? records.get(next).arrivalMillis() : -1;
    return Future.succeededFuture(new Page(page, startOffset + next, nextArrival));
  }

  @Override
  public synchronized long startOffset() {
    return startOffset;
  }

  @Override
  public synchronized long endOffset() {
    return startOffset + records.size();
  }

  @Override
  public synchronized long lastArrivalMillis() {
    return lastArrivalMillis;
  }

  @Override
  public synchronized Future<Long> offsetAtOrAfter(long arrivalMillis) {
    return Future.succeededFuture(startOffset + indexAtOrAfter(Math.max(arrivalMillis, expiredBefore())));
  }

  @Override
  public synchronized void setRetentionMillis(long millis) {
    if (millis <= 0) throw new IllegalArgumentException("retention must be positive: " + millis);
    retentionMillis = millis;
  }

  /** The retention check, run by the timer: drops the records that have expired from the heap. */
  synchronized void enforceRetention() {
    int expired = firstUnexpired();
    if (expired == 0) return;
    records.subList(0, expired).clear();
    startOffset += expired;
  }

  /** Records held in the heap, expired or not. */
  synchronized int heldRecords() {
    return records.size();
  }

  @Override
  public synchronized Future<Void> close() {
    vertx.cancelTimer(retentionTimer);
    records.clear();
    return Future.succeededFuture();
  }

  private long expiredBefore() {
    return clock.millis() - retentionMillis;
  }

  private int firstUnexpired() {
    return indexAtOrAfter(expiredBefore());
  }

  /** Index of the first held record that arrived at or after the time; arrivals never decrease along the log. */
  private int indexAtOrAfter(long arrivalMillis) {
    int low = 0;
    int high = records.size();
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (records.get(mid).arrivalMillis() < arrivalMillis) low = mid + 1; else high = mid;
    }
    return low;
  }
}
