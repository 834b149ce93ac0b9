package io.tributary.cluster.metadata;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How this node takes part in the metadata group.
 *
 * @param clusterName names the cluster; the group's id is derived from it, so that nodes of another cluster
 *     that are listed by mistake never join this group
 * @param localId this node's id among the voters
 * @param voters every voter of the group, this node included (a static list)
 * @param storageDir where this node keeps the group's Raft log and snapshots ({@code <data dir>/metadata})
 * @param commitTimeout how long a change may wait for a majority before it fails as not kept
 * @param snapshotEvery how many entries are applied between two snapshots
 */
public record MetadataGroupSettings(String clusterName, String localId, List<MetadataPeer> voters, Path storageDir,
    Duration commitTimeout, long snapshotEvery) {

  public MetadataGroupSettings {
    voters = List.copyOf(voters);
    if (voters.stream().noneMatch(voter -> voter.id().equals(localId))) {
      throw new IllegalArgumentException("node " + localId + " is not one of the metadata voters " + voters);
    }
    if (voters.stream().map(MetadataPeer::id).distinct().count() != voters.size()) {
      throw new IllegalArgumentException("metadata voter ids must be unique: " + voters);
    }
    if (snapshotEvery < 1) throw new IllegalArgumentException("snapshotEvery must be at least 1");
    if (commitTimeout.isNegative() || commitTimeout.isZero()) {
      throw new IllegalArgumentException("commitTimeout must be positive, not " + commitTimeout);
    }
  }

  /** This node's own entry in the voter list. */
  public MetadataPeer local() {
    return voters.stream().filter(voter -> voter.id().equals(localId)).findFirst().orElseThrow();
  }
}
