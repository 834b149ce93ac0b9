package io.tributary.shard;

import io.tributary.stream.StreamDescriptor;

/**
 * Where work that must run once per stream in a cluster runs (a Kafka mirror): on the node that serves the
 * stream's first shard, the one its descriptor lists first. With replication that is the Raft leader of the
 * shard's group as this node last heard; with owned shards, the shard's owner; on one node, this node. Asked
 * again and again: the answer changes with elections and moves.
 */
@FunctionalInterface
public interface StreamHome {
  /**
   * Where a stream's work runs as this node sees it now.
   *
   * @param here whether it runs on this node
   * @param node the node it runs on ({@code host:port}), or null when none is known or on a single node
   */
  record Home(boolean here, String node) {
    public static final Home LOCAL = new Home(true, null);
  }

  Home of(StreamDescriptor stream);

  /** One node: everything runs here. */
  StreamHome LOCAL = stream -> Home.LOCAL;
}
