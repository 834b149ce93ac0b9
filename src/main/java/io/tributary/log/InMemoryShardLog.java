package io.tributary.log;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * A shard log held in the heap, for throwaway runs and tests ({@code storage=memory}); nothing survives a
 * restart. Not thread-safe: one shard verticle owns it.
 */
public final class InMemoryShardLog implements ShardLog {
  private final List<StoredRecord> records = new ArrayList<>();

  @Override
  public Future<Long> append(List<Entry> entries) {
    long first = records.size();
    long offset = first;
    for (Entry entry : entries) {
      records.add(new StoredRecord(offset++, entry.arrivalMillis(), entry.partitionKey(), entry.data()));
    }
    return Future.succeededFuture(first);
  }

  @Override
  public Future<Page> read(long fromOffset, int maxRecords, long maxBytes) {
    int from = (int) Math.max(fromOffset, startOffset());
    int to = (int) Math.min(records.size(), (long) from + maxRecords);
    List<StoredRecord> page = new ArrayList<>(Math.max(0, to - from));
    long bytes = 0;
    for (int i = from; i < to; i++) {
      StoredRecord record = records.get(i);
      bytes += record.size();
      if (bytes > maxBytes && !page.isEmpty()) break;
      page.add(record);
    }
    long next = from + page.size();
    long nextArrival = next < records.size() ? records.get((int) next).arrivalMillis() : -1;
    return Future.succeededFuture(new Page(page, next, nextArrival));
  }

  @Override
  public long startOffset() {
    return 0;
  }

  @Override
  public long endOffset() {
    return records.size();
  }

  @Override
  public long lastArrivalMillis() {
    return records.isEmpty() ? -1 : records.get(records.size() - 1).arrivalMillis();
  }

  @Override
  public Future<Long> offsetAtOrAfter(long arrivalMillis) {
    int low = 0;
    int high = records.size();
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (records.get(mid).arrivalMillis() < arrivalMillis) low = mid + 1; else high = mid;
    }
    return Future.succeededFuture((long) low);
  }

  @Override
  public Future<Void> close() {
    records.clear();
    return Future.succeededFuture();
  }
}
