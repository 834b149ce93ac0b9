package io.tributary.replication;

import io.tributary.DurableJsonFile;
import io.tributary.shard.ShardAddress;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Which shard groups a cluster has, which nodes each has, and which group keeps each shard. There is one
 * group per node (its preferred leader), in the order the cluster's members are listed: group {@code g} has
 * node {@code g} and the {@code factor - 1} nodes after it (wrapping round). So with three nodes and a factor
 * of 3 every group has every node, and each node leads one group while all are up. A stream's shards go to
 * the groups in turn by their number, so that each stream spreads evenly over the leaders; a reshard's
 * children continue the numbering.
 *
 * <p>Shards with the same replica set share a group rather than having one each: a Raft group costs every
 * member threads, heartbeats and memory, and a node could not carry hundreds of them (see
 * loadtest/results/raft-groups.md).
 */
record ShardGroupPlan(String clusterName, List<String> nodes, int factor) {

  ShardGroupPlan {
    nodes = List.copyOf(nodes);
    if (factor < 1 || factor > nodes.size()) {
      throw new IllegalArgumentException("setting 'replication.factor' must be between 1 and the number of "
          + "cluster members (" + nodes.size() + "), not " + factor);
    }
  }

  int groups() {
    return nodes.size();
  }

  /** The nodes of a group, its preferred leader first. */
  List<String> members(int group) {
    List<String> members = new ArrayList<>(factor);
    for (int i = 0; i < factor; i++) members.add(nodes.get((group + i) % nodes.size()));
    return members;
  }

  /** The groups a node is a member of. */
  List<Integer> groupsOf(String node) {
    List<Integer> groups = new ArrayList<>();
    for (int g = 0; g < groups(); g++) if (members(g).contains(node)) groups.add(g);
    return groups;
  }

  /** The group that keeps a shard: its stream's first group, then on by the shard's number. */
  int groupOf(String shardAddress) {
    String uid = ShardAddress.streamUid(shardAddress);
    String shardId = ShardAddress.shardId(shardAddress);
    int end = shardId.length();
    int start = end;
    while (start > 0 && Character.isDigit(shardId.charAt(start - 1))) start--;
    long number = start < end && end - start < 18 ? Long.parseLong(shardId.substring(start, end)) : shardId.hashCode();
    return (int) Math.floorMod(uid.hashCode() + number, (long) groups());
  }

  /** A group's Raft id: the same on every node, derived from the cluster's name and the group's place. */
  UUID groupId(int group) {
    return UUID.nameUUIDFromBytes(("tributary-shards/" + clusterName + "/" + group).getBytes(StandardCharsets.UTF_8));
  }

  /** The file, in the replication directory, that keeps the plan a node's groups were made for. */
  static final String FILE = "plan.json";

  /**
   * Keeps this plan in {@code directory/plan.json} ({@code {"nodes": [...], "factor": n}}) at a node's first
   * start, and on a later one refuses a plan that is not the one kept: each shard's group follows from the
   * members' list and the factor, so another list would look for every shard's entries in another group.
   * Blocking.
   */
  void keepOrCheck(Path directory) {
    DurableJsonFile file = new DurableJsonFile(directory.resolve(FILE));
    JsonObject json = new JsonObject().put("nodes", new JsonArray(nodes)).put("factor", factor);
    JsonObject kept = file.read();
    if (kept == null) {
      file.write(json);
    } else if (!kept.equals(json)) {
      List<String> keptNodes = kept.getJsonArray("nodes").stream().map(String::valueOf).toList();
      throw new IllegalStateException("this node's shard groups were made for cluster.members "
          + String.join(",", keptNodes) + " and replication.factor " + kept.getInteger("factor") + ", not "
          + String.join(",", nodes) + " and " + factor + ": a replicated cluster keeps its members, in their order,"
          + " and its factor (growing or shrinking one is not supported yet)");
    }
  }

  /** A node's id in the shard groups: its name with {@code :} as {@code _} (Ratis names JMX beans after ids). */
  static String peerId(String node) {
    return node.replace(':', '_');
  }
}
