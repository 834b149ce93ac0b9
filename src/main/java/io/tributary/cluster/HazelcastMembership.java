package io.tributary.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The membership of a clustered node: Hazelcast's member list (kept locally by Hazelcast, so reading it does
 * not block) joined with the ports each node published in its Vert.x node information, which is read from
 * the cluster manager's map asynchronously. Joins and leaves come from a Hazelcast membership listener of
 * its own, since the cluster manager's single node listener belongs to the clustered event bus.
 */
final class HazelcastMembership implements ClusterMembership {
  /** The member attribute in which the Vert.x cluster manager keeps a member's node id. */
  static final String NODE_ID_ATTRIBUTE = "__vertx.nodeId";
  /** How long GET /cluster waits for a member's node information before showing it without ports. */
  static final long NODE_INFO_TIMEOUT_MILLIS = 2000;

  private final Map<String, NodePorts> published = new ConcurrentHashMap<>();
  /** The live members' names, {@code host:port}: replaced on every join and leave. */
  private volatile Set<String> liveNames;

  private final Vertx vertx;
  private final HazelcastClusterManager manager;
  private final HazelcastInstance hazelcast;

  HazelcastMembership(Vertx vertx, HazelcastClusterManager manager) {
    this.vertx = vertx;
    this.manager = manager;
    this.hazelcast = manager.getHazelcastInstance();
    hazelcast.getCluster().addMembershipListener(new com.hazelcast.cluster.MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        liveNames = names(event.getMembers());
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        published.remove(nodeId(event.getMember()));
        liveNames = names(event.getMembers());
      }
    });
    liveNames = names(hazelcast.getCluster().getMembers());
  }

  private static Set<String> names(Set<Member> members) {
    Set<String> names = new HashSet<>();
    for (Member member : members) names.add(member.getAddress().getHost() + ":" + member.getAddress().getPort());
    return Set.copyOf(names);
  }

  @Override
  public boolean isLive(String name) {
    return liveNames.contains(name);
  }

  @Override
  public boolean enabled() {
    return true;
  }

  @Override
  public String nodeId() {
    return manager.getNodeId();
  }

  @Override
  public Future<List<ClusterMember>> members() {
    Context context = vertx.getOrCreateContext();
    List<Member> live = new ArrayList<>(hazelcast.getCluster().getMembers());
    List<Future<ClusterMember>> described = new ArrayList<>();
    for (Member member : live) described.add(describe(member));
    Promise<List<ClusterMember>> answered = Promise.promise();
    Future.all(described).onComplete(all -> context.runOnContext(v -> {
      List<ClusterMember> members = new ArrayList<>();
      for (Future<ClusterMember> one : described) members.add(one.result());
      members.sort(Comparator.comparing(ClusterMember::node));
      answered.complete(members);
    }));
    return answered.future();
  }

  /** A member with the ports its node information holds; JOINING while it has published none. */
  private Future<ClusterMember> describe(Member member) {
    String node = nodeId(member);
    String host = member.getAddress().getHost();
    int clusterPort = member.getAddress().getPort();
    return portsOf(node).map(ports -> ports == null
        ? new ClusterMember(node, host, clusterPort, null, null, ClusterMember.State.JOINING)
        : new ClusterMember(node, host, clusterPort, ports.apiPort(), ports.managementPort(), ClusterMember.State.UP));
  }

  /**
   * The ports a node published, or null when it has published none or they cannot be read within
   * {@link #NODE_INFO_TIMEOUT_MILLIS} (the map entry may live on a member that has stopped answering and is
   * not yet dropped). A node publishes its ports once, so they are kept until it leaves.
   */
  private Future<NodePorts> portsOf(String node) {
    NodePorts known = published.get(node);
    if (known != null) return Future.succeededFuture(known);
    Promise<NodeInfo> info = Promise.promise();
    long timer = vertx.setTimer(NODE_INFO_TIMEOUT_MILLIS, t -> info.tryFail("no node information within "
        + NODE_INFO_TIMEOUT_MILLIS + " ms"));
    manager.getNodeInfo(node, (found, failure) -> {
      vertx.cancelTimer(timer);
      if (failure == null) info.tryComplete(found); else info.tryFail(failure);
    });
    return info.future().otherwiseEmpty().map(found -> {
      NodePorts ports = found == null ? null : NodePorts.fromJson(found.metadata());
      if (ports != null && hazelcast.getCluster().getMembers().stream().anyMatch(m -> nodeId(m).equals(node))) {
        published.put(node, ports);
      }
      return ports;
    });
  }

  /** The Vert.x node id the cluster manager gives a member as an attribute (its Hazelcast UUID until then). */
  private static String nodeId(Member member) {
    String node = member.getAttribute(NODE_ID_ATTRIBUTE);
    return node == null ? member.getUuid().toString() : node;
  }

  @Override
  public void addListener(MembershipListener listener) {
    Context context = vertx.getOrCreateContext();
    hazelcast.getCluster().addMembershipListener(new com.hazelcast.cluster.MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        String node = nodeId(event.getMember());
        context.runOnContext(v -> listener.joined(node));
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        String node = nodeId(event.getMember());
        context.runOnContext(v -> listener.left(node));
      }
    });
  }
}
