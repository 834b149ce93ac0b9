package io.tributary.cluster.metadata;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How this node takes part in the metadata group: as one of its voters, or, when it is not among them, as a
 * listener that follows the group (it applies every entry, votes in no election and counts in no majority).
 *
 * @param clusterName names the cluster; the group's id is derived from it, so that nodes of another cluster
 *     that are listed by mistake never join this group
 * @param local this node's id in the group and where its Raft server listens; when its id is among the voters,
 *     it is that voter, at the same address
 * @param voters every voter of the group (a static list, the same on every node)
 * @param storageDir where this node keeps the group's Raft log and snapshots ({@code <data dir>/metadata})
 * @param commitTimeout how long a change may wait for a majority before it fails as not kept
 * @param snapshotEvery how many entries are applied between two snapshots
 */
public record MetadataGroupSettings(String clusterName, MetadataPeer local, List<MetadataPeer> voters, Path storageDir,
    Duration commitTimeout, long snapshotEvery) {

  public MetadataGroupSettings {
    voters = List.copyOf(voters);
    if (voters.isEmpty()) throw new IllegalArgumentException("the metadata group needs at least one voter");
    if (voters.stream().map(MetadataPeer::id).distinct().count() != voters.size()) {
      throw new IllegalArgumentException("metadata voter ids must be unique: " + voters);
    }
    MetadataPeer self = local;
    voters.stream().filter(voter -> voter.id().equals(self.id())).findFirst().ifPresent(voter -> {
      if (!voter.equals(self)) {
        throw new IllegalArgumentException("node " + self.id() + " is the metadata voter " + voter + ", not at "
            + self.address());
      }
    });
    if (voters.stream().anyMatch(voter -> !voter.id().equals(self.id()) && voter.address().equals(self.address()))) {
      throw new IllegalArgumentException("node " + self.id() + " listens at " + self.address()
          + ", where another metadata voter listens: " + voters);
    }
    if (snapshotEvery < 1) throw new IllegalArgumentException("snapshotEvery must be at least 1");
    if (commitTimeout.isNegative() || commitTimeout.isZero()) {
      throw new IllegalArgumentException("commitTimeout must be positive, not " + commitTimeout);
    }
  }

  /** This node's id in the group. */
  public String localId() {
    return local.id();
  }

  /** Whether this node is one of the voters; if not, it follows the group as a listener. */
  public boolean voter() {
    return voters.contains(local);
  }
}
