package io.tributary.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.cluster.ClusterDataPlaneTest;
import io.tributary.support.ShardReads;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * What a shard group's leader does beyond taking appends, on three nodes with replication.factor=3: it keeps
 * SubscribeToShard's claims for every replica (the others keep copies, for the next leader), and it hands its groups to the other members when its node is
 * drained for maintenance, without a failed put, and before its node stops.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicaLeadershipTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir
  static Path directory;
  private static ReplicatedCluster cluster;

  @BeforeAll
  static void start() {
    cluster = ReplicatedCluster.start(directory);
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) cluster.close();
  }

  @Test
  @Order(1)
  void oneSubscriptionPerConsumerAndShardAcrossReplicas() throws Exception {
    cluster.createStream("subscribed", 3);
    // Claims stay with the leader that granted them: the test runs once leadership has settled after the start
    // (three shards, one per group, each node leading one: every group is with its preferred leader).
    cluster.awaitLeadersOnEveryNode(0, "subscribed", 3);
    String consumerArn = ClusterDataPlaneTest.registerActiveConsumer(
        List.of(cluster.client(0), cluster.client(1), cluster.client(2)), "subscribed", "one-at-a-time");
    String shardId = "shardId-000000000001";
    try (KinesisAsyncClient first = ClusterDataPlaneTest.asyncThrough(cluster.node(0));
         KinesisAsyncClient second = ClusterDataPlaneTest.asyncThrough(cluster.node(1));
         KinesisAsyncClient third = ClusterDataPlaneTest.asyncThrough(cluster.node(2))) {
      CompletableFuture<Void> firstStarted = new CompletableFuture<>();
      CompletableFuture<Throwable> firstEnded = ClusterDataPlaneTest.subscribe(first, consumerArn, shardId, firstStarted);
      firstStarted.get(20, TimeUnit.SECONDS);

      CompletableFuture<Void> secondStarted = new CompletableFuture<>();
      ClusterDataPlaneTest.subscribe(second, consumerArn, shardId, secondStarted);
      ExecutionException refused = assertThrows(ExecutionException.class, () -> secondStarted.get(20, TimeUnit.SECONDS));
      assertTrue(refused.getCause() instanceof ResourceInUseException, "another replica refuses within 5 s: " + refused);

      Thread.sleep(5_200);
      assertTakenOver(firstEnded, third, consumerArn, shardId,
          "the first subscription, through another replica, was taken over");
    }
  }

  /** The other replicas keep copies of the claims: a subscription granted before the leader changed is taken over. */
  @Test
  @Order(2)
  void claimsOutliveTheLeaderThatGrantedThem() throws Exception {
    String shardId = "shardId-000000000002";
    String consumerArn = ClusterDataPlaneTest.registerActiveConsumer(
        List.of(cluster.client(0), cluster.client(1), cluster.client(2)), "subscribed", "across-leaders");
    int leader = cluster.indexOf(cluster.awaitLeadersOnEveryNode(0, "subscribed", 3).get(shardId));
    int through = (leader + 1) % 3;
    int later = (leader + 2) % 3;
    try (KinesisAsyncClient first = ClusterDataPlaneTest.asyncThrough(cluster.node(through));
         KinesisAsyncClient second = ClusterDataPlaneTest.asyncThrough(cluster.node(later))) {
      CompletableFuture<Void> firstStarted = new CompletableFuture<>();
      CompletableFuture<Throwable> firstEnded = ClusterDataPlaneTest.subscribe(first, consumerArn, shardId, firstStarted);
      firstStarted.get(20, TimeUnit.SECONDS);

      assertEquals(202, cluster.post(leader, "/cluster/leave").statusCode());
      awaitLeaders("subscribed", leaders -> leaders.size() == 3 && !leaders.containsValue(cluster.name(leader)),
          "the granting leader leads nothing");
      Thread.sleep(5_200);  // past the takeover window
      assertTakenOver(firstEnded, second, consumerArn, shardId,
          "the subscription granted by the former leader was taken over");
    } finally {
      assertEquals(202, cluster.post(leader, "/cluster/rebalance").statusCode());
    }
  }

  @Test
  @Order(3)
  void aDrainedNodeHandsOverItsLeadershipWithoutAFailedPut() throws Exception {
    cluster.createStream("drained", 6);
    List<Shard> shards = cluster.client(0).listShards(b -> b.streamName("drained")).shards();
    cluster.awaitLeadersOnEveryNode(0, "drained", 6);
    Map<String, List<String>> acknowledged = new ConcurrentHashMap<>();
    AtomicInteger failed = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    Thread producer = new Thread(() -> putUntilStopped(cluster.client(0), shards, acknowledged, failed, stop));
    producer.start();
    try {
      assertEquals(409, cluster.post(1, "/cluster/leave?node=" + cluster.name(2)).statusCode(), "only a node drains itself");
      HttpResponse<String> drained = cluster.post(1, "/cluster/leave");
      assertEquals(202, drained.statusCode(), drained.body());
      assertTrue(JSON.readTree(drained.body()).get("draining").asBoolean(), drained.body());
      awaitLeaders("drained", leaders -> leaders.size() == 6 && !leaders.containsValue(cluster.name(1)), "node 1 leads nothing");
      // Longer than a preferred leader waits before it asks for its group back: a drained node does not.
      Thread.sleep(4_000);
      Map<String, String> leaders = cluster.leaders(0, "drained");
      assertFalse(leaders.containsValue(cluster.name(1)), "still drained: " + leaders);

      HttpResponse<String> back = cluster.post(1, "/cluster/rebalance");
      assertEquals(202, back.statusCode(), back.body());
      cluster.awaitLeadersOnEveryNode(0, "drained", 6);
    } finally {
      stop.set(true);
      producer.join(60_000);
    }
    assertEquals(0, failed.get(), "puts that failed while leadership moved");
    for (int node = 0; node < 3; node++) {
      KinesisClient client = cluster.client(node);
      for (Shard shard : shards) {
        List<String> expected = acknowledged.getOrDefault(shard.shardId(), List.of());
        assertFalse(expected.isEmpty(), shard.shardId() + " took puts");
        assertEquals(expected, ShardReads.readAllOnce(client, "drained", shard.shardId(), expected),
            shard.shardId() + " through node " + node);
      }
    }
  }

  /** Last: it stops a node. An election would take a second at least (its timeout is 1-2 s here). */
  @Test
  @Order(4)
  void aNodeStoppedForMaintenanceHandsOverItsLeadershipBeforeItExits() throws Exception {
    cluster.createStream("stopped", 6);
    cluster.awaitLeadersOnEveryNode(0, "stopped", 6);
    cluster.node(2).signal("TERM");
    assertTrue(cluster.node(2).awaitExit(Duration.ofSeconds(30)).isPresent(), "node 2 stopped");
    long exited = System.nanoTime();
    awaitLeaders("stopped", leaders -> leaders.size() == 6 && !leaders.containsValue(cluster.name(2)), "node 2 leads nothing");
    long millis = (System.nanoTime() - exited) / 1_000_000;
    assertTrue(millis < 500, "other nodes led node 2's shards " + millis + " ms after it exited: no election waited");
  }

  /** Puts to every shard in turn, one at a time, each record's data unique, until told to stop. */
  private static void putUntilStopped(KinesisClient client, List<Shard> shards, Map<String, List<String>> acknowledged,
      AtomicInteger failed, AtomicBoolean stop) {
    for (int i = 0; !stop.get(); i++) {
      Shard shard = shards.get(i % shards.size());
      String data = shard.shardId() + "-" + i;
      try {
        client.putRecord(b -> b.streamName("drained").partitionKey("k")
            .explicitHashKey(shard.hashKeyRange().startingHashKey()).data(SdkBytes.fromUtf8String(data)));
        acknowledged.computeIfAbsent(shard.shardId(), s -> new ArrayList<>()).add(data);
      } catch (RuntimeException e) {
        failed.incrementAndGet();
      }
    }
  }

  /** Subscribes through the client, which starts, and the earlier subscription ends with ResourceInUseException. */
  private static void assertTakenOver(CompletableFuture<Throwable> earlierEnded, KinesisAsyncClient through,
      String consumerArn, String shardId, String what) throws Exception {
    CompletableFuture<Void> started = new CompletableFuture<>();
    ClusterDataPlaneTest.subscribe(through, consumerArn, shardId, started);
    started.get(20, TimeUnit.SECONDS);
    Throwable earlierEnd = earlierEnded.get(20, TimeUnit.SECONDS);
    assertTrue(String.valueOf(earlierEnd).contains("ResourceInUseException"), what + ": " + earlierEnd);
  }

  private static void awaitLeaders(String stream, Predicate<Map<String, String>> wanted, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    Map<String, String> leaders = cluster.leaders(0, stream);
    while (!wanted.test(leaders)) {
      assertTrue(System.nanoTime() < deadline, what + ": " + leaders);
      Thread.sleep(100);
      leaders = cluster.leaders(0, stream);
    }
  }

}
