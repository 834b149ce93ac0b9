package io.tributary.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Consumer;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * When the stream catalog cannot be written (every write fails, as on a full disk), each control-plane
 * call answers InternalFailure and changes nothing that anyone can see, then or after a restart, while
 * records are still put and read.
 */
class MetadataOnFullDiskTest {

  @Test
  void controlPlaneCallsThatCannotBeKeptChangeNothing(@TempDir Path data) {
    String stream = "kept";
    String streamArn;
    try (TestServer server = TestServer.start(Map.of("data.dir", data.toString()))) {
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
      client.createStream(b -> b.streamName(stream).shardCount(1));
      streamArn = client.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamARN();
      client.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("first"));
    }

    try (TestServer server = TestServer.start(Map.of("data.dir", data.toString(), "faults.catalog.write.failure", "1"))) {
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_JSON_HTTP1, server.endpoint());
      assertInternalFailure(() -> client.createStream(b -> b.streamName("refused").shardCount(1)));
      assertInternalFailure(() -> client.addTagsToStream(b -> b.streamName(stream).tags(Map.of("team", "payments"))));
      assertInternalFailure(() -> client.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("second")));
      assertInternalFailure(() -> client.splitShard(b -> b.streamName(stream).shardToSplit("shardId-000000000000")
          .newStartingHashKey("170141183460469231731687303715884105728")));
      assertInternalFailure(() -> client.deleteStream(b -> b.streamName(stream).enforceConsumerDeletion(true)));

      assertUnchanged(client, stream, streamArn);
      // The data plane does not need the catalog.
      String sequence = client.putRecord(b -> b.streamName(stream).partitionKey("k")
          .data(SdkBytes.fromUtf8String("still served"))).sequenceNumber();
      assertEquals(56, sequence.length());
    }

    try (TestServer server = TestServer.start(Map.of("data.dir", data.toString()))) {
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
      assertUnchanged(client, stream, streamArn);
      // The split that was refused did not take shard ids: the next split makes shards 1 and 2.
      client.splitShard(b -> b.streamName(stream).shardToSplit("shardId-000000000000")
          .newStartingHashKey("170141183460469231731687303715884105728"));
      assertEquals(List.of("shardId-000000000000", "shardId-000000000001", "shardId-000000000002"),
          client.listShards(b -> b.streamName(stream)).shards().stream().map(s -> s.shardId()).toList());
    }
  }

  private static void assertUnchanged(KinesisClient client, String stream, String streamArn) {
    assertEquals(List.of(stream), client.listStreams().streamNames());
    assertEquals(StreamStatus.ACTIVE, client.describeStreamSummary(b -> b.streamName(stream))
        .streamDescriptionSummary().streamStatus());
    assertEquals(List.of(), client.listTagsForStream(b -> b.streamName(stream)).tags());
    assertEquals(List.of("first"), client.listStreamConsumers(b -> b.streamARN(streamArn)).consumers().stream()
        .map(Consumer::consumerName).toList());
    assertEquals(1, client.listShards(b -> b.streamName(stream)).shards().size());
  }

  private static void assertInternalFailure(Runnable call) {
    KinesisException refused = assertThrows(KinesisException.class, call::run);
    assertEquals("InternalFailure", refused.awsErrorDetails().errorCode());
    assertEquals(500, refused.statusCode());
  }
}
