package io.tributary.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.cluster.ClusterDataPlaneTest;
import io.tributary.support.ChildServer;
import io.tributary.support.ShardReads;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * A node of a replicated cluster is replaced by one that joined later, while records keep coming: the groups
 * snapshot every 20 entries and drop what every member had, so the new member must install its leaders'
 * snapshots (their shard logs, copied) before it holds anything. Once every group has the new member in the
 * old one's place, the old one has deleted its copies, and the cluster holds every acknowledged record without
 * it: with the replaced node and one more killed, the new member and the third commit and serve every record.
 * A node replaced while it was down deletes its copies when it comes back and serves through the groups; a
 * rebalance gives it places again (it catches up from snapshots), and named alone it leaves them again.
 */
@Timeout(300)
class ReplicaReplacementTest {
  private static final String STREAM = "replaced";

  @TempDir
  Path directory;

  /** The stream's shards, and the records acknowledged so far, by shard id, in the order acknowledged. */
  private List<Shard> shards;
  private final Map<String, List<String>> acknowledged = new LinkedHashMap<>();

  /** A cluster whose groups snapshot every 20 entries, with a stream of three shards. */
  private ReplicatedCluster startWithStream() {
    ReplicatedCluster cluster = ReplicatedCluster.start(directory, Map.of("TRIBUTARY_REPLICATION_SNAPSHOT_ENTRIES", "20"));
    cluster.createStream(STREAM, 3);
    shards = cluster.client(0).listShards(b -> b.streamName(STREAM)).shards();
    for (Shard shard : shards) acknowledged.put(shard.shardId(), new ArrayList<>());
    return cluster;
  }

  @Test
  void aNodeReplacedByANewOneHandsItEveryGroupAndTheClusterKeepsEveryRecordWithoutIt() throws Exception {
    try (ReplicatedCluster cluster = startWithStream()) {
      put(cluster.client(0), shards, acknowledged, "before", 60);

      int fourth = cluster.join();
      String replaced = cluster.name(2);
      String replacement = cluster.name(fourth);
      put(cluster.client(fourth), shards, acknowledged, "joined", 15);
      for (JsonNode group : groups(cluster.node(fourth))) {
        assertFalse(group.toString().contains(replacement), "a node that joined keeps no replica yet: " + group);
      }

      HttpResponse<String> planned = cluster.post(0, "/cluster/replace?node=" + replaced + "&with=" + replacement);
      assertEquals(202, planned.statusCode(), planned.body());
      HttpResponse<String> again = cluster.post(1, "/cluster/replace?node=" + cluster.name(0) + "&with=" + replacement);
      assertEquals(409, again.statusCode(), "a group changes its members once at a time: " + again.body());

      // Records keep coming through every node while the groups change.
      awaitReplaced(cluster, List.of(0, 1, 2, fourth), replaced, replacement, shards, acknowledged);
      awaitNoShardLogs(cluster.dataDirectory(2));

      // Without the replaced node, and with node 0 killed too, node 1 and the new member are a majority.
      cluster.kill(2);
      cluster.kill(0);
      put(cluster.client(fourth), shards, acknowledged, "after", 12);
      double local = ReplicaCatchUpTest.localShardRequests(cluster.node(fourth));
      for (int node : List.of(1, fourth)) assertEveryRecordThrough(cluster, node, shards, acknowledged);
      assertTrue(ReplicaCatchUpTest.localShardRequests(cluster.node(fourth)) > local,
          "the new member serves its replicas itself");
    }
  }

  @Test
  void aNodeReplacedWhileDownComesBackEmptyTakesPlacesByARebalanceAndLeavesThemAgain() throws Exception {
    try (ReplicatedCluster cluster = startWithStream()) {
      put(cluster.client(0), shards, acknowledged, "before", 45);
      cluster.kill(2);
      put(cluster.client(1), shards, acknowledged, "down", 15);

      int fourth = cluster.join();
      String replaced = cluster.name(2);
      HttpResponse<String> planned = cluster.post(fourth, "/cluster/replace?node=" + replaced + "&with="
          + cluster.name(fourth));
      assertEquals(202, planned.statusCode(), planned.body());
      awaitReplaced(cluster, List.of(0, 1, fourth), replaced, cluster.name(fourth), shards, acknowledged);

      // Back, the node replaced deletes what it kept of the groups and serves every shard through them.
      cluster.restart(List.of(2));
      assertEquals(List.of(), shardLogs(cluster.dataDirectory(2)), "the node replaced keeps no shard log");
      assertEquals(List.of(), groupLogs(cluster.dataDirectory(2)), "the node replaced keeps no group's Raft log");
      put(cluster.client(2), shards, acknowledged, "returned", 9);

      // A rebalance spreads the 9 places over the 4 nodes: node 2 takes one in each of two groups.
      HttpResponse<String> spread = cluster.post(0, "/cluster/rebalance");
      assertEquals(202, spread.statusCode(), spread.body());
      awaitPlan(cluster, List.of(0, 1, 2, fourth), groups -> groups.stream().noneMatch(group -> group.has("next"))
          && groups.stream().filter(group -> group.get("members").toString().contains(replaced)).count() == 2,
          shards, acknowledged);

      for (int node : List.of(0, 1, 2, fourth)) assertEveryRecordThrough(cluster, node, shards, acknowledged);

      // Named alone, node 2 leaves every group again: each takes in the live node it lacks.
      HttpResponse<String> leaving = cluster.post(1, "/cluster/replace?node=" + replaced);
      assertEquals(202, leaving.statusCode(), leaving.body());
      awaitPlan(cluster, List.of(0, 1, 2, fourth), groups -> groups.stream().noneMatch(group -> group.has("next")
          || group.get("members").toString().contains(replaced)), shards, acknowledged);
      awaitNoShardLogs(cluster.dataDirectory(2));
      cluster.kill(2);
      cluster.kill(0);
      put(cluster.client(fourth), shards, acknowledged, "after", 12);
      for (int node : List.of(1, fourth)) assertEveryRecordThrough(cluster, node, shards, acknowledged);
    }
  }

  /** Waits until every group has the replacement where the replaced node was, on these nodes. */
  private static void awaitReplaced(ReplicatedCluster cluster, List<Integer> nodes, String replaced, String replacement,
      List<Shard> shards, Map<String, List<String>> acknowledged) throws Exception {
    awaitPlan(cluster, nodes, groups -> groups.stream().allMatch(group -> !group.has("next")
        && !group.get("members").toString().contains(replaced) && group.get("members").toString().contains(replacement)),
        shards, acknowledged);
  }

  /** Waits until each of these nodes' {@code GET /cluster} groups are as wanted, putting records through them meanwhile. */
  private static void awaitPlan(ReplicatedCluster cluster, List<Integer> nodes, Predicate<List<JsonNode>> wanted,
      List<Shard> shards, Map<String, List<String>> acknowledged) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    int round = 0;
    while (true) {
      boolean everywhere = true;
      for (int node : nodes) everywhere &= wanted.test(groups(cluster.node(node)));
      if (everywhere) return;
      assertTrue(System.nanoTime() < deadline, "the groups did not change: " + groups(cluster.node(nodes.get(0))));
      put(cluster.client(nodes.get(round % nodes.size())), shards, acknowledged, "during-" + round, 3);
      round++;
    }
  }

  private static void assertEveryRecordThrough(ReplicatedCluster cluster, int node, List<Shard> shards,
      Map<String, List<String>> acknowledged) throws InterruptedException {
    for (Shard shard : shards) {
      List<String> expected = acknowledged.get(shard.shardId());
      assertEquals(expected, ShardReads.readAllOnce(cluster.client(node), STREAM, shard.shardId(), expected),
          shard.shardId() + " through node " + node + ": every acknowledged record once, in order");
    }
  }

  /** Puts records through the node, each to the next shard in turn (by its starting hash key), and notes them. */
  private static void put(KinesisClient client, List<Shard> shards, Map<String, List<String>> acknowledged,
      String prefix, int count) throws InterruptedException {
    for (int i = 0; i < count; i++) {
      Shard shard = shards.get(i % shards.size());
      String data = prefix + "-" + i;
      ReplicatedCluster.putUntilAcknowledged(client, STREAM, shard.hashKeyRange().startingHashKey(), data);
      acknowledged.get(shard.shardId()).add(data);
    }
  }

  private static List<JsonNode> groups(ChildServer node) throws Exception {
    JsonNode groups = ClusterDataPlaneTest.cluster(node).get("groups");
    List<JsonNode> list = new ArrayList<>();
    groups.elements().forEachRemaining(list::add);
    assertEquals(3, list.size(), groups.toString());
    return list;
  }

  /** The replaced node deletes its copies of the shard logs once it has left their groups. */
  private static void awaitNoShardLogs(Path dataDirectory) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      List<Path> logs = shardLogs(dataDirectory);
      if (logs.isEmpty()) return;
      assertNull(System.nanoTime() > deadline ? logs : null, "the replaced node still keeps shard logs");
      Thread.sleep(250);
    }
  }

  private static List<Path> shardLogs(Path dataDirectory) throws Exception {
    try (Stream<Path> files = Files.walk(dataDirectory.resolve("shards"))) {
      return files.filter(file -> file.getFileName().toString().endsWith(".log")).toList();
    }
  }

  /** The Raft logs of shard groups in the node's replication directory (one directory per group, named by its id). */
  private static List<Path> groupLogs(Path dataDirectory) throws Exception {
    try (Stream<Path> files = Files.list(dataDirectory.resolve("replication"))) {
      return files.filter(Files::isDirectory).toList();
    }
  }

}
