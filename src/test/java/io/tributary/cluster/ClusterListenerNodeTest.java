package io.tributary.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ChildCluster;
import io.tributary.support.ChildServer;
import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamDescription;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * Two server JVMs on 127.0.0.1 with one metadata voter: the second node, started after a stream exists, is no
 * voter and follows the metadata group as a listener; it serves the stream made before it came, and a stream
 * made through it is kept by the group and served through the voter, records and all.
 */
@Timeout(240)
class ClusterListenerNodeTest {
  @TempDir
  Path directory;
  private final List<ChildServer> nodes = new ArrayList<>();

  @AfterEach
  void stopNodes() {
    nodes.forEach(ChildServer::close);
  }

  @Test
  void aNodeBeyondTheVotersServesTheSameStreamsAndWritesThroughTheGroup() {
    List<Integer> ports = ChildCluster.clusterPorts(2);
    nodes.add(ChildServer.start(directory.resolve("voter"), settings(0, ports), List.of("-Xmx256m"),
        System.getProperty("java.class.path")));
    KinesisClient voter = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, nodes.get(0).endpoint());
    voter.createStream(b -> b.streamName("before").shardCount(2));
    awaitActive(voter, "before");

    nodes.add(ChildServer.start(directory.resolve("listener"), settings(1, ports), List.of("-Xmx256m"),
        System.getProperty("java.class.path")));
    KinesisClient listener = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, nodes.get(1).endpoint());
    StreamDescription before = voter.describeStream(b -> b.streamName("before")).streamDescription();
    StreamDescription seen = listener.describeStream(b -> b.streamName("before")).streamDescription();
    assertEquals(before.streamARN(), seen.streamARN());
    assertEquals(before.shards(), seen.shards());

    listener.createStream(b -> b.streamName("after").shardCount(2));
    awaitActive(voter, "after");
    awaitActive(listener, "after");
    String shardId = listener.putRecord(b -> b.streamName("after").partitionKey("k")
        .data(SdkBytes.fromUtf8String("through the listener"))).shardId();
    String iterator = voter.getShardIterator(b -> b.streamName("after").shardId(shardId)
        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
    GetRecordsResponse page = voter.getRecords(b -> b.shardIterator(iterator));
    assertEquals(List.of("through the listener"), page.records().stream().map(r -> r.data().asUtf8String()).toList());
  }

  /** Node {@code index} of the two, with one metadata voter: the first. */
  private static Map<String, String> settings(int index, List<Integer> ports) {
    Map<String, String> settings = new HashMap<>(ChildCluster.nodeSettings(index, ports));
    settings.put("TRIBUTARY_CLUSTER_METADATA_VOTERS", "1");
    return settings;
  }

  private static void awaitActive(KinesisClient client, String stream) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (client.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatus()
        != StreamStatus.ACTIVE) {
      assertTrue(System.nanoTime() < deadline, stream + " turns ACTIVE");
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
