package io.tributary.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tributary.cluster.ClusterDataPlaneTest;
import io.tributary.support.ChildCluster;
import io.tributary.support.ChildServer;
import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.ShardReads;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Raft's guarantees at the edges of a leader's term, through the Kinesis API. Divergence: a leader whose
 * followers are gone takes an append into its Raft log but cannot commit it; readers never see it, the caller
 * is never told it was stored, and when the old leader rejoins after the others elected a new leader and moved
 * on, the entry is dropped. Fencing: a leader paused while the others elect a new one, then resumed, acknowledges
 * nothing on its own authority; a put it takes then lands through the new leader or not at all.
 */
@Timeout(300)
class ReplicationFencingTest {
  @TempDir
  Path directory;
  private final List<ChildServer> nodes = new ArrayList<>();
  private List<Integer> ports;

  @AfterEach
  void stop() throws Exception {
    for (ChildServer node : nodes) {
      if (node == null) continue;
      node.signal("CONT");
      node.kill();
    }
  }

  @Test
  void aLeaderThatCouldNotReplicateDropsItsUncommittedAppendOnRejoin() throws Exception {
    Shard shard = startWithOneShardWritten("diverged");
    String hashKey = shard.hashKeyRange().startingHashKey();
    List<String> acknowledged = new ArrayList<>(List.of("before-0", "before-1", "before-2"));
    int leader = leaderOf(shard);
    List<Integer> followers = new ArrayList<>(List.of(0, 1, 2));
    followers.remove(Integer.valueOf(leader));
    for (int follower : followers) nodes.get(follower).kill();

    // The leader takes the append into its log and waits for a majority that is gone.
    KinesisClient toLeader = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, nodes.get(leader).endpoint());
    CompletableFuture<Void> uncommitted = put(toLeader, "diverged", hashKey, "uncommitted");
    Thread.sleep(1_500);
    assertFalse(uncommitted.isDone(), "not acknowledged without a majority");
    assertEquals(acknowledged, ShardReads.readAll(toLeader, "diverged", shard.shardId()),
        "a reader of the leader sees committed records only");
    nodes.get(leader).kill();
    assertThrows(ExecutionException.class, () -> uncommitted.get(30, TimeUnit.SECONDS), "never acknowledged");

    // The others come back without the entry, elect a leader and move on.
    restart(followers);
    KinesisClient survivor = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, nodes.get(followers.get(0)).endpoint());
    for (int i = 0; i < 3; i++) acknowledged.add(putUntilAcknowledged(survivor, "diverged", hashKey, "after-" + i));
    restart(List.of(leader));
    for (int i = 0; i < 3; i++) acknowledged.add(putUntilAcknowledged(survivor, "diverged", hashKey, "rejoined-" + i));
    assertEveryNodeReads(acknowledged, "diverged", shard);
  }

  @Test
  void aPausedLeaderResumedAfterAnElectionAcknowledgesNothingOfItsOwn() throws Exception {
    Shard shard = startWithOneShardWritten("fenced");
    String hashKey = shard.hashKeyRange().startingHashKey();
    List<String> acknowledged = new ArrayList<>(List.of("before-0", "before-1", "before-2"));
    int leader = leaderOf(shard);
    ChildServer deposed = nodes.get(leader);
    deposed.signal("STOP");
    KinesisClient survivor = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, nodes.get((leader + 1) % 3).endpoint());
    for (int i = 0; i < 3; i++) acknowledged.add(putUntilAcknowledged(survivor, "fenced", hashKey, "after-" + i));
    assertFalse(ReplicationFailoverTest.leaders(nodes.get((leader + 1) % 3)).get(shard.shardId())
        .endsWith(":" + ports.get(leader)), "another node leads the shard");

    // A put reaches the paused leader, which still takes itself for the leader when it resumes.
    KinesisClient toDeposed = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, deposed.endpoint());
    CompletableFuture<Void> stale = put(toDeposed, "fenced", hashKey, "to-the-deposed");
    Thread.sleep(500);
    deposed.signal("CONT");
    boolean stored;
    try {
      stale.get(60, TimeUnit.SECONDS);
      stored = true;
    } catch (ExecutionException refused) {
      stored = false;
    }
    if (stored) acknowledged.add("to-the-deposed");
    for (int i = 0; i < 3; i++) acknowledged.add(putUntilAcknowledged(survivor, "fenced", hashKey, "later-" + i));
    // Acknowledged, it is there once, after the new leader's records; refused, it is nowhere.
    assertEveryNodeReads(acknowledged, "fenced", shard);
  }

  /** Three replicated nodes, a stream of three shards, three records in the first. */
  private Shard startWithOneShardWritten(String stream) {
    ports = ChildCluster.clusterPorts(3);
    nodes.addAll(ChildCluster.start(directory, ports, ReplicationFailoverTest.REPLICATED));
    KinesisClient first = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, nodes.get(0).endpoint());
    first.createStream(b -> b.streamName(stream).shardCount(3));
    ClusterDataPlaneTest.awaitActiveThrough(first, stream);
    Shard shard = first.listShards(b -> b.streamName(stream)).shards().get(0);
    for (int i = 0; i < 3; i++) {
      String data = "before-" + i;
      first.putRecord(b -> b.streamName(stream).partitionKey("k").explicitHashKey(shard.hashKeyRange().startingHashKey())
          .data(SdkBytes.fromUtf8String(data)));
    }
    return shard;
  }

  private int leaderOf(Shard shard) throws Exception {
    String leader = ReplicationFailoverTest.leaders(nodes.get(0)).get(shard.shardId());
    return ports.indexOf(Integer.parseInt(leader.substring(leader.lastIndexOf(':') + 1)));
  }

  /** Restarts the nodes at once, from their data: two of them make a majority only together. */
  private void restart(List<Integer> which) {
    List<CompletableFuture<ChildServer>> starting = new ArrayList<>();
    for (int index : which) {
      starting.add(CompletableFuture.supplyAsync(() -> ChildServer.start(directory.resolve("node-" + index),
          ChildCluster.nodeSettings(index, ports, ReplicationFailoverTest.REPLICATED))));
    }
    for (int i = 0; i < which.size(); i++) nodes.set(which.get(i), starting.get(i).join());
  }

  private static CompletableFuture<Void> put(KinesisClient client, String stream, String hashKey, String data) {
    return CompletableFuture.runAsync(() -> client.putRecord(b -> b.streamName(stream).partitionKey("k")
        .explicitHashKey(hashKey).data(SdkBytes.fromUtf8String(data))));
  }

  private void assertEveryNodeReads(List<String> acknowledged, String stream, Shard shard) throws InterruptedException {
    for (ChildServer node : nodes) {
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, node.endpoint());
      assertEquals(acknowledged, ShardReads.readAllOnce(client, stream, shard.shardId(), acknowledged),
          "through " + node.endpoint());
    }
  }

  /**
   * The test clients do not retry: the refusals of an election (InternalFailure, nothing stored: the
   * server resends what it knows was not appended, and a put it cannot tell about is not sent again here
   * unless refused at once) are retried here, as the SDK's default would.
   */
  private static String putUntilAcknowledged(KinesisClient client, String stream, String hashKey, String data)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        client.putRecord(b -> b.streamName(stream).partitionKey("k").explicitHashKey(hashKey)
            .data(SdkBytes.fromUtf8String(data)));
        return data;
      } catch (KinesisException refused) {
        if (System.nanoTime() > deadline || refused.statusCode() != 500) throw refused;
        Thread.sleep(200);
      }
    }
  }
}
