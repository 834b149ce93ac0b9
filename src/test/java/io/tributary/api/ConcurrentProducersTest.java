package io.tributary.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Four producers write at once, each through a different kind of client; every record comes back exactly
 * once, each shard in strictly increasing sequence order, and each producer's records of one key in the
 * order it wrote them.
 */
class ConcurrentProducersTest extends ApiTest {
  private static final int PRODUCERS = 4;
  private static final int BATCHES = 40;
  private static final int BATCH_SIZE = 100;
  private static final int KEYS = 16;

  @Test
  void everyRecordComesBackExactlyOnceInOrder() throws Exception {
    String stream = createStream("concurrent", 4);
    ClientKind[] kinds = {ClientKind.ASYNC_CBOR_H2C, ClientKind.SYNC_CBOR_HTTP1, ClientKind.ASYNC_JSON_H2C,
        ClientKind.SYNC_JSON_HTTP1};
    ExecutorService pool = Executors.newFixedThreadPool(PRODUCERS);
    List<Future<Integer>> producers = new ArrayList<>();
    for (int p = 0; p < PRODUCERS; p++) {
      int producer = p;
      KinesisClient client = client(kinds[p]);
      producers.add(pool.submit(() -> produce(client, stream, producer)));
    }
    int written = 0;
    for (Future<Integer> producer : producers) written += producer.get();
    pool.shutdown();
    assertEquals(PRODUCERS * BATCHES * BATCH_SIZE, written);

    Set<String> seen = new HashSet<>();
    Map<String, Integer> lastCounterPerProducerKey = new HashMap<>();
    KinesisClient reader = client(ClientKind.ASYNC_CBOR_H2C);
    for (Shard shard : reader.listShards(b -> b.streamName(stream)).shards()) {
      String iterator = iterator(reader, stream, shard.shardId(), ShardIteratorType.TRIM_HORIZON);
      BigInteger previous = BigInteger.ZERO;
      while (true) {
        String current = iterator;
        GetRecordsResponse page = reader.getRecords(b -> b.shardIterator(current).limit(1000));
        for (Record record : page.records()) {
          BigInteger sequence = new BigInteger(record.sequenceNumber());
          assertTrue(sequence.compareTo(previous) > 0, "sequence numbers increase within " + shard.shardId());
          previous = sequence;
          String data = record.data().asUtf8String();
          assertTrue(seen.add(data), "read twice: " + data);
          // data = producer/key/counter; a producer's records of one key keep their order.
          String[] parts = data.split("/");
          String producerKey = parts[0] + "/" + parts[1];
          int counter = Integer.parseInt(parts[2]);
          Integer last = lastCounterPerProducerKey.put(producerKey, counter);
          assertTrue(last == null || counter > last, "order kept for " + producerKey);
          assertEquals(parts[1], record.partitionKey());
        }
        iterator = page.nextShardIterator();
        if (page.records().isEmpty()) break;
      }
    }
    assertEquals(written, seen.size());
  }

  private static int produce(KinesisClient client, String stream, int producer) {
    int counter = 0;
    for (int batch = 0; batch < BATCHES; batch++) {
      List<PutRecordsRequestEntry> entries = new ArrayList<>(BATCH_SIZE);
      for (int i = 0; i < BATCH_SIZE; i++) {
        String key = "key-" + (counter % KEYS);
        entries.add(PutRecordsRequestEntry.builder().partitionKey(key)
            .data(SdkBytes.fromUtf8String("p" + producer + "/" + key + "/" + counter)).build());
        counter++;
      }
      PutRecordsResponse response = client.putRecords(b -> b.streamName(stream).records(entries));
      assertEquals(0, response.failedRecordCount());
    }
    return counter;
  }
}
