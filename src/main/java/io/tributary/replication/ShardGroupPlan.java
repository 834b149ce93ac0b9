package io.tributary.replication;

import io.tributary.DurableJsonFile;
import io.tributary.shard.ShardAddress;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Which shard groups a cluster has, which nodes each has, and which group keeps each shard.
 *
 * <p>A cluster is made with one group per node (its preferred leader), in the order the cluster's members are
 * listed: group {@code g} has node {@code g} and the {@code factor - 1} nodes after it (wrapping round). So
 * with three nodes and a factor of 3 every group has every node, and each node leads one group while all are
 * up. A stream's shards go to the groups in turn by their number, so that each stream spreads evenly over the
 * leaders; a reshard's children continue the numbering. The number of groups stays what it was made with,
 * since each shard's group follows from it; their members change ({@link #replacing}): the cluster keeps the
 * plan in its metadata, and a group whose members are changing has its {@code next} members too.
 *
 * <p>Shards with the same replica set share a group rather than having one each: a Raft group costs every
 * member threads, heartbeats and memory, and a node could not carry hundreds of them (see
 * loadtest/results/raft-groups.md).
 */
record ShardGroupPlan(String clusterName, int factor, List<Members> groupMembers) {

  /**
   * A group's members, its preferred leader first, and while they change the members it is changing to
   * (else null).
   */
  record Members(List<String> current, List<String> next) {
    Members {
      current = List.copyOf(current);
      next = next == null ? null : List.copyOf(next);
    }

    /** The nodes that keep a replica: the members, and those joining. */
    List<String> replicas() {
      if (next == null) return current;
      Set<String> all = new LinkedHashSet<>(current);
      all.addAll(next);
      return List.copyOf(all);
    }
  }

  ShardGroupPlan {
    groupMembers = List.copyOf(groupMembers);
  }

  /** The plan a cluster of these members is made with. */
  static ShardGroupPlan initial(String clusterName, List<String> nodes, int factor) {
    if (factor < 1 || factor > nodes.size()) {
      throw new IllegalArgumentException("setting 'replication.factor' must be between 1 and the number of "
          + "cluster members (" + nodes.size() + "), not " + factor);
    }
    List<Members> groups = new ArrayList<>();
    for (int g = 0; g < nodes.size(); g++) {
      List<String> members = new ArrayList<>(factor);
      for (int i = 0; i < factor; i++) members.add(nodes.get((g + i) % nodes.size()));
      groups.add(new Members(members, null));
    }
    return new ShardGroupPlan(clusterName, factor, groups);
  }

  int groups() {
    return groupMembers.size();
  }

  /** The members of a group, its preferred leader first. */
  List<String> members(int group) {
    return groupMembers.get(group).current();
  }

  /** The members a group is changing to, or null. */
  List<String> next(int group) {
    return groupMembers.get(group).next();
  }

  /** The nodes that keep a replica of a group's shards: its members, and those joining it. */
  List<String> replicas(int group) {
    return groupMembers.get(group).replicas();
  }

  /** The groups a node keeps replicas of. */
  List<Integer> groupsOf(String node) {
    List<Integer> of = new ArrayList<>();
    for (int g = 0; g < groups(); g++) if (replicas(g).contains(node)) of.add(g);
    return of;
  }

  /** Every node the plan names. */
  Set<String> nodes() {
    Set<String> nodes = new LinkedHashSet<>();
    for (int g = 0; g < groups(); g++) nodes.addAll(replicas(g));
    return nodes;
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

  /**
   * The plan with {@code node}'s place in every group taken by {@code replacement}, as the groups' next
   * members. Refused when a group is changing already, or has both nodes. A node that a group is still taking
   * in (one that does not come up, say) may be replaced too: the group then takes in the replacement instead.
   */
  ShardGroupPlan replacing(String node, String replacement) {
    if (node.equals(replacement)) throw new IllegalArgumentException("a node cannot replace itself");
    List<Members> changed = new ArrayList<>();
    boolean any = false;
    for (int g = 0; g < groups(); g++) {
      Members members = groupMembers.get(g);
      boolean joining = members.next() != null && members.next().contains(node) && !members.current().contains(node);
      if (joining && !members.next().contains(replacement)) {
        List<String> next = new ArrayList<>(members.next());
        next.set(next.indexOf(node), replacement);
        changed.add(new Members(members.current(), next));
        any = true;
        continue;
      }
      changed.add(members);
    }
    ShardGroupPlan replaced = new ShardGroupPlan(clusterName, factor, changed);
    for (int g = 0; g < groups(); g++) {
      Members members = groupMembers.get(g);
      if (!members.current().contains(node)) continue;
      if (members.current().contains(replacement)) {
        throw new IllegalArgumentException("shard group " + g + " has both " + node + " and " + replacement
            + ": name a node that keeps no replica of it");
      }
      replaced = replaced.replacingIn(g, node, replacement);
      any = true;
    }
    if (!any) throw new IllegalArgumentException("node " + node + " keeps no replica; the groups' members are "
        + groupMembers.stream().map(Members::current).toList());
    return replaced;
  }

  /**
   * The plan with the groups' places spread evenly over these nodes (the live members of the cluster, a node
   * that joined among them): while one has two places more than another, a group that has the first and not
   * the second, and is not changing already, is given the second in the first's place as its next members.
   * Each group changes at most once per plan, so a spread may take more than one; a node that is down keeps
   * its places (replace it to give them away).
   */
  ShardGroupPlan spreadOver(Set<String> nodes) {
    Map<String, Integer> places = new TreeMap<>();
    for (String node : nodes) places.put(node, 0);
    for (Members members : groupMembers) {
      for (String node : members.next() != null ? members.next() : members.current()) places.merge(node, 1, Integer::sum);
    }
    List<Members> changed = new ArrayList<>(groupMembers);
    boolean moved = true;
    while (moved) {
      moved = false;
      String fewest = null;
      for (String node : nodes) if (fewest == null || places.get(node) < places.get(fewest)) fewest = node;
      List<String> byPlaces = new ArrayList<>(nodes);
      byPlaces.sort((a, b) -> places.get(b) - places.get(a));
      for (String most : byPlaces) {
        if (fewest == null || places.get(most) - places.get(fewest) < 2) break;
        for (int g = 0; g < changed.size() && !moved; g++) {
          Members members = changed.get(g);
          if (members.next() != null || !members.current().contains(most) || members.current().contains(fewest)) continue;
          List<String> next = new ArrayList<>(members.current());
          next.set(next.indexOf(most), fewest);
          changed.set(g, new Members(members.current(), next));
          places.merge(most, -1, Integer::sum);
          places.merge(fewest, 1, Integer::sum);
          moved = true;
        }
        if (moved) break;
      }
    }
    return new ShardGroupPlan(clusterName, factor, changed);
  }

  /**
   * The plan that takes {@code node} out of every group it is a member of (it is to leave the cluster): each
   * such group takes in its place the node among {@code nodes} (the live members) with the fewest places that
   * it does not have. Refused when a group is changing already, or no live node is left outside it.
   */
  ShardGroupPlan removing(String node, Set<String> nodes) {
    Map<String, Integer> places = new TreeMap<>();
    for (String live : nodes) if (!live.equals(node)) places.put(live, 0);
    for (Members members : groupMembers) {
      for (String member : members.next() != null ? members.next() : members.current()) {
        places.computeIfPresent(member, (m, count) -> count + 1);
      }
    }
    ShardGroupPlan removed = this;
    for (int g = 0; g < groups(); g++) {
      Members members = groupMembers.get(g);
      if (!members.current().contains(node)) continue;
      String fewest = null;
      for (String candidate : places.keySet()) {
        if (members.current().contains(candidate)) continue;
        if (fewest == null || places.get(candidate) < places.get(fewest)) fewest = candidate;
      }
      if (fewest == null) {
        throw new IllegalArgumentException("shard group " + g + " has " + members.current() + ": no live node is "
            + "left to take the place of " + node + " (add one to the cluster first)");
      }
      removed = removed.replacingIn(g, node, fewest);
      places.merge(fewest, 1, Integer::sum);
    }
    if (removed == this) throw new IllegalArgumentException("node " + node + " keeps no replica; the groups' members are "
        + groupMembers.stream().map(Members::current).toList());
    return removed;
  }

  /** The plan with {@code node}'s place in one group given to {@code replacement} as the group's next members. */
  private ShardGroupPlan replacingIn(int group, String node, String replacement) {
    Members members = groupMembers.get(group);
    if (members.next() != null) {
      throw new IllegalArgumentException("shard group " + group + " is changing its members already, to "
          + members.next() + "; replace again once it has");
    }
    List<String> next = new ArrayList<>(members.current());
    next.set(next.indexOf(node), replacement);
    List<Members> changed = new ArrayList<>(groupMembers);
    changed.set(group, new Members(members.current(), next));
    return new ShardGroupPlan(clusterName, factor, changed);
  }

  /** The plan once a group's change of members is done: its next members are its members. */
  ShardGroupPlan changed(int group) {
    List<Members> changed = new ArrayList<>(groupMembers);
    Members members = groupMembers.get(group);
    if (members.next() != null) changed.set(group, new Members(members.next(), null));
    return new ShardGroupPlan(clusterName, factor, changed);
  }

  /** The name of the cluster's document that keeps the plan, among its shared documents. */
  static final String DOCUMENT = "replication/plan";

  /** {@code {"factor": n, "groups": [{"members": [...], "next": [...]}, ...]}}, {@code next} only while changing. */
  JsonObject toJson() {
    JsonArray list = new JsonArray();
    for (Members members : groupMembers) {
      JsonObject group = new JsonObject().put("members", new JsonArray(members.current()));
      if (members.next() != null) group.put("next", new JsonArray(members.next()));
      list.add(group);
    }
    return new JsonObject().put("factor", factor).put("groups", list);
  }

  static ShardGroupPlan fromJson(String clusterName, JsonObject json) {
    List<Members> groups = new ArrayList<>();
    for (Object item : json.getJsonArray("groups")) {
      JsonObject group = (JsonObject) item;
      JsonArray next = group.getJsonArray("next");
      groups.add(new Members(strings(group.getJsonArray("members")), next == null ? null : strings(next)));
    }
    return new ShardGroupPlan(clusterName, json.getInteger("factor"), groups);
  }

  private static List<String> strings(JsonArray array) {
    return array.stream().map(String::valueOf).toList();
  }

  /**
   * The plan as each group's members by group, for {@code GET /cluster}: {@code {"0": {"members": [...],
   * "next": [...]}, ...}}.
   */
  Map<String, JsonObject> describe() {
    Map<String, JsonObject> described = new TreeMap<>();
    JsonArray list = toJson().getJsonArray("groups");
    for (int g = 0; g < list.size(); g++) described.put(String.valueOf(g), list.getJsonObject(g));
    return described;
  }

  /** The file, in the replication directory, that keeps the plan a node's groups were made with. */
  static final String FILE = "plan.json";

  /**
   * The plan a node's groups were made with, as {@code directory/plan.json} has it ({@code {"nodes": [...],
   * "factor": n}}), or null when the node has none: a cluster made before the plan was kept in its metadata
   * takes it from there.
   */
  static ShardGroupPlan kept(String clusterName, Path directory) {
    JsonObject kept = new DurableJsonFile(directory.resolve(FILE)).read();
    if (kept == null) return null;
    return initial(clusterName, strings(kept.getJsonArray("nodes")), kept.getInteger("factor"));
  }

  /** A node's id in the shard groups: its name with {@code :} as {@code _} (Ratis names JMX beans after ids). */
  static String peerId(String node) {
    return node.replace(':', '_');
  }

  /** The node of a peer id ({@link #peerId}). */
  static String nodeOf(String peerId) {
    int last = peerId.lastIndexOf('_');
    return last < 0 ? peerId : peerId.substring(0, last) + ":" + peerId.substring(last + 1);
  }
}
