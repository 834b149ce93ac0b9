package io.tributary.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.KclConsumer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * The Kinesis Client Library through a failover: two KCL applications (GetRecords polling, and enhanced fan-out
 * with SubscribeToShard) consume a replicated stream through one node while a node that leads some of its
 * shards is killed. Both keep their leases, process every acknowledged record exactly once, and checkpoint.
 */
@Timeout(360)
class ReplicatedKclTest {
  @TempDir
  Path directory;

  @Test
  void kclConsumersLoseNothingWhenALeaderDies() throws Exception {
    try (ReplicatedCluster cluster = ReplicatedCluster.start(directory)) {
      cluster.createStream("kcl", 3);
      KinesisClient producer = cluster.client(1);
      Set<String> acknowledged = ConcurrentHashMap.newKeySet();
      acknowledged.addAll(putBatch(producer, "before", 30));
      consumeThroughAFailover(cluster, producer, acknowledged);
    }
  }

  private static void consumeThroughAFailover(ReplicatedCluster cluster, KinesisClient producer,
      Set<String> acknowledged) throws Exception {
    try (KclConsumer polling = KclConsumer.start(cluster.node(0).endpoint(), "kcl", true);
         KclConsumer fanOut = KclConsumer.start(cluster.node(0).endpoint(), "kcl", false)) {
      polling.await("the records written before", () -> polling.collected.distinct() >= 30);
      fanOut.await("the records written before", () -> fanOut.collected.distinct() >= 30);

      // The third node leads one of the three groups: its shards fail over while the consumers read.
      cluster.kill(2);
      acknowledged.addAll(putBatch(producer, "during", 60));
      for (KclConsumer kcl : List.of(polling, fanOut)) {
        kcl.await("every acknowledged record", () -> kcl.collected.records.keySet().containsAll(acknowledged));
      }
      Thread.sleep(1500);  // anything processed twice shows up before counting
      for (KclConsumer kcl : List.of(polling, fanOut)) {
        assertEquals(Map.of(), kcl.collected.duplicates(), kcl.application + ": records processed more than once");
        assertEquals(new TreeSet<>(acknowledged), new TreeSet<>(kcl.collected.records.keySet()), kcl.application);
        assertTrue(kcl.collected.errors.isEmpty(), kcl.application + ": record processor errors: " + kcl.collected.errors);
        Map<String, String> checkpoints = kcl.checkpoints();
        for (String shardId : kcl.collected.shardsWithRecords) {
          String checkpoint = checkpoints.get(shardId);
          assertTrue(checkpoint != null && checkpoint.matches("\\d+"),
              kcl.application + ": shard " + shardId + " has a sequence-number checkpoint: " + checkpoints);
        }
      }
    }
  }

  /**
   * Puts the batch until every record is acknowledged: a record refused during the election (InternalFailure,
   * the put's fate unknown to the server for at most the commit timeout) is put again, as the KPL would.
   */
  private static List<String> putBatch(KinesisClient client, String phase, int count) throws InterruptedException {
    List<String> pending = new ArrayList<>();
    for (int i = 0; i < count; i++) pending.add(phase + "-" + i);
    List<String> acknowledged = new ArrayList<>();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!pending.isEmpty() && System.nanoTime() < deadline) {
      List<PutRecordsRequestEntry> entries = pending.stream().map(data -> PutRecordsRequestEntry.builder()
          .partitionKey("pk-" + data).data(SdkBytes.fromUtf8String(data)).build()).toList();
      try {
        PutRecordsResponse response = client.putRecords(b -> b.streamName("kcl").records(entries));
        List<String> refused = new ArrayList<>();
        for (int i = 0; i < pending.size(); i++) {
          if (response.records().get(i).sequenceNumber() != null) acknowledged.add(pending.get(i));
          else refused.add(pending.get(i));
        }
        pending = refused;
      } catch (KinesisException refused) {
        if (refused.statusCode() != 500) throw refused;
      }
      if (!pending.isEmpty()) Thread.sleep(200);
    }
    assertEquals(List.of(), pending, "records never acknowledged");
    return acknowledged;
  }
}
