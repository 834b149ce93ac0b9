package io.tributary.log;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/** A shard log held in the heap, for throwaway runs and tests. Not thread-safe: one shard verticle owns it. */
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
  public Future<List<StoredRecord>> read(long fromOffset, int maxRecords, long maxBytes) {
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
    return Future.succeededFuture(page);
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
  public long arrivalOf(long offset) {
    return offset >= 0 && offset < records.size() ? records.get((int) offset).arrivalMillis() : -1;
  }

  @Override
  public Future<Void> close() {
    records.clear();
    return Future.succeededFuture();
  }
}
