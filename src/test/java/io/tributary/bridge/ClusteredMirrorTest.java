package io.tributary.bridge;

import static io.tributary.bridge.MirrorFixture.await;
import static io.tributary.bridge.MirrorFixture.count;
import static io.tributary.bridge.MirrorFixture.keys;
import static io.tributary.bridge.MirrorFixture.management;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.cluster.ClusterDataPlaneTest;
import io.tributary.support.ChildCluster;
import io.tributary.support.ChildServer;
import io.tributary.support.ClientKind;
import io.tributary.support.KafkaBroker;
import io.tributary.support.KinesisClients;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Three nodes with every shard on all three (replication.factor=3), the same mirror configured on each: it
 * runs on one node only, the leader of its stream's first shard, and stands by on the others. The running
 * node is SIGKILLed while records keep coming; the mirror resumes on the shard's new leader from what it
 * keeps in Kafka, and every acknowledged record ends up on the other side once, in per-key order.
 */
@Timeout(240)
class ClusteredMirrorTest {
  private static KafkaBroker broker;

  @TempDir
  Path directory;

  @BeforeAll
  static void startBroker() {
    broker = KafkaBroker.start();
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) broker.close();
  }

  /**
   * Starts three nodes, each configured with the one mirror, named as its stream and topic are, and creates
   * the stream with three shards.
   */
  private List<ChildServer> startCluster(List<Integer> ports, String name, String direction, Map<String, String> extra)
      throws Exception {
    List<ChildServer> nodes = ChildCluster.start(directory, ports, clusterSettings(name, direction, extra));
    KinesisClient first = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, nodes.get(0).endpoint());
    first.createStream(b -> b.streamName(name).shardCount(3));
    ClusterDataPlaneTest.awaitActiveThrough(first, name);
    return nodes;
  }

  /** The settings of every node: the one mirror in their configuration file, replication 3, the broker. */
  private Map<String, String> clusterSettings(String name, String direction, Map<String, String> extra) throws Exception {
    Path mirrors = directory.resolve("mirrors.json");
    Files.writeString(mirrors, new JsonArray().add(new JsonObject().put("name", name)
        .put("direction", direction).put("stream", name).put("topic", name)).encode());
    Map<String, String> settings = new HashMap<>(Map.of(
        "TRIBUTARY_REPLICATION_FACTOR", "3",
        "TRIBUTARY_CLUSTER_FAILOVER_TIMEOUT_MS", "4000",
        "TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
        "TRIBUTARY_MIRRORS_FILE", mirrors.toString(),
        "TRIBUTARY_MIRROR_RETRY_INITIAL_MS", "100",
        "TRIBUTARY_MIRROR_RETRY_MAX_MS", "1000"));
    settings.putAll(extra);
    return settings;
  }

  /**
   * A mirror created through one node's management port, and a paused flag set through another's, are the
   * cluster's: every node runs the created mirror (one of them, standing by elsewhere), every node pauses and
   * resumes it, a node restarted meanwhile comes back knowing both, and a delete through any node ends it on all.
   */
  @Test
  void aMirrorCreatedOrPausedThroughOneNodeIsSoOnEveryNodeAlsoAfterARestart() throws Exception {
    String configured = "configured";
    String created = "created";
    List<Integer> ports = ChildCluster.clusterPorts(3);
    List<ChildServer> nodes = new ArrayList<>(startCluster(ports, configured, "STREAM_TO_TOPIC", Map.of()));
    try {
      KinesisClient first = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, nodes.get(0).endpoint());
      first.createStream(b -> b.streamName(created).shardCount(2));
      ClusterDataPlaneTest.awaitActiveThrough(first, created);
      MirrorFixture.Answer answer = management(nodes.get(0).managementPort(), "POST", "/mirrors", new JsonObject()
          .put("name", created).put("direction", "STREAM_TO_TOPIC").put("stream", created).put("topic", created));
      assertEquals(201, answer.status(), String.valueOf(answer.body()));
      awaitOneRunner(nodes, ports, created, List.of(0, 1, 2));

      assertEquals(200, management(nodes.get(2).managementPort(), "POST", "/mirrors/" + created + "/pause", null).status());
      assertEquals(200, management(nodes.get(1).managementPort(), "POST", "/mirrors/" + configured + "/pause", null).status());
      awaitStateEverywhere(nodes, List.of(0, 1, 2), created, "PAUSED");
      awaitStateEverywhere(nodes, List.of(0, 1, 2), configured, "PAUSED");

      // Node 0 goes down; the created mirror is resumed meanwhile; node 0 comes back with its data.
      nodes.get(0).kill();
      assertEquals(200, management(nodes.get(1).managementPort(), "POST", "/mirrors/" + created + "/resume", null).status());
      nodes.set(0, ChildServer.start(directory.resolve("node-0"),
          ChildCluster.nodeSettings(0, ports, clusterSettings(configured, "STREAM_TO_TOPIC", Map.of()))));
      awaitStateEverywhere(nodes, List.of(0), configured, "PAUSED");
      awaitOneRunner(nodes, ports, created, List.of(0, 1, 2));
      List<String> keys = keys("c", 5);
      MirrorFixture.putRecords(KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, nodes.get(0).endpoint()), created, keys, 0, 4);
      await("the created mirror to carry records", Duration.ofSeconds(30),
          () -> count(MirrorFixture.topicByKey(broker.bootstrapServers(), created)) >= keys.size() * 4);

      assertEquals(409, management(nodes.get(2).managementPort(), "DELETE", "/mirrors/" + configured, null).status(),
          "a configured mirror is removed from the file");
      assertEquals(200, management(nodes.get(2).managementPort(), "DELETE", "/mirrors/" + created, null).status());
      await("the created mirror gone from every node", Duration.ofSeconds(30), () -> nodes.stream()
          .allMatch(node -> management(node.managementPort(), "GET", "/mirrors/" + created, null).status() == 404));
    } finally {
      for (ChildServer node : nodes) node.kill();
    }
  }

  private static void awaitStateEverywhere(List<ChildServer> nodes, List<Integer> which, String mirror, String state)
      throws InterruptedException {
    await(mirror + " " + state + " on nodes " + which, Duration.ofSeconds(30), () -> which.stream().allMatch(index ->
        state.equals(management(nodes.get(index).managementPort(), "GET", "/mirrors/" + mirror, null).body()
            .getString("state"))));
  }

  @Test
  void aStreamToTopicMirrorRunsOnTheFirstShardsLeaderAndMovesWithIt() throws Exception {
    long began = System.nanoTime();
    String name = "outbound";
    List<Integer> ports = ChildCluster.clusterPorts(3);
    List<ChildServer> nodes = startCluster(ports, name, "STREAM_TO_TOPIC", Map.of());
    try {
      System.out.printf("cluster up, stream active after %d ms%n", millisSince(began));

      int runner = awaitOneRunner(nodes, ports, name, List.of(0, 1, 2));
      assertEquals("127.0.0.1:" + ports.get(runner), servingFirstShard(nodes.get(runner), name),
          "the mirror runs where the stream's first shard is led");
      int producerNode = runner == 0 ? 1 : 0;
      Producer producer = new Producer(KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, nodes.get(producerNode).endpoint()),
          name, keys("m", 20));
      producer.start();
      await("records in the topic", Duration.ofSeconds(30),
          () -> count(MirrorFixture.topicByKey(broker.bootstrapServers(), name)) > 200);

      nodes.get(runner).kill();
      long killed = System.nanoTime();
      System.out.printf("killed node %d (the mirror's runner) after %d acknowledged records%n", runner,
          producer.acknowledged());
      List<Integer> survivors = new ArrayList<>(List.of(0, 1, 2));
      survivors.remove(Integer.valueOf(runner));
      int next = awaitOneRunner(nodes, ports, name, survivors);
      System.out.printf("the mirror runs on node %d %d ms after the kill%n", next, millisSince(killed));
      long resumedAt = MirrorFixture.lastStableOffsets(broker.bootstrapServers(), name);
      await("the new runner to produce", Duration.ofSeconds(30),
          () -> MirrorFixture.lastStableOffsets(broker.bootstrapServers(), name) > resumedAt);
      Thread.sleep(1000);
      producer.stopAndJoin();
      KinesisClient survivor = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, nodes.get(producerNode).endpoint());
      Map<String, List<String>> stream = MirrorFixture.streamByKey(survivor, name);
      await("the topic to hold every record of the stream", Duration.ofSeconds(30),
          () -> count(MirrorFixture.topicByKey(broker.bootstrapServers(), name)) >= count(stream));
      Thread.sleep(500);  // a duplicate would show up after the last record
      Map<String, List<String>> topic = MirrorFixture.topicByKey(broker.bootstrapServers(), name);
      System.out.printf("%d records acknowledged, %d in the stream, %d in the topic; %d puts sent again%n",
          producer.acknowledged(), count(stream), count(topic), producer.retries());
      assertEquals(stream, topic, "the topic holds what the stream holds, key by key, in order, each once");
      if (producer.retries() == 0) {
        MirrorFixture.assertExactlyOnceInOrder(topic, producer.keys, producer.sentPerKey());
      } else {
        // A put sent again after an unknown outcome may be in the stream twice; the topic must then match the
        // stream (above), and hold every acknowledged record in order.
        Map<String, List<String>> distinct = new HashMap<>();
        topic.forEach((key, values) -> distinct.put(key, values.stream().distinct().toList()));
        MirrorFixture.assertExactlyOnceInOrder(distinct, producer.keys, producer.sentPerKey());
      }
      System.out.printf("test took %d ms%n", millisSince(began));
    } finally {
      for (ChildServer node : nodes) node.kill();
    }
  }

  /**
   * Topic to stream: the journal that tells an uncertain batch is in Kafka, so the mirror's next home settles
   * the batch its old home was appending when it was killed (the new home's log says how it did).
   */
  @Test
  void aTopicToStreamMirrorMovesWithTheFirstShardsLeaderAndLosesAndDuplicatesNothing() throws Exception {
    long began = System.nanoTime();
    String name = "inbound";
    try (Admin admin = broker.admin()) {
      admin.createTopics(List.of(new NewTopic(name, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
    List<Integer> ports = ChildCluster.clusterPorts(3);
    List<ChildServer> nodes = startCluster(ports, name, "TOPIC_TO_STREAM", Map.of());
    try {
      System.out.printf("cluster up, stream active after %d ms%n", millisSince(began));
      int runner = awaitOneRunner(nodes, ports, name, List.of(0, 1, 2));
      KinesisClient reader = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, nodes.get(runner == 0 ? 1 : 0).endpoint());
      List<String> keys = keys("t", 20);
      int rounds = 0;
      MirrorFixture.produce(broker.bootstrapServers(), name, keys, rounds, 100);
      rounds += 100;
      await("records in the stream", Duration.ofSeconds(30), () -> count(MirrorFixture.streamByKey(reader, name)) > 0);
      // More while the runner is killed: batches under way when it dies.
      MirrorFixture.produce(broker.bootstrapServers(), name, keys, rounds, 100);
      rounds += 100;
      nodes.get(runner).kill();
      long killed = System.nanoTime();
      System.out.printf("killed node %d (the mirror's runner) with %d records in the stream%n", runner,
          count(MirrorFixture.streamByKey(reader, name)));
      List<Integer> survivors = new ArrayList<>(List.of(0, 1, 2));
      survivors.remove(Integer.valueOf(runner));
      int next = awaitOneRunner(nodes, ports, name, survivors);
      System.out.printf("the mirror runs on node %d %d ms after the kill%n", next, millisSince(killed));
      MirrorFixture.produce(broker.bootstrapServers(), name, keys, rounds, 100);
      rounds += 100;

      int expected = keys.size() * rounds;
      await("the stream to hold every record", Duration.ofSeconds(60),
          () -> count(MirrorFixture.streamByKey(reader, name)) >= expected);
      Thread.sleep(500);  // a duplicate would show up after the last record
      Map<String, List<String>> stream = MirrorFixture.streamByKey(reader, name);
      System.out.printf("%d records in the topic, %d in the stream%n", expected, count(stream));
      MirrorFixture.assertExactlyOnceInOrder(stream, keys, rounds);
      try (java.util.stream.Stream<String> log = Files.lines(nodes.get(next).log())) {
        log.filter(line -> line.contains("uncertain batch")).forEach(line -> System.out.println("new home: " + line));
      }
      System.out.printf("test took %d ms%n", millisSince(began));
    } finally {
      for (ChildServer node : nodes) node.kill();
    }
  }

  /**
   * The running node is paused (SIGSTOP) long enough for its groups to elect other leaders, so the mirror
   * starts on the new home and fences the paused instance; resumed, that one stands by instead of taking the
   * mirror back or failing, and the topic holds what the stream holds, once.
   */
  @Test
  void aPausedHomeIsFencedAndStandsByWhenItResumes() throws Exception {
    String name = "paused";
    List<Integer> ports = ChildCluster.clusterPorts(3);
    List<ChildServer> nodes = startCluster(ports, name, "STREAM_TO_TOPIC", Map.of());
    try {
      int runner = awaitOneRunner(nodes, ports, name, List.of(0, 1, 2));
      int producerNode = runner == 0 ? 1 : 0;
      Producer producer = new Producer(KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, nodes.get(producerNode).endpoint()),
          name, keys("p", 20));
      producer.start();
      await("records in the topic", Duration.ofSeconds(30),
          () -> count(MirrorFixture.topicByKey(broker.bootstrapServers(), name)) > 200);
      nodes.get(runner).signal("STOP");
      List<Integer> survivors = new ArrayList<>(List.of(0, 1, 2));
      survivors.remove(Integer.valueOf(runner));
      int next = awaitOneRunner(nodes, ports, name, survivors);
      long resumedAt = MirrorFixture.lastStableOffsets(broker.bootstrapServers(), name);
      await("the new home to produce", Duration.ofSeconds(30),
          () -> MirrorFixture.lastStableOffsets(broker.bootstrapServers(), name) > resumedAt);
      nodes.get(runner).signal("CONT");
      // The paused node leads its preferred groups again once it is back; where the first shard's group is
      // one of them, the mirror moves back to it: exactly one node runs it either way.
      Thread.sleep(3000);
      int settled = awaitOneRunner(nodes, ports, name, List.of(0, 1, 2));
      JsonObject old = management(nodes.get(runner).managementPort(), "GET", "/mirrors/" + name, null).body();
      System.out.printf("paused node %d, the mirror ran on node %d meanwhile, and on node %d after; the paused one: %s%n",
          runner, next, settled, old.encode());
      producer.stopAndJoin();

      KinesisClient reader = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, nodes.get(producerNode).endpoint());
      Map<String, List<String>> stream = MirrorFixture.streamByKey(reader, name);
      await("the topic to hold every record of the stream", Duration.ofSeconds(30),
          () -> count(MirrorFixture.topicByKey(broker.bootstrapServers(), name)) >= count(stream));
      Thread.sleep(500);
      Map<String, List<String>> topic = MirrorFixture.topicByKey(broker.bootstrapServers(), name);
      System.out.printf("%d records acknowledged, %d in the stream, %d in the topic; %d puts sent again%n",
          producer.acknowledged(), count(stream), count(topic), producer.retries());
      assertEquals(stream, topic, "the topic holds what the stream holds, key by key, in order, each once");
      try (java.util.stream.Stream<String> log = Files.lines(nodes.get(runner).log())) {
        log.filter(line -> line.contains("fenced") || line.contains("stands by") || line.contains("starts here"))
            .forEach(line -> System.out.println("paused node: " + line));
      }
    } finally {
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

  /**
   * Clustered without replication (replication.factor=1): each shard has an owner, and the mirror runs on the
   * owner of its stream's first shard.
   */
  @Test
  void withOwnedShardsTheMirrorRunsOnTheFirstShardsOwner() throws Exception {
    String name = "owned";
    List<Integer> ports = ChildCluster.clusterPorts(3);
    List<ChildServer> nodes = startCluster(ports, name, "STREAM_TO_TOPIC", Map.of("TRIBUTARY_REPLICATION_FACTOR", "1"));
    try {
      int runner = awaitOneRunner(nodes, ports, name, List.of(0, 1, 2));
      assertEquals("127.0.0.1:" + ports.get(runner), servingFirstShard(nodes.get(0), name),
          "the mirror runs on the first shard's owner");
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, nodes.get(0).endpoint());
      List<String> keys = keys("o", 10);
      MirrorFixture.putRecords(client, name, keys, 0, 20);
      await("the topic to hold every record", Duration.ofSeconds(30),
          () -> count(MirrorFixture.topicByKey(broker.bootstrapServers(), name)) >= keys.size() * 20);
      Thread.sleep(300);
      MirrorFixture.assertExactlyOnceInOrder(MirrorFixture.topicByKey(broker.bootstrapServers(), name), keys, 20);
    } finally {
      for (ChildServer node : nodes) node.kill();
    }
  }

  /** The node that serves the stream's first shard as the node's GET /cluster tells: its owner or leader. */
  private static String servingFirstShard(ChildServer node, String stream) throws Exception {
    for (com.fasterxml.jackson.databind.JsonNode member : ClusterDataPlaneTest.cluster(node).get("members")) {
      for (com.fasterxml.jackson.databind.JsonNode shard : member.get("shards")) {
        if (shard.get("stream").asText().equals(stream) && shard.get("shardId").asText().equals("shardId-000000000000")) {
          return member.get("name").asText();
        }
      }
    }
    return null;
  }

  /**
   * Waits until exactly one of the nodes reports the mirror RUNNING and the others STANDBY naming that node;
   * returns the runner's index.
   */
  private static int awaitOneRunner(List<ChildServer> nodes, List<Integer> ports, String mirror, List<Integer> which)
      throws Exception {
    int[] runner = {-1};
    List<JsonObject> seen = new ArrayList<>();
    try {
      await("one node to run the mirror, the others to stand by", Duration.ofSeconds(30), () -> {
        seen.clear();
        runner[0] = -1;
        int running = 0;
        for (int index : which) {
          JsonObject status = management(nodes.get(index).managementPort(), "GET", "/mirrors/" + mirror, null).body();
          seen.add(status);
          if ("RUNNING".equals(status.getString("state"))) {
            running++;
            runner[0] = index;
          }
        }
        if (running != 1) return false;
        String name = "127.0.0.1:" + ports.get(runner[0]);
        for (JsonObject status : seen) {
          if (!name.equals(status.getString("runsOn"))) return false;
          if (!"RUNNING".equals(status.getString("state")) && !"STANDBY".equals(status.getString("state"))) return false;
        }
        return true;
      });
    } catch (AssertionError timedOut) {
      throw new AssertionError(timedOut.getMessage() + ": " + seen, timedOut);
    }
    for (JsonObject status : seen) {
      assertTrue(status.getBoolean("healthy"), status.encode());
      if ("STANDBY".equals(status.getString("state"))) assertNotEquals(0, status.getString("runsOn").length());
    }
    return runner[0];
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  /**
   * Puts {@code <key>:<n>} for every key, n counting up, one record per key in each PutRecords call, until
   * stopped. A record the server refuses (a failed entry: it was not appended) is put again before its key's
   * next; a call that fails whole is put again too. Both are counted: a refusal may mean an outcome unknown.
   */
  private static final class Producer {
    private final KinesisClient client;
    private final String stream;
    final List<String> keys;
    private final Map<String, Integer> next = new ConcurrentHashMap<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Thread thread = new Thread(this::run, "producer");
    private volatile int acknowledged;
    private volatile int retries;

    Producer(KinesisClient client, String stream, List<String> keys) {
      this.client = client;
      this.stream = stream;
      this.keys = keys;
      for (String key : keys) next.put(key, 0);
    }

    void start() {
      thread.start();
    }

    private void run() {
      while (!stopping.get()) {
        List<String> pending = new ArrayList<>(keys);
        while (!pending.isEmpty()) {
          List<PutRecordsRequestEntry> entries = new ArrayList<>();
          for (String key : pending) {
            entries.add(PutRecordsRequestEntry.builder().partitionKey(key)
                .data(SdkBytes.fromUtf8String(key + ":" + next.get(key))).build());
          }
          PutRecordsResponse response;
          try {
            response = client.putRecords(b -> b.streamName(stream).records(entries));
          } catch (RuntimeException failed) {
            retries++;
            sleep();
            continue;
          }
          List<String> failed = new ArrayList<>();
          List<PutRecordsResultEntry> results = response.records();
          for (int i = 0; i < results.size(); i++) {
            String key = pending.get(i);
            if (results.get(i).errorCode() == null) {
              next.merge(key, 1, Integer::sum);
              acknowledged++;
            } else {
              failed.add(key);
            }
          }
          pending = failed;
          retries += failed.size();
          if (!pending.isEmpty()) sleep();
        }
      }
    }

    private static void sleep() {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    void stopAndJoin() throws InterruptedException {
      stopping.set(true);
      thread.join();
    }

    int acknowledged() { return acknowledged; }

    /** Calls that failed whole and records refused, all sent again: each may have been appended already. */
    int retries() { return retries; }

    /** Records acknowledged per key: every key went through the same rounds. */
    int sentPerKey() {
      int perKey = next.get(keys.get(0));
      for (String key : keys) assertEquals(perKey, next.get(key), "rounds of " + key);
      return perKey;
    }
  }
}
