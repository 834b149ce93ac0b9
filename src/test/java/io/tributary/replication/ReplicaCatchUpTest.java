package io.tributary.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.cluster.ClusterDataPlaneTest;
import io.tributary.support.ChildServer;
import io.tributary.support.ShardReads;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * A node that comes back with an empty disk catches up from its groups' leaders: the groups snapshot every 20
 * entries and drop what every member had, so the entries it lacks are gone from every log, and it must install
 * the leaders' snapshots (their shard logs, copied) before it applies anything new. Meanwhile it sends reads
 * of its replicas to the leaders; then it holds every acknowledged record, a sealed parent stays sealed, and it is a full member: with another node killed, it
 * and the third make the majority that commits and serves every record.
 */
@Timeout(300)
class ReplicaCatchUpTest {
  private static final String STREAM = "caught-up";

  @TempDir
  Path directory;

  @Test
  void aNodeBackWithAnEmptyDiskCatchesUpFromTheLeadersSnapshots() throws Exception {
    try (ReplicatedCluster cluster = ReplicatedCluster.start(directory,
        Map.of("TRIBUTARY_REPLICATION_SNAPSHOT_ENTRIES", "20"))) {
      cluster.createStream(STREAM, 1);
      KinesisClient first = cluster.client(0);
      Shard parent = first.listShards(b -> b.streamName(STREAM)).shards().get(0);
      List<String> beforeSplit = put(first, "parent", 60);
      first.splitShard(b -> b.streamName(STREAM).shardToSplit(parent.shardId())
          .newStartingHashKey(new BigInteger(parent.hashKeyRange().endingHashKey()).shiftRight(1).toString()));
      ClusterDataPlaneTest.awaitActiveThrough(first, STREAM);
      List<String> afterSplit = new ArrayList<>(put(cluster.client(1), "child", 60));
      // Every member read all of it, so the leaders have dropped the entries a snapshot covers.
      for (int node = 0; node < 3; node++) {
        assertEquals(beforeSplit, ShardReads.readAllOnce(cluster.client(node), STREAM, parent.shardId(), beforeSplit),
            "the parent through node " + node + " before the disk is lost");
      }

      cluster.kill(2);
      deleteTree(cluster.dataDirectory(2));
      cluster.restart(List.of(2));
      // Once ready, the node knows every stream (it caught up with the metadata group first) and answers in
      // full: until its replicas have caught up, it sends their reads to the leaders.
      assertEquals(STREAM, cluster.client(2).describeStreamSummary(b -> b.streamName(STREAM))
          .streamDescriptionSummary().streamName(), "node 2 knows the stream as soon as it is ready");
      assertEquals(beforeSplit, ShardReads.readAll(cluster.client(2), STREAM, parent.shardId()),
          "the parent through node 2, at once");
      afterSplit.addAll(put(first, "back", 30));

      List<Shard> shards = first.listShards(b -> b.streamName(STREAM)).shards();
      assertEquals(3, shards.size(), shards.toString());
      assertEveryRecordThrough(cluster, 2, shards, parent, beforeSplit, afterSplit);
      assertEquals(1, sealedMarkers(cluster.dataDirectory(2)), "the parent is sealed on the node that lost its disk");
      // Caught up, the node reads its own replicas again.
      double local = localShardRequests(cluster.node(2));
      ShardReads.readAll(cluster.client(2), STREAM, parent.shardId());
      assertTrue(localShardRequests(cluster.node(2)) > local, "node 2 serves its replica of the parent itself");

      // A full member again: with node 0 gone, nodes 1 and 2 commit together.
      cluster.kill(0);
      afterSplit.addAll(putUntilAcknowledged(cluster.client(1), "majority", 20));
      for (int node = 1; node < 3; node++) assertEveryRecordThrough(cluster, node, shards, parent, beforeSplit, afterSplit);
    }
  }

  private static void assertEveryRecordThrough(ReplicatedCluster cluster, int node, List<Shard> shards, Shard parent,
      List<String> beforeSplit, List<String> afterSplit) throws InterruptedException {
    KinesisClient client = cluster.client(node);
    assertEquals(beforeSplit, ShardReads.readAllOnce(client, STREAM, parent.shardId(), beforeSplit),
        "the parent through node " + node);
    List<String> children = new ArrayList<>();
    for (Shard child : shards) {
      if (child.shardId().equals(parent.shardId())) continue;
      List<String> expected = afterSplit.stream().filter(data -> ownedBy(child, data)).toList();
      List<String> read = ShardReads.readAllOnce(client, STREAM, child.shardId(), expected);
      assertEquals(expected, read, child.shardId() + " through node " + node);
      children.addAll(read);
    }
    assertEquals(new HashSet<>(afterSplit), new HashSet<>(children), "the children through node " + node);
  }

  /** Each record's explicit hash key is its own ordinal, spread over the key space; see {@link #hashKey}. */
  private static boolean ownedBy(Shard shard, String data) {
    BigInteger key = hashKey(data);
    return key.compareTo(new BigInteger(shard.hashKeyRange().startingHashKey())) >= 0
        && key.compareTo(new BigInteger(shard.hashKeyRange().endingHashKey())) <= 0;
  }

  private static BigInteger hashKey(String data) {
    int ordinal = Integer.parseInt(data.substring(data.lastIndexOf('-') + 1));
    return BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE).multiply(BigInteger.valueOf(ordinal % 16))
        .divide(BigInteger.valueOf(15));
  }

  private static List<String> put(KinesisClient client, String prefix, int count) {
    List<String> put = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String data = prefix + "-" + i;
      client.putRecord(b -> b.streamName(STREAM).partitionKey("k").explicitHashKey(hashKey(data).toString())
          .data(SdkBytes.fromUtf8String(data)));
      put.add(data);
    }
    return put;
  }

  private static List<String> putUntilAcknowledged(KinesisClient client, String prefix, int count)
      throws InterruptedException {
    List<String> put = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String data = prefix + "-" + i;
      put.add(ReplicatedCluster.putUntilAcknowledged(client, STREAM, hashKey(data).toString(), data));
    }
    return put;
  }

  /** The node's {@code tributary_shard_requests_total{route="local"}}: requests its own shard verticles served. */
  static double localShardRequests(ChildServer node) throws Exception {
    String metrics = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.managementPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    return metrics.lines().filter(line -> line.startsWith("tributary_shard_requests_total{")
            && line.contains("route=\"local\""))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }

  private static long sealedMarkers(Path dataDirectory) throws Exception {
    try (Stream<Path> files = Files.walk(dataDirectory.resolve("shards"))) {
      return files.filter(file -> file.getFileName().toString().equals(ShardReplica.SEALED_FILE)).count();
    }
  }

  private static void deleteTree(Path root) throws Exception {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(path);
    }
    assertTrue(Files.notExists(root));
  }
}
