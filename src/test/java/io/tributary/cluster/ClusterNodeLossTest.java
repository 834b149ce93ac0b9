package io.tributary.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Without replication, a node that dies takes its shards offline and nothing else: their calls answer
 * InternalFailure (which the AWS SDKs retry) at once, the other shards are served through every node, and
 * once the node is back with its disk every record acknowledged on its shards is there.
 */
@Timeout(240)
class ClusterNodeLossTest {
  @TempDir
  Path directory;
  private final List<ChildServer> nodes = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (ChildServer node : nodes) node.kill();
  }

  @Test
  void aDeadNodesShardsFailRetryablyUntilItReturnsWithEveryRecord() throws Exception {
    List<Integer> ports = ChildCluster.clusterPorts(3);
    nodes.addAll(ChildCluster.start(directory, ports));
    KinesisClient first = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, nodes.get(0).endpoint());
    first.createStream(b -> b.streamName("lossy").shardCount(12));
    ClusterDataPlaneTest.awaitActiveThrough(first, "lossy");

    // The node to lose: the second or third (the first takes the puts), whichever owns shards.
    Map<String, List<String>> owned = new HashMap<>();
    for (JsonNode member : ClusterDataPlaneTest.cluster(nodes.get(0)).get("members")) {
      List<String> ids = new ArrayList<>();
      for (JsonNode shard : member.get("shards")) ids.add(shard.get("shardId").asText());
      owned.put(member.get("name").asText(), ids);
    }
    int victim = owned.get("127.0.0.1:" + ports.get(2)).isEmpty() ? 1 : 2;
    List<String> lostShards = owned.get("127.0.0.1:" + ports.get(victim));
    assertTrue(!lostShards.isEmpty() && lostShards.size() < 12, "the lost node owns some of the shards: " + owned);

    List<Shard> shards = first.listShards(b -> b.streamName("lossy")).shards();
    Map<String, List<String>> acknowledged = new HashMap<>();
    for (Shard shard : shards) {
      for (int i = 0; i < 20; i++) {
        String data = shard.shardId() + "-" + i;
        first.putRecord(b -> b.streamName("lossy").partitionKey("k").explicitHashKey(shard.hashKeyRange().startingHashKey())
            .data(SdkBytes.fromUtf8String(data)));
        acknowledged.computeIfAbsent(shard.shardId(), s -> new ArrayList<>()).add(data);
      }
    }

    nodes.get(victim).kill();
    KinesisClient survivor = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, nodes.get(3 - victim).endpoint());
    for (Shard shard : shards) {
      String hashKey = shard.hashKeyRange().startingHashKey();
      if (lostShards.contains(shard.shardId())) {
        long started = System.nanoTime();
        KinesisException failure = org.junit.jupiter.api.Assertions.assertThrows(KinesisException.class, () ->
            survivor.putRecord(b -> b.streamName("lossy").partitionKey("k").explicitHashKey(hashKey)
                .data(SdkBytes.fromUtf8String("refused"))));
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(500, failure.statusCode(), failure.toString());
        assertEquals("InternalFailure", failure.awsErrorDetails().errorCode());
        assertTrue(millis < 10_000, "answered, not left waiting: " + millis + " ms");
      } else {
        String data = shard.shardId() + "-while-a-node-is-down";
        survivor.putRecord(b -> b.streamName("lossy").partitionKey("k").explicitHashKey(hashKey)
            .data(SdkBytes.fromUtf8String(data)));
        acknowledged.get(shard.shardId()).add(data);
      }
    }

    nodes.set(victim, ChildServer.start(directory.resolve("node-" + victim), ChildCluster.nodeSettings(victim, ports)));
    for (ChildServer node : nodes) {
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, node.endpoint());
      for (Shard shard : shards) {
        assertEquals(acknowledged.get(shard.shardId()), ShardReads.readAll(client, "lossy", shard.shardId()),
            shard.shardId() + " through " + node.endpoint());
      }
    }
  }

}
