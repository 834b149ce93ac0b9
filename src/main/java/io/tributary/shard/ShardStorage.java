package io.tributary.shard;

import io.tributary.log.ShardLog;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;
import java.util.Map;
import java.util.Set;

/** Where shard logs live: opens (and recovers) a shard's log, and removes a deleted stream's logs. */
public interface ShardStorage {

  /** Opens the shard's log, recovering what is on disk; the log belongs to the caller from then on. */
  Future<ShardLog> open(StreamDescriptor stream, ShardDescriptor shard);

  /** Removes every log of a stream incarnation, once its shards are closed. */
  Future<Void> deleteStream(String streamUid);

  /** Removes one shard's log, once its verticle is gone. */
  Future<Void> deleteShard(String streamUid, String shardId);

  /**
   * Moves aside, and logs, every shard log the catalog does not list (shard ids by stream uid): a log a
   * crash left behind is never adopted by a shard that later gets its id. Runs at start, before any shard
   * opens.
   */
  Future<Void> setAsideUnlisted(Map<String, Set<String>> listed);
}
