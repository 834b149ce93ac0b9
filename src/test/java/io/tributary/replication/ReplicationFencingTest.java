package io.tributary.replication;

import static io.tributary.replication.ReplicatedCluster.putUntilAcknowledged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tributary.support.ShardReads;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Raft's guarantees at the edges of a leader's term, through the Kinesis API. Divergence: a leader whose
 * followers are gone takes an append into its Raft log but cannot commit it; readers never see it, the caller
 * is never told it was stored, and when the old leader rejoins after the others elected a new leader and moved
 * on, the entry is dropped. Fencing: a leader paused while the others elect a new one, then resumed, acknowledges
 * nothing on its own authority; a put it takes then lands once, through the new leader, or not at all.
 */
@Timeout(300)
class ReplicationFencingTest {
  private static final List<String> BEFORE = List.of("before-0", "before-1", "before-2");
  @TempDir
  Path directory;

  @Test
  void aLeaderThatCouldNotReplicateDropsItsUncommittedAppendOnRejoin() throws Exception {
    try (ReplicatedCluster cluster = ReplicatedCluster.start(directory)) {
      Shard shard = startWithOneShardWritten(cluster, "diverged");
      String hashKey = shard.hashKeyRange().startingHashKey();
      List<String> acknowledged = new ArrayList<>(BEFORE);
      int leader = cluster.indexOf(cluster.leaders(0).get(shard.shardId()));
      List<Integer> followers = new ArrayList<>(List.of(0, 1, 2));
      followers.remove(Integer.valueOf(leader));
      for (int follower : followers) cluster.kill(follower);

      // The leader takes the append into its log and waits for a majority that is gone.
      KinesisClient toLeader = cluster.client(leader);
      CompletableFuture<Void> uncommitted = put(toLeader, "diverged", hashKey, "uncommitted");
      Thread.sleep(1_500);
      assertFalse(uncommitted.isDone(), "not acknowledged without a majority");
      assertEquals(acknowledged, ShardReads.readAll(toLeader, "diverged", shard.shardId()),
          "a reader of the leader sees committed records only");
      cluster.kill(leader);
      assertThrows(ExecutionException.class, () -> uncommitted.get(30, TimeUnit.SECONDS), "never acknowledged");

      // The others come back without the entry, elect a leader and move on; then the old leader rejoins.
      cluster.restart(followers);
      KinesisClient survivor = cluster.client(followers.get(0));
      for (int i = 0; i < 3; i++) acknowledged.add(putUntilAcknowledged(survivor, "diverged", hashKey, "after-" + i));
      cluster.restart(List.of(leader));
      for (int i = 0; i < 3; i++) acknowledged.add(putUntilAcknowledged(survivor, "diverged", hashKey, "rejoined-" + i));
      assertEveryNodeReads(cluster, acknowledged, "diverged", shard);
    }
  }

  @Test
  void aPausedLeaderResumedAfterAnElectionAcknowledgesNothingOfItsOwn() throws Exception {
    try (ReplicatedCluster cluster = ReplicatedCluster.start(directory)) {
      Shard shard = startWithOneShardWritten(cluster, "fenced");
      String hashKey = shard.hashKeyRange().startingHashKey();
      List<String> acknowledged = new ArrayList<>(BEFORE);
      int leader = cluster.indexOf(cluster.leaders(0).get(shard.shardId()));
      int other = (leader + 1) % 3;
      cluster.node(leader).signal("STOP");
      KinesisClient survivor = cluster.client(other);
      for (int i = 0; i < 3; i++) acknowledged.add(putUntilAcknowledged(survivor, "fenced", hashKey, "after-" + i));
      assertFalse(cluster.leaders(other).get(shard.shardId()).equals(cluster.name(leader)), "another node leads");

      // A put reaches the paused leader, which still takes itself for the leader when it resumes.
      CompletableFuture<Void> stale = put(cluster.client(leader), "fenced", hashKey, "to-the-deposed");
      Thread.sleep(500);
      cluster.node(leader).signal("CONT");
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
      assertEveryNodeReads(cluster, acknowledged, "fenced", shard);
    }
  }

  /** A stream of three shards, three records in the first. */
  private static Shard startWithOneShardWritten(ReplicatedCluster cluster, String stream) throws InterruptedException {
    cluster.createStream(stream, 3);
    KinesisClient first = cluster.client(0);
    Shard shard = first.listShards(b -> b.streamName(stream)).shards().get(0);
    for (String data : BEFORE) putUntilAcknowledged(first, stream, shard.hashKeyRange().startingHashKey(), data);
    return shard;
  }

  private static CompletableFuture<Void> put(KinesisClient client, String stream, String hashKey, String data) {
    return CompletableFuture.runAsync(() -> client.putRecord(b -> b.streamName(stream).partitionKey("k")
        .explicitHashKey(hashKey).data(SdkBytes.fromUtf8String(data))));
  }

  private static void assertEveryNodeReads(ReplicatedCluster cluster, List<String> acknowledged, String stream,
      Shard shard) throws InterruptedException {
    for (int node = 0; node < 3; node++) {
      assertEquals(acknowledged, ShardReads.readAllOnce(cluster.client(node), stream, shard.shardId(), acknowledged),
          "through node " + node);
    }
  }
}
