package io.tributary.bridge;

import io.tributary.Services;
import io.tributary.shard.RecordAppender.Outgoing;
import io.tributary.shard.ShardRecord;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which records of a batch whose append a crash interrupted are not in the stream yet. The appender sends
 * one append per shard, which lands whole or not at all, and keeps the batch's order within each, so for
 * each partition key the records that landed are the first ones of that key in the batch. They are found
 * by reading every shard after the end it had before the append (shards created since, from their start)
 * and matching, per partition key and in order, the data of the next expected record.
 */
final class UncertainBatch {
  private static final int PAGE_RECORDS = 10_000;
  private static final long PAGE_BYTES = 8L * 1024 * 1024;

  private UncertainBatch() { }

  /** The records of the batch, in batch order, that the stream does not hold after the tips. */
  static Future<List<Outgoing>> notInStream(Services services, StreamDescriptor stream, List<Outgoing> batch,
      Map<String, Long> tips) {
    Map<String, ArrayDeque<byte[]>> expected = new HashMap<>();
    for (Outgoing record : batch) expected.computeIfAbsent(record.partitionKey(), k -> new ArrayDeque<>()).add(record.data());
    Map<String, Integer> landed = new HashMap<>();
    Future<Void> scanned = Future.succeededFuture();
    for (ShardDescriptor shard : stream.shards()) {
      long start = tips.getOrDefault(shard.shardId(), 0L);
      scanned = scanned.compose(v -> scan(services, stream, shard, start, expected, landed));
    }
    return scanned.map(v -> {
      List<Outgoing> missing = new ArrayList<>();
      for (Outgoing record : batch) {
        int alreadyThere = landed.getOrDefault(record.partitionKey(), 0);
        if (alreadyThere > 0) landed.put(record.partitionKey(), alreadyThere - 1); else missing.add(record);
      }
      return missing;
    });
  }

  private static Future<Void> scan(Services services, StreamDescriptor stream, ShardDescriptor shard, long from,
      Map<String, ArrayDeque<byte[]>> expected, Map<String, Integer> landed) {
    return services.shards().read(stream, shard, from, PAGE_RECORDS, PAGE_BYTES).compose(page -> {
      for (ShardRecord stored : page.records()) {
        ArrayDeque<byte[]> waiting = expected.get(stored.partitionKey());
        if (waiting != null && !waiting.isEmpty() && Arrays.equals(waiting.peek(), stored.data())) {
          waiting.poll();
          landed.merge(stored.partitionKey(), 1, Integer::sum);
        }
      }
      return page.records().isEmpty() || page.nextOffset() >= page.endOffset()
          ? Future.succeededFuture() : scan(services, stream, shard, page.nextOffset(), expected, landed);
    });
  }
}
