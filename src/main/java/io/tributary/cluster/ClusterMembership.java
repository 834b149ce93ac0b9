package io.tributary.cluster;

import io.vertx.core.Future;
import java.util.List;

/**
 * Which nodes make up the cluster: this node's id, the live members, and joins and leaves as they happen.
 * With clustering off ({@code cluster.enabled=false}) it is this node alone ({@link SingleNodeMembership}).
 */
public interface ClusterMembership {
  /** Whether this node runs clustered. */
  boolean enabled();

  /** This node's id: with clustering on, the Vert.x cluster manager's. */
  String nodeId();

  /** The live members, this node included, ordered by node id; completes on the caller's context. */
  Future<List<ClusterMember>> members();

  /** Adds a listener of joins and leaves; with clustering off nothing ever joins or leaves. */
  void addListener(MembershipListener listener);
}
