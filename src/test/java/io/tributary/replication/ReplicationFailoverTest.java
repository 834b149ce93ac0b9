package io.tributary.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.cluster.ClusterDataPlaneTest;
import io.tributary.support.ChildCluster;
import io.tributary.support.ChildServer;
import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.ShardReads;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Three nodes, each shard's log on all three (replication.factor=3): a node killed while it leads shards
 * takes nothing with it. Its shards get new leaders within the failover timeout, puts through the other
 * nodes succeed (the SDK retrying what the election refused), and every acknowledged record is read, once
 * and in order, through every node, including the killed one once it is back.
 */
@Timeout(300)
class ReplicationFailoverTest {
  static final Map<String, String> REPLICATED = Map.of(
      "TRIBUTARY_REPLICATION_FACTOR", "3",
      "TRIBUTARY_CLUSTER_FAILOVER_TIMEOUT_MS", "4000");
  @TempDir
  Path directory;
  private final List<ChildServer> nodes = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (ChildServer node : nodes) node.kill();
  }

  @Test
  void aKilledLeaderLosesNoAcknowledgedRecord() throws Exception {
    List<Integer> ports = ChildCluster.clusterPorts(3);
    nodes.addAll(ChildCluster.start(directory, ports, REPLICATED));
    KinesisClient first = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, nodes.get(0).endpoint());
    first.createStream(b -> b.streamName("kept").shardCount(6));
    ClusterDataPlaneTest.awaitActiveThrough(first, "kept");
    List<Shard> shards = first.listShards(b -> b.streamName("kept")).shards();

    Map<String, List<String>> acknowledged = new HashMap<>();
    putToEveryShard(first, shards, "before", acknowledged);
    Map<String, String> leaders = leaders(nodes.get(0));
    assertEquals(6, leaders.size(), "every shard has a leader: " + leaders);

    // Kill a node that leads shards (not the first, which takes the puts).
    String victimName = "127.0.0.1:" + ports.get(1);
    assertTrue(leaders.containsValue(victimName) || leaders.containsValue("127.0.0.1:" + ports.get(2)),
        "the second or third node leads a shard: " + leaders);
    int victim = leaders.containsValue(victimName) ? 1 : 2;
    String victimShard = leaders.entrySet().stream().filter(led -> led.getValue().endsWith(":" + ports.get(victim)))
        .map(Map.Entry::getKey).findFirst().orElseThrow();
    String iterator = first.getShardIterator(b -> b.streamName("kept").shardId(victimShard)
        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
    nodes.get(victim).kill();
    long killed = System.nanoTime();

    // Puts through a survivor: those to the dead leader's shards wait out the election in the SDK's retries.
    KinesisClient survivor = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, nodes.get(3 - victim).endpoint());
    putToEveryShard(survivor, shards, "during", acknowledged);
    long failoverMillis = (System.nanoTime() - killed) / 1_000_000;
    Map<String, String> after = leaders(nodes.get(0));
    assertEquals(6, after.size(), "every shard has a leader again: " + after);
    assertTrue(!after.containsValue("127.0.0.1:" + ports.get(victim)), "the dead node leads nothing: " + after);
    assertTrue(failoverMillis < 15_000, "puts to every shard went through within " + failoverMillis + " ms");
    // An iterator issued before the failover reads the dead leader's shard through a survivor.
    List<String> read = survivor.getRecords(b -> b.shardIterator(iterator)).records().stream()
        .map(record -> record.data().asUtf8String()).toList();
    assertEquals(acknowledged.get(victimShard).subList(0, 10), read.subList(0, 10), "read with the earlier iterator");

    nodes.set(victim, ChildServer.start(directory.resolve("node-" + victim),
        ChildCluster.nodeSettings(victim, ports, REPLICATED)));
    putToEveryShard(first, shards, "after", acknowledged);
    for (ChildServer node : nodes) {
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, node.endpoint());
      for (Shard shard : shards) {
        List<String> expected = acknowledged.get(shard.shardId());
        assertEquals(expected, ShardReads.readAllOnce(client, "kept", shard.shardId(), expected),
            shard.shardId() + " through " + node.endpoint());
      }
    }
  }

  @Test
  void aSplitSealsTheParentOnEveryReplica() throws Exception {
    List<Integer> ports = ChildCluster.clusterPorts(3);
    nodes.addAll(ChildCluster.start(directory, ports, REPLICATED));
    KinesisClient first = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, nodes.get(0).endpoint());
    first.createStream(b -> b.streamName("split").shardCount(1));
    ClusterDataPlaneTest.awaitActiveThrough(first, "split");
    Shard parent = first.listShards(b -> b.streamName("split")).shards().get(0);
    List<String> beforeSplit = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String data = "parent-" + i;
      first.putRecord(b -> b.streamName("split").partitionKey("k" + data).data(SdkBytes.fromUtf8String(data)));
      beforeSplit.add(data);
    }
    first.splitShard(b -> b.streamName("split").shardToSplit(parent.shardId())
        .newStartingHashKey(new java.math.BigInteger(parent.hashKeyRange().endingHashKey()).shiftRight(1).toString()));
    ClusterDataPlaneTest.awaitActiveThrough(first, "split");

    // Through another node: the records go to the children, none to the sealed parent.
    KinesisClient second = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, nodes.get(1).endpoint());
    List<String> afterSplit = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String data = "child-" + i;
      second.putRecord(b -> b.streamName("split").partitionKey("k" + data).data(SdkBytes.fromUtf8String(data)));
      afterSplit.add(data);
    }
    List<Shard> shards = second.listShards(b -> b.streamName("split")).shards();
    assertEquals(3, shards.size(), shards.toString());
    for (ChildServer node : nodes) {
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, node.endpoint());
      assertEquals(beforeSplit, ShardReads.readAllOnce(client, "split", parent.shardId(), beforeSplit),
          "the parent through " + node.endpoint());
      List<String> children = new ArrayList<>();
      for (Shard child : shards) {
        if (!child.shardId().equals(parent.shardId())) children.addAll(ShardReads.readAll(client, "split", child.shardId()));
      }
      assertEquals(new java.util.HashSet<>(afterSplit), new java.util.HashSet<>(children), "the children through " + node.endpoint());
      assertEquals(afterSplit.size(), children.size(), "each record once, through " + node.endpoint());
    }
  }

  private static void putToEveryShard(KinesisClient client, List<Shard> shards, String round,
      Map<String, List<String>> acknowledged) {
    for (Shard shard : shards) {
      for (int i = 0; i < 10; i++) {
        String data = shard.shardId() + "-" + round + "-" + i;
        client.putRecord(b -> b.streamName("kept").partitionKey("k").explicitHashKey(shard.hashKeyRange().startingHashKey())
            .data(SdkBytes.fromUtf8String(data)));
        acknowledged.computeIfAbsent(shard.shardId(), s -> new ArrayList<>()).add(data);
      }
    }
  }

  /** Which node leads each shard's group, as a node's GET /cluster tells. */
  static Map<String, String> leaders(ChildServer node) throws Exception {
    Map<String, String> leaders = new HashMap<>();
    JsonNode cluster = ClusterDataPlaneTest.cluster(node);
    assertNotNull(cluster.get("members"), cluster.toString());
    for (JsonNode member : cluster.get("members")) {
      for (JsonNode shard : member.get("shards")) {
        if (!member.get("name").isNull()) leaders.put(shard.get("shardId").asText(), member.get("name").asText());
      }
    }
    return leaders;
  }
}
