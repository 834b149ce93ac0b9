package io.tributary.shard;

import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;
import java.util.List;

/**
 * Where shards run: starts the verticle that owns each shard's log, stops it, and removes a shard's data
 * for good. The stream lifecycle decides when; a placement decides where. On one node every shard runs
 * here ({@link LocalShardPlacement}); a cluster places them over its nodes behind the same calls.
 */
public interface ShardPlacement {
  /** Starts the shards that are not running yet; one that fails to start does not stop the others. */
  Future<Void> start(StreamDescriptor stream, List<ShardDescriptor> shards);

  /** Stops every running shard of a stream incarnation, keeping their data. */
  Future<Void> stop(String streamUid);

  /** Stops the shards and deletes their data: expired closed shards. */
  Future<Void> remove(String streamUid, List<String> shardIds);

  /** Stops every shard of a stream incarnation and deletes its data: a deleted stream. */
  Future<Void> removeStream(String streamUid);
}
