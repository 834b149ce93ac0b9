package io.tributary.shard;

import io.tributary.log.InMemoryShardLog;
import io.tributary.log.ShardLog;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;
import java.util.Map;
import java.util.Set;

/** {@code storage=memory}: logs in the heap, gone with the process. */
public final class MemoryShardStorage implements ShardStorage {

  @Override
  public Future<ShardLog> open(StreamDescriptor stream, ShardDescriptor shard) {
    return Future.succeededFuture(new InMemoryShardLog());
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
