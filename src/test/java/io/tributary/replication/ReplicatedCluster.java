package io.tributary.replication;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.cluster.ClusterDataPlaneTest;
import io.tributary.support.ChildCluster;
import io.tributary.support.ChildServer;
import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.KinesisException;

/**
 * Three server JVMs on 127.0.0.1 with every shard's log on all three ({@code replication.factor=3}) and a
 * failover timeout of 4 s; node {@code i} keeps its data in {@code directory/node-<i>}, so it restarts with it.
 * A fourth may join later ({@link #join}).
 */
final class ReplicatedCluster implements AutoCloseable {
  /**
   * A put waits for its commit up to 25 s rather than 10: the tests' clients retry a put that fails, and one
   * that failed because its commit outlasted the timeout may still be committed (an election right after two
   * nodes restart on a busy machine can take that long), which would store it twice.
   */
  static final Map<String, String> SETTINGS = Map.of(
      "TRIBUTARY_REPLICATION_FACTOR", "3",
      "TRIBUTARY_CLUSTER_FAILOVER_TIMEOUT_MS", "4000",
      "TRIBUTARY_REPLICATION_COMMIT_TIMEOUT_MS", "25000");
  private final Path directory;
  /** The cluster ports of the three nodes and of a fourth that may join; the three list only themselves. */
  private final List<Integer> ports = ChildCluster.clusterPorts(4);
  private final List<ChildServer> nodes = new ArrayList<>();
  private final Map<String, String> settings;

  private ReplicatedCluster(Path directory, Map<String, String> settings) {
    this.directory = directory;
    this.settings = settings;
    nodes.addAll(ChildCluster.start(directory, ports.subList(0, 3), settings));
  }

  static ReplicatedCluster start(Path directory) {
    return new ReplicatedCluster(directory, SETTINGS);
  }

  /** As {@link #start(Path)}, every node with these settings too. */
  static ReplicatedCluster start(Path directory, Map<String, String> extra) {
    Map<String, String> settings = new HashMap<>(SETTINGS);
    settings.putAll(extra);
    return new ReplicatedCluster(directory, settings);
  }

  /** The node's data directory. */
  Path dataDirectory(int index) {
    return directory.resolve("node-" + index);
  }

  ChildServer node(int index) {
    return nodes.get(index);
  }

  KinesisClient client(int index) {
    return KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, nodes.get(index).endpoint());
  }

  /** The node's name, {@code host:port}, as the cluster calls it. */
  String name(int index) {
    return "127.0.0.1:" + ports.get(index);
  }

  int indexOf(String name) {
    return ports.indexOf(Integer.parseInt(name.substring(name.lastIndexOf(':') + 1)));
  }

  /** Creates a stream through the first node and waits until every node sees it active. */
  void createStream(String stream, int shards) {
    KinesisClient first = client(0);
    first.createStream(b -> b.streamName(stream).shardCount(shards));
    ClusterDataPlaneTest.awaitActiveThrough(first, stream);
  }

  /** Which node leads each shard's group (shard id to node name), as a node's GET /cluster tells. */
  Map<String, String> leaders(int via) throws Exception {
    return leaders(via, null);
  }

  /** Which node leads each shard of the stream (every stream when null), by shard id, as a node's GET /cluster tells. */
  Map<String, String> leaders(int via, String stream) throws Exception {
    Map<String, String> leaders = new HashMap<>();
    JsonNode cluster = ClusterDataPlaneTest.cluster(nodes.get(via));
    assertNotNull(cluster.get("members"), cluster.toString());
    for (JsonNode member : cluster.get("members")) {
      for (JsonNode shard : member.get("shards")) {
        if (stream != null && !stream.equals(shard.get("stream").asText())) continue;
        if (!member.get("name").isNull()) leaders.put(shard.get("shardId").asText(), member.get("name").asText());
      }
    }
    return leaders;
  }

  /**
   * Waits until every shard of the stream has a leader and every node leads some (elections pick any member;
   * each node takes back the groups it is the preferred leader of soon after), then gives the leaders as
   * {@link #leaders(int, String)} does.
   */
  Map<String, String> awaitLeadersOnEveryNode(int via, String stream, int shards) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      Map<String, String> leaders = leaders(via, stream);
      boolean spread = leaders.size() == shards
          && IntStream.range(0, nodes.size()).allMatch(i -> leaders.containsValue(name(i)));
      if (spread) return leaders;
      if (System.nanoTime() > deadline) throw new AssertionError("leadership did not spread over the nodes: " + leaders);
      Thread.sleep(250);
    }
  }

  /** POSTs to the node's management port (no body), as an operator would. */
  HttpResponse<String> post(int index, String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + nodes.get(index).managementPort() + path);
    HttpRequest request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()).build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  void kill(int index) throws InterruptedException {
    nodes.get(index).kill();
  }

  /**
   * Starts a fourth node, which lists the three and itself as the cluster's members (the three list only
   * themselves, as when a node is added to a running cluster), and returns its index.
   */
  int join() {
    nodes.add(ChildServer.start(dataDirectory(3), ChildCluster.nodeSettings(3, ports, settings)));
    return 3;
  }

  /** Restarts the nodes at once, from their data: two of them make a majority only together. */
  void restart(List<Integer> which) {
    List<CompletableFuture<ChildServer>> starting = new ArrayList<>();
    for (int index : which) {
      starting.add(CompletableFuture.supplyAsync(() -> ChildServer.start(dataDirectory(index),
          ChildCluster.nodeSettings(index, index < 3 ? ports.subList(0, 3) : ports, settings))));
    }
    for (int i = 0; i < which.size(); i++) nodes.set(which.get(i), starting.get(i).join());
  }

  /**
   * Puts the record to the shard that owns the hash key until it is acknowledged: the test clients do not
   * retry, and this retries what an election refuses (InternalFailure), as the SDK's default would.
   */
  static String putUntilAcknowledged(KinesisClient client, String stream, String hashKey, String data)
      throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
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

  /** Resumes paused nodes and kills them all. */
  @Override
  public void close() throws Exception {
    for (ChildServer node : nodes) {
      try {
        node.signal("CONT");
      } catch (IllegalStateException gone) {
        // killed already
      }
      node.kill();
    }
  }
}
