package io.tributary.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ScalingType;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardFilterType;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Producers write while the stream is split, merged and scaled; a reader that follows the lineage as KCL
 * does (a shard only after its parents, children from ChildShards) sees every acknowledged record exactly
 * once, and each partition key's records in the order they were written.
 */
class ReshardingLineageTest extends ApiTest {

  @Test
  void everyRecordIsReadOnceFollowingParentsBeforeChildren() throws Exception {
    String stream = createStream("lineage", 2);
    KinesisClient admin = client(ClientKind.SYNC_CBOR_HTTP1);
    Map<String, String> acknowledged = new java.util.concurrent.ConcurrentHashMap<>();
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Future<?>> producers = new ArrayList<>();
    for (int p = 0; p < 2; p++) {
      int producer = p;
      KinesisClient client = client(producer == 0 ? ClientKind.ASYNC_CBOR_H2C : ClientKind.SYNC_JSON_HTTP1);
      producers.add(pool.submit(() -> {
        int counter = 0;
        while (running.get()) {
          List<PutRecordsRequestEntry> entries = new ArrayList<>();
          for (int i = 0; i < 20; i++) {
            String key = "p" + producer + "k" + (counter % 10);
            entries.add(PutRecordsRequestEntry.builder().partitionKey(key)
                .data(SdkBytes.fromUtf8String(key + "/" + counter++)).build());
          }
          PutRecordsResponse response = client.putRecords(b -> b.streamName(stream).records(entries));
          assertEquals(0, response.failedRecordCount(), "no record fails during resharding");
          for (int i = 0; i < entries.size(); i++) {
            acknowledged.put(entries.get(i).data().asUtf8String(), response.records().get(i).sequenceNumber());
          }
        }
        return null;
      }));
    }

    Thread.sleep(200);
    admin.splitShard(b -> b.streamName(stream).shardToSplit("shardId-000000000000")
        .newStartingHashKey("85070591730234615865843651857942052864"));
    Thread.sleep(200);
    admin.mergeShards(b -> b.streamName(stream).shardToMerge("shardId-000000000003").adjacentShardToMerge("shardId-000000000001"));
    Thread.sleep(200);
    admin.updateShardCount(b -> b.streamName(stream).targetShardCount(4).scalingType(ScalingType.UNIFORM_SCALING));
    Thread.sleep(200);
    admin.updateShardCount(b -> b.streamName(stream).targetShardCount(3).scalingType(ScalingType.UNIFORM_SCALING));
    Thread.sleep(200);
    running.set(false);
    for (Future<?> producer : producers) producer.get();
    pool.shutdown();

    Map<String, String> read = readFollowingLineage(admin, stream);
    assertEquals(acknowledged.size(), read.size(), "records read once each");
    assertEquals(acknowledged, read);
    assertTrue(acknowledged.size() > 500, "enough records written: " + acknowledged.size());
  }

  /** Reads the whole stream as KCL does and checks per-key order; returns data → sequence number. */
  private static Map<String, String> readFollowingLineage(KinesisClient client, String stream) {
    List<Shard> shards = client.listShards(b -> b.streamName(stream)
        .shardFilter(f -> f.type(ShardFilterType.FROM_TRIM_HORIZON))).shards();
    Map<String, Shard> byId = new HashMap<>();
    for (Shard shard : shards) byId.put(shard.shardId(), shard);
    Set<String> done = new HashSet<>();
    Map<String, String> read = new HashMap<>();
    Map<String, Integer> lastCounterPerKey = new HashMap<>();
    List<String> ready = new ArrayList<>();
    for (Shard shard : shards) if (shard.parentShardId() == null) ready.add(shard.shardId());
    Map<String, Integer> pendingParents = new HashMap<>();
    while (!ready.isEmpty()) {
      String shardId = ready.remove(0);
      if (!done.add(shardId)) continue;
      String iterator = client.getShardIterator(b -> b.streamName(stream).shardId(shardId)
          .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
      while (true) {
        String current = iterator;
        GetRecordsResponse page = client.getRecords(b -> b.shardIterator(current));
        for (Record record : page.records()) {
          String data = record.data().asUtf8String();
          assertNull(read.put(data, record.sequenceNumber()), "read twice: " + data);
          String[] parts = data.split("/");
          Integer last = lastCounterPerKey.put(parts[0], Integer.parseInt(parts[1]));
          assertTrue(last == null || Integer.parseInt(parts[1]) > last, "order of " + parts[0] + " kept across shards");
        }
        if (page.nextShardIterator() == null) {
          for (ChildShard child : page.childShards()) {
            int waiting = pendingParents.getOrDefault(child.shardId(), child.parentShards().size()) - 1;
            pendingParents.put(child.shardId(), waiting);
            if (waiting == 0) ready.add(child.shardId());
          }
          break;
        }
        if (page.records().isEmpty() && byId.get(shardId).sequenceNumberRange().endingSequenceNumber() == null) break;
        iterator = page.nextShardIterator();
      }
    }
    return read;
  }
}
