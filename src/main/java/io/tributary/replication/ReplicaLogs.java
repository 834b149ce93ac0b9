package io.tributary.replication;

import io.tributary.log.ShardLog;
import io.vertx.core.Future;
import java.nio.file.Path;

/** Where this node keeps its copies of shard logs. */
public interface ReplicaLogs {
  /** Opens (recovering) the log of the shard at the address, on the calling context. */
  Future<ShardLog> open(String shardAddress);

  /** The directory of the shard's log. */
  Path directory(String shardAddress);
}
