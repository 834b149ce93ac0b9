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
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Three nodes with every shard on all three (replication.factor=3), the same stream-to-topic mirror
 * configured on each: it runs on one node only, the leader of its stream's first shard, and stands by on
 * the others. The running node is SIGKILLed while records keep coming; the mirror resumes on the shard's new
 * leader from the checkpoints in Kafka, and the topic ends up holding every acknowledged record once, in
 * per-key order, exactly as the stream holds them.
 */
@Timeout(240)
class ClusteredMirrorTest {
  private static final String MIRROR = "clustered";
  private static final String STREAM = "clustered";

  @TempDir
  Path directory;

  @Test
  void theMirrorRunsOnTheFirstShardsLeaderAndMovesWithIt() throws Exception {
    long began = System.nanoTime();
    try (KafkaBroker broker = KafkaBroker.start()) {
      Path mirrors = directory.resolve("mirrors.json");
      Files.writeString(mirrors, new JsonArray().add(new JsonObject().put("name", MIRROR)
          .put("direction", "STREAM_TO_TOPIC").put("stream", STREAM).put("topic", STREAM)).encode());
      Map<String, String> settings = new HashMap<>(Map.of(
          "TRIBUTARY_REPLICATION_FACTOR", "3",
          "TRIBUTARY_CLUSTER_FAILOVER_TIMEOUT_MS", "4000",
          "TRIBUTARY_KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
          "TRIBUTARY_MIRRORS_FILE", mirrors.toString(),
          "TRIBUTARY_MIRROR_RETRY_INITIAL_MS", "100",
          "TRIBUTARY_MIRROR_RETRY_MAX_MS", "1000"));
      List<Integer> ports = ChildCluster.clusterPorts(3);
      List<ChildServer> nodes = ChildCluster.start(directory, ports, settings);
      try {
        KinesisClient first = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, nodes.get(0).endpoint());
        first.createStream(b -> b.streamName(STREAM).shardCount(3));
        ClusterDataPlaneTest.awaitActiveThrough(first, STREAM);
        System.out.printf("cluster up, stream active after %d ms%n", millisSince(began));

        int runner = awaitOneRunner(nodes, ports, List.of(0, 1, 2));
        int producerNode = runner == 0 ? 1 : 0;
        Producer producer = new Producer(KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, nodes.get(producerNode).endpoint()),
            keys("m", 20));
        Thread producing = new Thread(producer::run, "producer");
        producing.start();
        await("records in the topic", Duration.ofSeconds(30),
            () -> count(MirrorFixture.topicByKey(broker.bootstrapServers(), STREAM)) > 200);

        nodes.get(runner).kill();
        long killed = System.nanoTime();
        System.out.printf("killed node %d (the mirror's runner) after %d acknowledged records%n", runner,
            producer.acknowledged());
        List<Integer> survivors = new ArrayList<>(List.of(0, 1, 2));
        survivors.remove(Integer.valueOf(runner));
        int next = awaitOneRunner(nodes, ports, survivors);
        System.out.printf("the mirror runs on node %d %d ms after the kill%n", next, millisSince(killed));
        long resumedAt = MirrorFixture.lastStableOffsets(broker.bootstrapServers(), STREAM);
        await("the new runner to produce", Duration.ofSeconds(30),
            () -> MirrorFixture.lastStableOffsets(broker.bootstrapServers(), STREAM) > resumedAt);
        Thread.sleep(1000);
        producer.stop();
        producing.join();
        KinesisClient survivor = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, nodes.get(producerNode).endpoint());
        Map<String, List<String>> stream = MirrorFixture.streamByKey(survivor, STREAM);
        await("the topic to hold every record of the stream", Duration.ofSeconds(30),
            () -> count(MirrorFixture.topicByKey(broker.bootstrapServers(), STREAM)) >= count(stream));
        Thread.sleep(500);  // a duplicate would show up after the last record
        Map<String, List<String>> topic = MirrorFixture.topicByKey(broker.bootstrapServers(), STREAM);
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
  }

  /**
   * Waits until exactly one of the nodes reports the mirror RUNNING and the others STANDBY naming that node;
   * returns the runner's index.
   */
  private static int awaitOneRunner(List<ChildServer> nodes, List<Integer> ports, List<Integer> which) throws Exception {
    int[] runner = {-1};
    List<JsonObject> seen = new ArrayList<>();
    try {
      await("one node to run the mirror, the others to stand by", Duration.ofSeconds(30), () -> {
        seen.clear();
        runner[0] = -1;
        int running = 0;
        for (int index : which) {
          JsonObject status = management(nodes.get(index).managementPort(), "GET", "/mirrors/" + MIRROR, null).body();
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
    final List<String> keys;
    private final Map<String, Integer> next = new ConcurrentHashMap<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile int acknowledged;
    private volatile int retries;

    Producer(KinesisClient client, List<String> keys) {
      this.client = client;
      this.keys = keys;
      for (String key : keys) next.put(key, 0);
    }

    void run() {
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
            response = client.putRecords(b -> b.streamName(STREAM).records(entries));
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

    void stop() { stopping.set(true); }

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
