package io.tributary.replication;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A node's part in the replication of shard logs.
 *
 * @param self this node's name ({@code host:port}, as the cluster's members are named)
 * @param nodes every member, in the order the cluster lists them (the same on every node)
 * @param factor how many nodes keep each shard's log ({@code replication.factor})
 * @param portOffset the shard groups' Raft server listens on a node's cluster port plus this
 * @param storageDir where this node's Raft logs and snapshots of the shard groups live
 * @param failoverTimeout how long a group may be without a leader after its leader dies or stalls
 *     ({@code cluster.failover.timeout.ms}): elections start after a quarter to a half of it
 * @param commitTimeout how long an append may wait for its commit before its caller is told it is unknown
 * @param snapshotEvery entries between snapshots: the Raft log keeps about this many entries past them
 */
public record ReplicationSettings(String clusterName, String self, List<String> nodes, int factor, int portOffset,
    Path storageDir, Duration failoverTimeout, Duration commitTimeout, long snapshotEvery) {

  public ReplicationSettings {
    nodes = List.copyOf(nodes);
    if (!nodes.contains(self)) throw new IllegalArgumentException("node " + self + " is not among the members " + nodes);
  }
}
