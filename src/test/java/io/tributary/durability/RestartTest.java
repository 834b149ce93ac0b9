package io.tributary.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.MutableClock;
import io.tributary.support.TestServer;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamDescription;
import software.amazon.awssdk.services.kinesis.model.StreamMode;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/** Streams, shards and records are all there after a clean restart, and writing continues where it stopped. */
class RestartTest {

  @Test
  void streamsShardsAndRecordsSurviveARestart(@TempDir Path data) {
    Map<String, String> settings = Map.of("data.dir", data.toString());
    StreamDescription before;
    String lastSequence;
    String iteratorFromBefore;
    try (TestServer server = TestServer.start(settings)) {
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
      client.createStream(b -> b.streamName("kept").shardCount(3));
      client.createStream(b -> b.streamName("on-demand").streamModeDetails(m -> m.streamMode(StreamMode.ON_DEMAND)));
      client.createStream(b -> b.streamName("dropped").shardCount(1));
      client.deleteStream(b -> b.streamName("dropped"));
      List<PutRecordsRequestEntry> entries = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        entries.add(PutRecordsRequestEntry.builder().partitionKey("k" + i).data(SdkBytes.fromUtf8String("v" + i)).build());
      }
      client.putRecords(b -> b.streamName("kept").records(entries));
      lastSequence = client.putRecord(b -> b.streamName("kept").partitionKey("k0").data(SdkBytes.fromUtf8String("last")))
          .sequenceNumber();
      before = client.describeStream(b -> b.streamName("kept")).streamDescription();
      iteratorFromBefore = client.getShardIterator(b -> b.streamName("kept").shardId("shardId-000000000000")
          .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
    }

    try (TestServer server = TestServer.start(settings)) {
      KinesisClient client = KinesisClients.of(ClientKind.ASYNC_JSON_H2C, server.endpoint());
      StreamDescription after = client.describeStream(b -> b.streamName("kept")).streamDescription();
      assertEquals(StreamStatus.ACTIVE, after.streamStatus());
      assertEquals(before.shards(), after.shards());
      assertEquals(before.streamCreationTimestamp(), after.streamCreationTimestamp());
      assertEquals(List.of("kept", "on-demand"), client.listStreams().streamNames());
      assertThrows(ResourceNotFoundException.class, () -> client.describeStream(b -> b.streamName("dropped")));

      List<String> values = new ArrayList<>();
      for (Shard shard : after.shards()) {
        String iterator = client.getShardIterator(b -> b.streamName("kept").shardId(shard.shardId())
            .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        for (Record record : client.getRecords(b -> b.shardIterator(iterator)).records()) {
          values.add(record.data().asUtf8String());
        }
      }
      assertEquals(301, values.size());
      assertTrue(values.contains("last"));

      // Iterators handed out before the restart still read.
      assertNotNull(client.getRecords(b -> b.shardIterator(iteratorFromBefore)).nextShardIterator());
      String next = client.putRecord(b -> b.streamName("kept").partitionKey("k0").data(SdkBytes.fromUtf8String("after")))
          .sequenceNumber();
      assertTrue(new BigInteger(next).compareTo(new BigInteger(lastSequence)) > 0, "sequence numbers continue upward");
    }
  }

  @Test
  void recordsPastRetentionStopBeingReadable(@TempDir Path data) {
    MutableClock clock = new MutableClock();
    try (TestServer server = TestServer.start(Map.of("data.dir", data.toString(), "log.segment.bytes", "4096",
        "log.retention.check.ms", "50"), clock)) {
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
      client.createStream(b -> b.streamName("short").shardCount(1));
      for (int i = 0; i < 100; i++) {
        int n = i;
        client.putRecord(b -> b.streamName("short").partitionKey("k").data(SdkBytes.fromUtf8String("old-" + n + "-" + "x".repeat(100))));
      }
      clock.advance(Duration.ofHours(25));
      client.putRecord(b -> b.streamName("short").partitionKey("k").data(SdkBytes.fromUtf8String("new")));
      String iterator = client.getShardIterator(b -> b.streamName("short").shardId("shardId-000000000000")
          .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
      List<Record> records = client.getRecords(b -> b.shardIterator(iterator)).records();
      assertEquals(List.of("new"), records.stream().map(r -> r.data().asUtf8String()).toList());
    }
  }
}
