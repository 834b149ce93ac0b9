package io.tributary.shard;

import io.tributary.log.RecordSize;
import io.tributary.shard.ShardRequest.Appended;
import io.tributary.shard.ShardRequest.IncomingRecord;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.tributary.stream.StreamRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Appends records to a stream, as one PutRecord or PutRecords call does: routed by {@link RecordRouter},
 * grouped by shard into one append per shard, sent concurrently, results kept in request order. A split
 * or merge may close a shard between routing and appending; the shard then refuses the append, and its
 * records are routed again against the newer stream (which the registry publishes right after the close)
 * until they land or the attempts run out. Records a shard does not take (over its quota, or its queue
 * full) are throttled. The API, the Kafka bridge and the triggers all append here, so their records route
 * alike; what each append did is told to the {@link AppendObserver}.
 */
public final class RecordAppender {
  private static final int ATTEMPTS = 200;
  private static final long RETRY_DELAY_MILLIS = 5;

  private final Vertx vertx;
  private final ShardClient shards;
  private final StreamRegistry registry;
  private final AppendObserver observer;

  public RecordAppender(Vertx vertx, ShardClient shards, StreamRegistry registry, AppendObserver observer) {
    this.vertx = vertx;
    this.shards = shards;
    this.registry = registry;
    this.observer = observer;
  }

  /** A record to put, as the request gave it. */
  public record Outgoing(String partitionKey, String explicitHashKey, byte[] data) { }

  /**
   * Where each record went: its shard and sequence number. A record that failed has no sequence number;
   * if it was throttled, its shard is the one that refused it. {@code bytesPut} adds up the records put,
   * data and partition keys.
   */
  public record Placed(ShardDescriptor[] shards, String[] sequenceNumbers, boolean[] throttled, long bytesPut) {
    public int failedCount() {
      int failed = 0;
      for (String sequenceNumber : sequenceNumbers) if (sequenceNumber == null) failed++;
      return failed;
    }
  }

  /**
   * Appends the records; the caller has routed each once already, so a bad ExplicitHashKey failed the
   * whole call before anything was written.
   */
  public Future<Placed> append(StreamDescriptor stream, List<Outgoing> records) {
    return append(stream, records, null);
  }

  /**
   * Appends the records as a fencing writer's generation ({@link ShardWriter}; null: no writer's). A shard that
   * a newer generation fenced takes none of its records; they are not placed, and the call fails with
   * {@link ShardFencedException} once the others are done.
   */
  public Future<Placed> append(StreamDescriptor stream, List<Outgoing> records, ShardWriter writer) {
    Call call = new Call(records, writer);
    List<Integer> all = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) all.add(i);
    return call.attempt(stream, all, 1).compose(done -> call.fenced != null ? Future.failedFuture(call.fenced)
        : Future.succeededFuture(new Placed(call.placed.shards(), call.placed.sequenceNumbers(), call.placed.throttled(),
            call.bytesPut)));
  }

  /** The records of one request that go to one shard, with their places in the request. */
  private static final class ShardBatch {
    final List<IncomingRecord> records = new ArrayList<>();
    final List<Integer> positions = new ArrayList<>();
  }

  /** One call's records and where they went. */
  private final class Call {
    private final List<Outgoing> records;
    private final ShardWriter writer;
    /** How a shard refused the writer's generation, if one did. */
    private ShardFencedException fenced;
    private final Placed placed;
    /** Bytes of the records put so far; on the calling context, as every append's result is. */
    private long bytesPut;

    Call(List<Outgoing> records, ShardWriter writer) {
      this.records = records;
      this.writer = writer;
      this.placed = new Placed(new ShardDescriptor[records.size()], new String[records.size()], new boolean[records.size()], 0);
    }

    private Future<Void> attempt(StreamDescriptor stream, List<Integer> positions, int attempt) {
      Map<ShardDescriptor, ShardBatch> batches = new IdentityHashMap<>();
      for (int position : positions) {
        Outgoing record = records.get(position);
        ShardDescriptor shard = RecordRouter.route(stream, record.partitionKey(), record.explicitHashKey());
        ShardBatch batch = batches.computeIfAbsent(shard, s -> new ShardBatch());
        String partitionKey = record.partitionKey() == null ? ShardRecord.NO_PARTITION_KEY : record.partitionKey();
        batch.records.add(new IncomingRecord(partitionKey, record.data()));
        batch.positions.add(position);
      }
      List<Integer> refused = new ArrayList<>();
      List<Future<Appended>> appends = new ArrayList<>(batches.size());
      for (Map.Entry<ShardDescriptor, ShardBatch> perShard : batches.entrySet()) {
        ShardDescriptor shard = perShard.getKey();
        ShardBatch batch = perShard.getValue();
        appends.add(shards.append(stream, shard, batch.records, writer)
            .onSuccess(appended -> {
              long bytes = 0;
              for (int j = 0; j < appended.count(); j++) {
                int position = batch.positions.get(j);
                placed.shards()[position] = shard;
                placed.sequenceNumbers()[position] = shard.sequenceNumber(appended.firstOffset() + j, appended.arrivalMillis());
                IncomingRecord record = batch.records.get(j);
                bytes += RecordSize.of(record.partitionKey(), record.data().length);
              }
              bytesPut += bytes;
              if (appended.count() > 0) observer.appended(stream, shard, appended.count(), bytes);
              throttle(stream, shard, batch.positions.subList(appended.count(), batch.positions.size()));
            })
            .onFailure(failure -> {
              if (failure instanceof ShardClosedException) refused.addAll(batch.positions);
              if (failure instanceof ShardThrottledException) throttle(stream, shard, batch.positions);
              if (failure instanceof ShardFencedException refusal) fenced = refusal;
            }));
      }
      return Future.join(appends).transform(done -> {
        if (refused.isEmpty() || attempt >= ATTEMPTS) return Future.succeededFuture();
        return vertx.timer(RETRY_DELAY_MILLIS).compose(tick -> {
          StreamDescriptor newer = registry.find(stream.key());
          if (newer == null || !newer.uid().equals(stream.uid())) return Future.succeededFuture();
          return attempt(newer, refused, attempt + 1);
        });
      });
    }

    private void throttle(StreamDescriptor stream, ShardDescriptor shard, List<Integer> positions) {
      if (positions.isEmpty()) return;
      for (int position : positions) {
        placed.shards()[position] = shard;
        placed.throttled()[position] = true;
      }
      observer.throttled(stream, shard, positions.size());
    }
  }
}
