package io.tributary.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.cluster.ClusterDataPlaneTest;
import io.tributary.support.ShardReads;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Three nodes, each shard's log on all three (replication.factor=3). A node killed while it leads shards
 * takes nothing with it: its shards get new leaders within the failover timeout, puts through the other nodes
 * succeed (waiting out the election in the server), an iterator issued before reads after, and every
 * acknowledged record is read, once and in order, through every node, including the killed one once it is
 * back. A split seals the parent on every replica.
 */
@Timeout(300)
class ReplicationFailoverTest {
  @TempDir
  Path directory;

  @Test
  void aKilledLeaderLosesNoAcknowledgedRecord() throws Exception {
    try (ReplicatedCluster cluster = ReplicatedCluster.start(directory)) {
      cluster.createStream("kept", 6);
      KinesisClient first = cluster.client(0);
      List<Shard> shards = first.listShards(b -> b.streamName("kept")).shards();
      Map<String, List<String>> acknowledged = new HashMap<>();
      putToEveryShard(first, shards, "before", acknowledged);
      Map<String, String> leaders = cluster.awaitLeadersOnEveryNode(0, "kept", 6);

      // Kill a node that leads shards (not the first, which takes the puts).
      int victim = leaders.containsValue(cluster.name(1)) ? 1 : 2;
      String victimShard = leaders.entrySet().stream().filter(led -> led.getValue().equals(cluster.name(victim)))
          .map(Map.Entry::getKey).findFirst().orElseThrow();
      String iterator = first.getShardIterator(b -> b.streamName("kept").shardId(victimShard)
          .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
      cluster.kill(victim);
      long killed = System.nanoTime();

      KinesisClient survivor = cluster.client(3 - victim);
      putToEveryShard(survivor, shards, "during", acknowledged);
      long failoverMillis = (System.nanoTime() - killed) / 1_000_000;
      Map<String, String> after = cluster.leaders(0);
      assertEquals(6, after.size(), "every shard has a leader again: " + after);
      assertTrue(!after.containsValue(cluster.name(victim)), "the dead node leads nothing: " + after);
      assertTrue(failoverMillis < 15_000, "puts to every shard went through within " + failoverMillis + " ms");
      List<String> read = survivor.getRecords(b -> b.shardIterator(iterator)).records().stream()
          .map(record -> record.data().asUtf8String()).toList();
      assertEquals(acknowledged.get(victimShard).subList(0, 10), read.subList(0, 10), "read with the earlier iterator");

      cluster.restart(List.of(victim));
      // Back and caught up, the node takes its group's leadership back (by transfer: no election waits for it).
      cluster.awaitLeadersOnEveryNode(0, "kept", 6);
      putToEveryShard(first, shards, "after", acknowledged);
      for (int node = 0; node < 3; node++) {
        KinesisClient client = cluster.client(node);
        for (Shard shard : shards) {
          List<String> expected = acknowledged.get(shard.shardId());
          assertEquals(expected, ShardReads.readAllOnce(client, "kept", shard.shardId(), expected),
              shard.shardId() + " through node " + node);
        }
      }
    }
  }

  @Test
  void aSplitSealsTheParentOnEveryReplica() throws Exception {
    try (ReplicatedCluster cluster = ReplicatedCluster.start(directory)) {
      cluster.createStream("split", 1);
      KinesisClient first = cluster.client(0);
      Shard parent = first.listShards(b -> b.streamName("split")).shards().get(0);
      List<String> beforeSplit = put(first, "parent", 10);
      first.splitShard(b -> b.streamName("split").shardToSplit(parent.shardId())
          .newStartingHashKey(new BigInteger(parent.hashKeyRange().endingHashKey()).shiftRight(1).toString()));
      ClusterDataPlaneTest.awaitActiveThrough(first, "split");

      // Through another node: the records go to the children, none to the sealed parent.
      KinesisClient second = cluster.client(1);
      List<String> afterSplit = put(second, "child", 20);
      List<Shard> shards = second.listShards(b -> b.streamName("split")).shards();
      assertEquals(3, shards.size(), shards.toString());
      for (int node = 0; node < 3; node++) {
        KinesisClient client = cluster.client(node);
        assertEquals(beforeSplit, ShardReads.readAllOnce(client, "split", parent.shardId(), beforeSplit),
            "the parent through node " + node);
        List<String> children = new ArrayList<>();
        for (Shard child : shards) {
          if (!child.shardId().equals(parent.shardId())) children.addAll(ShardReads.readAll(client, "split", child.shardId()));
        }
        assertEquals(new HashSet<>(afterSplit), new HashSet<>(children), "the children through node " + node);
        assertEquals(afterSplit.size(), children.size(), "each record once, through node " + node);
      }
    }
  }

  private static List<String> put(KinesisClient client, String prefix, int count) {
    List<String> put = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String data = prefix + "-" + i;
      client.putRecord(b -> b.streamName("split").partitionKey("k" + data).data(SdkBytes.fromUtf8String(data)));
      put.add(data);
    }
    return put;
  }

  /** Puts ten records to each shard; each put is answered once committed, an election's wait included. */
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
}
