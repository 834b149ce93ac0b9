package io.tributary.shard;

import java.util.List;

/**
 * Which nodes keep a shard's log in a replicated cluster: each runs the shard's verticle over its own copy,
 * and requests go to the one that leads the shard's group.
 */
public interface ShardReplicaSets {
  List<String> nodesOf(String shardAddress);

  /** Every node that keeps replicas. */
  List<String> allNodes();
}
