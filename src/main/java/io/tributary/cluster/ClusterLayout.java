package io.tributary.cluster;

import io.tributary.cluster.metadata.MetadataPeer;
import io.tributary.config.Settings;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What the cluster is made of, the same on every node because every node reads it from the same settings:
 * the nodes by name ({@code host:port} as {@code cluster.members} lists them), this node's name (its
 * advertised host and cluster port), the voters of the metadata group (the first {@code
 * cluster.metadata.voters} names in order, their Raft servers on the cluster port plus {@code
 * cluster.metadata.port.offset}), this node's place in that group (a node not among the voters follows it
 * as a listener, its Raft server at the same offset), and the key that seals shard iterators and page tokens,
 * derived from {@code cluster.secret} so that one issued by any node opens on every node.
 *
 * <p>A node that joins later lists the existing members and itself in {@code cluster.members}; the others need
 * not list it, but the first {@code cluster.metadata.voters} names must be the same on every node.
 *
 * <p>Node names, not Hazelcast's member ids, say where shards run: a node keeps its name, and with it its
 * shards and their logs, across restarts.
 */
public record ClusterLayout(String self, List<String> nodes, List<MetadataPeer> voters, MetadataPeer metadataPeer,
    byte[] iteratorKey) {

  public static ClusterLayout from(Settings settings, ClusterSettings cluster) {
    if (!settings.string("storage").equals("file")) {
      throw new IllegalArgumentException("a clustered node keeps its metadata and shards on disk: setting 'storage' must be"
          + " file with cluster.enabled=true");
    }
    if (cluster.advertisedHost() == null) {
      throw new IllegalArgumentException("setting 'cluster.advertised.host' must name this node when 'cluster.host' is "
          + ClusterSettings.WILDCARD);
    }
    String self = cluster.advertisedHost() + ":" + cluster.port();
    List<String> nodes = new ArrayList<>();
    for (String member : cluster.members()) {
      String name = member.lastIndexOf(':') > 0 ? member : member + ":" + cluster.port();
      if (!nodes.contains(name)) nodes.add(name);
    }
    if (!nodes.contains(self)) {
      throw new IllegalArgumentException("setting 'cluster.members' must list every node of the cluster, this one ("
          + self + ") among them, not '" + String.join(",", cluster.members()) + "'");
    }
    int voterCount = settings.integer("cluster.metadata.voters");
    if (voterCount < 1) throw new IllegalArgumentException("setting 'cluster.metadata.voters' must be at least 1");
    int offset = settings.integer("cluster.metadata.port.offset");
    List<MetadataPeer> voters = new ArrayList<>();
    for (String node : nodes.subList(0, Math.min(voterCount, nodes.size()))) voters.add(metadataPeer(node, offset));
    MetadataPeer metadataPeer = metadataPeer(self, offset);
    String secret = settings.string("cluster.secret");
    if (secret.length() < 16) {
      throw new IllegalArgumentException("setting 'cluster.secret' must be at least 16 characters, the same on every node,"
          + " with cluster.enabled=true: it seals shard iterators so that any node accepts them");
    }
    return new ClusterLayout(self, List.copyOf(nodes), List.copyOf(voters), metadataPeer,
        iteratorKey(secret, cluster.name()));
  }

  /** Where a node's Raft server listens: the node's host, its cluster port plus the offset. */
  private static MetadataPeer metadataPeer(String node, int offset) {
    int colon = node.lastIndexOf(':');
    int raftPort = Integer.parseInt(node.substring(colon + 1)) + offset;
    if (raftPort < 1 || raftPort > 65535) {
      throw new IllegalArgumentException("setting 'cluster.metadata.port.offset' puts the metadata port of " + node
          + " at " + raftPort + ", which is no port");
    }
    return new MetadataPeer(voterId(node), node.substring(0, colon), raftPort);
  }

  /** Whether this node is one of the metadata group's voters; if not, it follows the group as a listener. */
  public boolean voter() {
    return voters.contains(metadataPeer);
  }

  /**
   * A node's id in the metadata group: its name with {@code :} as {@code _}, since Ratis names its JMX beans
   * after the ids and a colon is not allowed there.
   */
  public static String voterId(String node) {
    return node.replace(':', '_');
  }

  /** HMAC-SHA256 of the cluster's name under its secret, cut to the 16 bytes an iterator key has. */
  static byte[] iteratorKey(String secret, String clusterName) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] derived = mac.doFinal(("tributary/shard-iterators/" + clusterName).getBytes(StandardCharsets.UTF_8));
      return Arrays.copyOf(derived, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }

  @Override
  public String toString() {
    return "ClusterLayout[self=" + self + ", nodes=" + nodes + ", voters=" + voters + ", metadataPeer=" + metadataPeer
        + "]";
  }
}
