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

  /**
   * Whether the node of this name ({@code host:port}, as {@code cluster.members} lists it) is a live member
   * now; read from the member list this node keeps, without asking anyone. With clustering off: this node.
   */
  boolean isLive(String name);

  /** Adds a listener of joins and leaves; with clustering off nothing ever joins or leaves. */
  void addListener(MembershipListener listener);
}
