package io.tributary.cluster;

import static io.tributary.cluster.ClusterDataPlaneTest.sleep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.support.ChildCluster;
import io.tributary.support.ChildServer;
import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.ShardReads;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * Planned moves in server JVMs: shards move to a node that joins and away from a node that leaves, while
 * producers put through every node, and every record acknowledged on the way is read back exactly once, in
 * order per shard, through every node that stays.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ClusterMovesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STREAM = "moving";
  private static final int SHARDS = 12;

  @TempDir
  Path directory;

  private final List<ChildServer> nodes = new ArrayList<>();
  private final List<Producer> producers = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Producer producer : producers) producer.stop();
    for (ChildServer node : nodes) {
      if (node != null) node.kill();
    }
  }

  /** Three nodes, a 12-shard stream, and a producer through each node that has acknowledged records. */
  private List<Integer> startThreeNodesWithProducers() {
    List<Integer> ports = ChildCluster.clusterPorts(4);
    nodes.addAll(ChildCluster.start(directory, ports.subList(0, 3)));
    KinesisClient first = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, nodes.get(0).endpoint());
    first.createStream(b -> b.streamName(STREAM).shardCount(SHARDS));
    ClusterDataPlaneTest.awaitActiveThrough(first, STREAM);
    for (ChildServer node : nodes) producers.add(new Producer(node, producers.size()));
    awaitAcknowledged(300);
    return ports;
  }

  @Test
  void aFourthNodeJoinsAndTakesItsShareWhileProducersRun() throws Exception {
    List<Integer> ports = startThreeNodesWithProducers();
    nodes.add(ChildServer.start(directory.resolve("node-3"), ChildCluster.nodeSettings(3, ports)));
    String joined = "127.0.0.1:" + ports.get(3);
    JsonNode settled = awaitMovesDone(nodes.get(3));
    assertEquals(4, settled.get("nodes").size(), settled.toString());
    assertEquals(3, owned(settled).get(joined).size(), "the new node took its share: " + owned(settled));
    for (int i = 0; i < 3; i++) {
      String node = "127.0.0.1:" + ports.get(i);
      assertEquals(3, owned(settled).get(node).size(), node + " kept 3 of its 4: " + owned(settled));
    }
    HttpResponse<String> rebalanced = post(nodes.get(1), "/cluster/rebalance");
    assertEquals(202, rebalanced.statusCode(), rebalanced.body());
    assertEquals(0, JSON.readTree(rebalanced.body()).get("moves").size(), "even already: " + rebalanced.body());
    producers.add(new Producer(nodes.get(3), producers.size()));
    awaitAcknowledged(acknowledgedSoFar() + 300);
    for (Producer producer : producers) producer.stop();
    everyAcknowledgedRecordOnceInOrderThroughEveryNode();
  }

  @Test
  void aJoiningNodeKilledInTheMiddleOfItsMovesTakesThemUpAgainWhenItReturns() throws Exception {
    List<Integer> ports = startThreeNodesWithProducers();
    Map<String, String> settings = ChildCluster.nodeSettings(3, ports);
    nodes.add(ChildServer.launch(directory.resolve("node-3"), settings));
    JsonNode moving = awaitAMoveUnderWay(nodes.get(0));
    nodes.get(3).kill();
    nodes.set(3, ChildServer.start(directory.resolve("node-3"), settings));
    JsonNode settled = awaitMovesDone(nodes.get(3));
    assertEquals(3, owned(settled).get("127.0.0.1:" + ports.get(3)).size(),
        "the returning node took its share after a crash during " + moving.get("moves") + ": " + owned(settled));
    producers.add(new Producer(nodes.get(3), producers.size()));
    awaitAcknowledged(acknowledgedSoFar() + 300);
    for (Producer producer : producers) producer.stop();
    everyAcknowledgedRecordOnceInOrderThroughEveryNode();
  }

  @Test
  void aNodeLeavesGracefullyWhileProducersRun() throws Exception {
    List<Integer> ports = startThreeNodesWithProducers();
    String leaving = "127.0.0.1:" + ports.get(2);
    // Pushes of the leaving node's shards, to a node that stays: they follow each shard to its new owner.
    List<String> movingShards = owned(ClusterDataPlaneTest.cluster(nodes.get(0))).get(leaving);
    KinesisClient first = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, nodes.get(0).endpoint());
    String consumerArn = registerActiveConsumer(first, "follows-moves");
    Map<String, List<String>> pushed = new ConcurrentHashMap<>();
    Map<String, Throwable> ended = new ConcurrentHashMap<>();
    try (KinesisAsyncClient async = KinesisAsyncClient.builder()
        .endpointOverride(nodes.get(0).endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
        .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP2))
        .build()) {
      for (String shardId : movingShards) {
        List<String> records = java.util.Collections.synchronizedList(new ArrayList<>());
        pushed.put(shardId, records);
        async.subscribeToShard(b -> b.consumerARN(consumerArn).shardId(shardId)
            .startingPosition(position -> position.type(ShardIteratorType.TRIM_HORIZON)),
            SubscribeToShardResponseHandler.builder()
                .subscriber(SubscribeToShardResponseHandler.Visitor.builder().onSubscribeToShardEvent(event ->
                    event.records().forEach(record -> records.add(record.data().asUtf8String()))).build())
                .onError(failure -> ended.put(shardId, failure))
                .build());
      }
      leaveWhileProducersRun(ports, leaving);
      Map<String, List<Acknowledged>> acknowledged = acknowledgedByShard();
      for (String shardId : movingShards) {
        List<String> expected = inOrder(acknowledged.get(shardId));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!expected.equals(List.copyOf(pushed.get(shardId))) && System.nanoTime() < deadline) sleep(100);
        List<String> got = List.copyOf(pushed.get(shardId));
        assertEquals(expected, got, () -> shardId + " pushed every acknowledged record once, in order, across its move: "
            + difference(expected, got) + (ended.containsKey(shardId) ? "; the stream ended: " + ended.get(shardId) : ""));
      }
    }
  }

  /** Where two record lists part, in a few lines: the whole lists run to thousands of entries. */
  private static String difference(List<String> expected, List<String> got) {
    int same = 0;
    while (same < Math.min(expected.size(), got.size()) && expected.get(same).equals(got.get(same))) same++;
    return expected.size() + " expected, " + got.size() + " pushed, the same up to index " + same + "; expected then "
        + expected.subList(same, Math.min(expected.size(), same + 5)) + ", pushed then "
        + got.subList(same, Math.min(got.size(), same + 5));
  }

  private void leaveWhileProducersRun(List<Integer> ports, String leaving) throws Exception {
    HttpResponse<String> left = post(nodes.get(0), "/cluster/leave?node=" + leaving);
    assertEquals(202, left.statusCode(), left.body());
    JsonNode settled = awaitMovesDone(nodes.get(1));
    assertEquals(2, settled.get("nodes").size(), settled.toString());
    assertEquals(List.of(), owned(settled).getOrDefault(leaving, List.of()), "the leaving node owns nothing");
    for (int i = 0; i < 2; i++) {
      assertEquals(6, owned(settled).get("127.0.0.1:" + ports.get(i)).size(), "the others share its shards");
    }
    awaitAcknowledged(acknowledgedSoFar() + 300);
    producers.get(2).stop();
    nodes.get(2).close();
    nodes.set(2, null);
    awaitAcknowledged(acknowledgedSoFar() + 300);
    for (Producer producer : producers) producer.stop();
    everyAcknowledgedRecordOnceInOrderThroughEveryNode();
    HttpResponse<String> unknown = post(nodes.get(0), "/cluster/leave?node=" + leaving);
    assertEquals(404, unknown.statusCode(), "a node that left takes no shards: " + unknown.body());
  }

  private static String registerActiveConsumer(KinesisClient client, String name) {
    String streamArn = client.describeStreamSummary(b -> b.streamName(STREAM)).streamDescriptionSummary().streamARN();
    String consumerArn = client.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName(name))
        .consumer().consumerARN();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!client.describeStreamConsumer(b -> b.consumerARN(consumerArn)).consumerDescription()
        .consumerStatusAsString().equals("ACTIVE")) {
      assertTrue(System.nanoTime() < deadline, name + " turns ACTIVE");
      sleep(50);
    }
    return consumerArn;
  }

  private Map<String, List<Acknowledged>> acknowledgedByShard() {
    Map<String, List<Acknowledged>> byShard = new HashMap<>();
    for (Producer producer : producers) {
      for (Acknowledged record : producer.acknowledged) {
        byShard.computeIfAbsent(record.shardId(), s -> new ArrayList<>()).add(record);
      }
    }
    return byShard;
  }

  /** The records' data in the order of their sequence numbers: the order of the shard's log. */
  private static List<String> inOrder(List<Acknowledged> records) {
    List<Acknowledged> sorted = new ArrayList<>(records == null ? List.of() : records);
    sorted.sort(Comparator.comparing(record -> new BigInteger(record.sequenceNumber())));
    return sorted.stream().map(Acknowledged::data).toList();
  }

  private int acknowledgedSoFar() {
    return producers.stream().mapToInt(Producer::count).sum();
  }

  private void everyAcknowledgedRecordOnceInOrderThroughEveryNode() {
    Map<String, List<Acknowledged>> byShard = acknowledgedByShard();
    int total = acknowledgedSoFar();
    assertTrue(total > 600, "records were acknowledged all along: " + total);
    for (ChildServer node : nodes) {
      if (node == null) continue;
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, node.endpoint());
      for (Shard shard : client.listShards(b -> b.streamName(STREAM)).shards()) {
        List<String> read = ShardReads.readAll(client, STREAM, shard.shardId());
        assertEquals(read.size(), new HashSet<>(read).size(), shard.shardId() + ": no record twice");
        assertEquals(inOrder(byShard.get(shard.shardId())), read,
            shard.shardId() + " through " + node.endpoint() + ": every acknowledged record, once, in order;"
                + " failed puts: "
                + producers.stream().flatMap(producer -> producer.failures.stream()).limit(10).toList());
      }
    }
  }

  /** A record a producer had acknowledged: its shard, sequence number and data. */
  private record Acknowledged(String shardId, String sequenceNumber, String data) { }

  /** Puts batches of 10 through one node until stopped, keeping every record acknowledged. */
  private static final class Producer {
    final ConcurrentLinkedQueue<Acknowledged> acknowledged = new ConcurrentLinkedQueue<>();
    /** Why puts failed, each with the records it carried: they may be in the log (not acknowledged is not refused). */
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger count = new AtomicInteger();
    private final Thread thread;

    Producer(ChildServer node, int id) {
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, node.endpoint());
      thread = new Thread(() -> {
        int next = 0;
        while (running.get()) {
          List<PutRecordsRequestEntry> entries = new ArrayList<>();
          for (int i = 0; i < 10; i++, next++) {
            entries.add(PutRecordsRequestEntry.builder().partitionKey("key-" + id + "-" + next)
                .data(SdkBytes.fromUtf8String("p" + id + "-" + next)).build());
          }
          long sent = System.currentTimeMillis();
          try {
            PutRecordsResponse response = client.putRecords(b -> b.streamName(STREAM).records(entries));
            for (int i = 0; i < entries.size(); i++) {
              PutRecordsResultEntry result = response.records().get(i);
              if (result.errorCode() != null) {
                failures.add(entries.get(i).data().asUtf8String() + ": " + result.errorCode() + " "
                    + result.errorMessage());
                continue;
              }
              acknowledged.add(new Acknowledged(result.shardId(), result.sequenceNumber(),
                  entries.get(i).data().asUtf8String()));
              count.incrementAndGet();
            }
          } catch (RuntimeException refused) {
            failures.add(entries.get(0).data().asUtf8String() + ".." + entries.get(9).data().asUtf8String()
                + " sent at " + java.time.Instant.ofEpochMilli(sent) + ", failed after "
                + (System.currentTimeMillis() - sent) + " ms: " + refused);
            sleep(50);  // not acknowledged: not expected back
          }
        }
      }, "producer-" + id);
      thread.start();
    }

    int count() {
      return count.get();
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join(30_000);
    }
  }

  private void awaitAcknowledged(int records) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (producers.stream().mapToInt(Producer::count).sum() < records) {
      assertTrue(System.nanoTime() < deadline, "producers acknowledged " + records + " records");
      sleep(20);
    }
  }

  /** GET /cluster once no move is under way, and every shard's owner is up. */
  private static JsonNode awaitMovesDone(ChildServer node) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (true) {
      JsonNode cluster = ClusterDataPlaneTest.cluster(node);
      if (cluster.get("moves").isEmpty()) return cluster;
      assertTrue(System.nanoTime() < deadline, "the moves finish: " + cluster.get("moves"));
      sleep(100);
    }
  }

  /** GET /cluster once a move is under way. */
  private static JsonNode awaitAMoveUnderWay(ChildServer node) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      JsonNode cluster = ClusterDataPlaneTest.cluster(node);
      if (!cluster.get("moves").isEmpty()) return cluster;
      assertTrue(System.nanoTime() < deadline, "a move starts");
      sleep(5);
    }
  }

  /** The shard ids each node owns, by node name. */
  private static Map<String, List<String>> owned(JsonNode cluster) {
    Map<String, List<String>> owned = new ConcurrentHashMap<>();
    for (JsonNode member : cluster.get("members")) {
      List<String> ids = new ArrayList<>();
      for (JsonNode shard : member.get("shards")) ids.add(shard.get("shardId").asText());
      owned.put(member.get("name").asText(), ids);
    }
    return owned;
  }

  private static HttpResponse<String> post(ChildServer node, String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + node.managementPort() + path);
    HttpRequest request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()).build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }
}
