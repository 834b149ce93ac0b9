package io.tributary.cluster;

/** Told of nodes joining and leaving the cluster (a graceful leave and a failure alike), on a Vert.x context. */
public interface MembershipListener {
  void joined(String node);

  void left(String node);
}
