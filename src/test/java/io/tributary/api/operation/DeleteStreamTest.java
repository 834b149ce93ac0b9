package io.tributary.api.operation;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

class DeleteStreamTest extends ApiTest {

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void deletesAStreamAndItsRecords(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("delete", 2);
    put(name, "k", "v");
    client.deleteStream(b -> b.streamName(name));
    String message = "Stream " + name + " under account 000000000000 not found.";
    assertKinesisError(ResourceNotFoundException.class, message, () -> client.describeStream(b -> b.streamName(name)));
    assertKinesisError(ResourceNotFoundException.class, message, () -> put(name, "k", "v"));
    assertKinesisError(ResourceNotFoundException.class, message, () -> client.deleteStream(b -> b.streamName(name)));

    // The name can be used again, for a new, empty stream.
    setup().createStream(b -> b.streamName(name).shardCount(1));
    String iterator = iterator(client, name, "shardId-000000000000",
        software.amazon.awssdk.services.kinesis.model.ShardIteratorType.TRIM_HORIZON);
    org.junit.jupiter.api.Assertions.assertTrue(client.getRecords(b -> b.shardIterator(iterator)).records().isEmpty());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void deletesAStreamWithConsumersOnlyWhenToldTo(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("delete-consumers", 1);
    String consumerArn = registerConsumer(name, "reader").consumerARN();
    String refused = "Consumers exist in stream " + name + " and enforceConsumerDeletion is either not set or is false";
    assertKinesisError(software.amazon.awssdk.services.kinesis.model.ResourceInUseException.class, refused,
        () -> client.deleteStream(b -> b.streamName(name)));
    assertKinesisError(software.amazon.awssdk.services.kinesis.model.ResourceInUseException.class, refused,
        () -> client.deleteStream(b -> b.streamARN(streamArn(name)).enforceConsumerDeletion(false)));

    client.deleteStream(b -> b.streamName(name).enforceConsumerDeletion(true));
    assertKinesisError(ResourceNotFoundException.class, "Stream " + name + " under account 000000000000 not found.",
        () -> client.describeStreamSummary(b -> b.streamName(name)));
    assertKinesisError(ResourceNotFoundException.class, "Consumer " + consumerArn + ", account 000000000000 not found.",
        () -> client.describeStreamConsumer(b -> b.consumerARN(consumerArn)));
  }

  @org.junit.jupiter.api.Test
  void staysDeletingForTheConfiguredDelay() throws InterruptedException {
    try (io.tributary.support.TestServer slow = io.tributary.support.TestServer.start(
        java.util.Map.of("stream.delete.delay.ms", "300"))) {
      KinesisClient client = io.tributary.support.KinesisClients.of(ClientKind.SYNC_JSON_HTTP1, slow.endpoint());
      client.createStream(b -> b.streamName("going").shardCount(1));
      String consumerArn = client.registerStreamConsumer(b -> b.streamARN(streamArn("going")).consumerName("reader"))
          .consumer().consumerARN();
      client.deleteStream(b -> b.streamName("going").enforceConsumerDeletion(true));
      org.junit.jupiter.api.Assertions.assertEquals(software.amazon.awssdk.services.kinesis.model.StreamStatus.DELETING,
          client.describeStreamSummary(b -> b.streamName("going")).streamDescriptionSummary().streamStatus());
      org.junit.jupiter.api.Assertions.assertEquals(software.amazon.awssdk.services.kinesis.model.ConsumerStatus.DELETING,
          client.describeStreamConsumer(b -> b.consumerARN(consumerArn)).consumerDescription().consumerStatus());
      // As AWS: deleting it again meanwhile succeeds, and it is still DELETING.
      client.deleteStream(b -> b.streamName("going"));
      org.junit.jupiter.api.Assertions.assertEquals(software.amazon.awssdk.services.kinesis.model.StreamStatus.DELETING,
          client.describeStreamSummary(b -> b.streamName("going")).streamDescriptionSummary().streamStatus());
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (System.nanoTime() < deadline) {
        try {
          client.describeStreamSummary(b -> b.streamName("going"));
          Thread.sleep(50);
        } catch (ResourceNotFoundException gone) {
          return;
        }
      }
      org.junit.jupiter.api.Assertions.fail("the stream was still there after 5 s");
    }
  }

  @org.junit.jupiter.api.Test
  void aStreamDeletedWhileCreatingShowsNoShards() {
    try (io.tributary.support.TestServer slow = io.tributary.support.TestServer.start(
        java.util.Map.of("stream.create.delay.ms", "3600000", "stream.delete.delay.ms", "3600000"))) {
      KinesisClient client = io.tributary.support.KinesisClients.of(ClientKind.SYNC_JSON_HTTP1, slow.endpoint());
      client.createStream(b -> b.streamName("abandoned").shardCount(2));
      client.deleteStream(b -> b.streamName("abandoned"));
      software.amazon.awssdk.services.kinesis.model.StreamDescription described =
          client.describeStream(b -> b.streamName("abandoned")).streamDescription();
      org.junit.jupiter.api.Assertions.assertEquals(software.amazon.awssdk.services.kinesis.model.StreamStatus.DELETING,
          described.streamStatus());
      org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(), described.shards(), "as AWS describes it");
      org.junit.jupiter.api.Assertions.assertFalse(described.hasMoreShards());
      org.junit.jupiter.api.Assertions.assertEquals(0, client.describeStreamSummary(b -> b.streamName("abandoned"))
          .streamDescriptionSummary().openShardCount());
    }
  }
}
