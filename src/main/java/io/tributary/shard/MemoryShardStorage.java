package io.tributary.shard;

import io.tributary.log.InMemoryShardLog;
import io.tributary.log.ShardLog;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Map;
import java.util.Set;

/** {@code storage=memory}: logs in the heap, gone with the process; expired records leave the heap. */
public final class MemoryShardStorage implements ShardStorage {
  private final Vertx vertx;
  private final Clock clock;
  private final long retentionCheckIntervalMillis;

  public MemoryShardStorage(Vertx vertx, Clock clock, long retentionCheckIntervalMillis) {
    this.vertx = vertx;
    this.clock = clock;
    this.retentionCheckIntervalMillis = retentionCheckIntervalMillis;
  }

  @Override
  public Future<ShardLog> open(StreamDescriptor stream, ShardDescriptor shard) {
    return Future.succeededFuture(InMemoryShardLog.open(vertx, clock, stream.retentionHours() * 3_600_000L,
        retentionCheckIntervalMillis));
  }

  @Override
  public Future<Void> deleteStream(String streamUid) {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> deleteShard(String streamUid, String shardId) {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> setAsideUnlisted(Map<String, Set<String>> listed) {
    return Future.succeededFuture();
  }
}
