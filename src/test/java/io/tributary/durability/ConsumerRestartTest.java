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
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ConsumerDescription;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Tag;

/**
 * Consumers, tags and resource policies are kept with the stream catalog; a consumer left CREATING by a
 * stopped server is ACTIVE after a restart, and one left DELETING is gone.
 */
class ConsumerRestartTest {
  private static final String STREAM_ARN = "arn:aws:kinesis:us-east-1:000000000000:stream/kept";
  private static final String POLICY = "{\"Version\":\"2012-10-17\",\"Statement\":[]}";

  @Test
  void consumersTagsAndPoliciesSurviveARestart(@TempDir Path data) {
    String keptArn;
    String leavingArn;
    try (TestServer server = TestServer.start(Map.of("data.dir", data.toString()))) {
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
      client.createStream(b -> b.streamName("kept").shardCount(1).tags(Map.of("stream-tag", "1")));
      keptArn = client.registerStreamConsumer(b -> b.streamARN(STREAM_ARN).consumerName("kept")
          .tags(Map.of("consumer-tag", "2"))).consumer().consumerARN();
      leavingArn = client.registerStreamConsumer(b -> b.streamARN(STREAM_ARN).consumerName("leaving")).consumer()
          .consumerARN();
      client.putResourcePolicy(b -> b.resourceARN(STREAM_ARN).policy(POLICY));
      client.putResourcePolicy(b -> b.resourceARN(keptArn).policy(POLICY));
    }

    Map<String, String> slow = Map.of("data.dir", data.toString(), "consumer.create.delay.ms", "600000",
        "consumer.delete.delay.ms", "600000");
    String arrivingArn;
    try (TestServer server = TestServer.start(slow)) {
      KinesisClient client = KinesisClients.of(ClientKind.ASYNC_JSON_H2C, server.endpoint());
      arrivingArn = client.registerStreamConsumer(b -> b.streamARN(STREAM_ARN).consumerName("arriving")).consumer()
          .consumerARN();
      client.deregisterStreamConsumer(b -> b.consumerARN(leavingArn));
      assertEquals(ConsumerStatus.DELETING, describe(client, leavingArn).consumerStatus());
    }

    try (TestServer server = TestServer.start(slow)) {
      KinesisClient client = KinesisClients.of(ClientKind.ASYNC_CBOR_H2C, server.endpoint());
      assertEquals(ConsumerStatus.ACTIVE, describe(client, arrivingArn).consumerStatus());
      assertEquals(ConsumerStatus.ACTIVE, describe(client, keptArn).consumerStatus());
      assertThrows(ResourceNotFoundException.class, () -> describe(client, leavingArn));
      assertEquals(List.of(keptArn, arrivingArn), client.listStreamConsumers(b -> b.streamARN(STREAM_ARN)).consumers()
          .stream().map(c -> c.consumerARN()).toList());
      assertEquals(2, client.describeStreamSummary(b -> b.streamName("kept")).streamDescriptionSummary().consumerCount());

      assertEquals(List.of(Tag.builder().key("stream-tag").value("1").build()),
          client.listTagsForStream(b -> b.streamName("kept")).tags());
      assertEquals(List.of(Tag.builder().key("consumer-tag").value("2").build()),
          client.listTagsForResource(b -> b.resourceARN(keptArn)).tags());
      assertEquals(POLICY, client.getResourcePolicy(b -> b.resourceARN(STREAM_ARN)).policy());
      assertEquals(POLICY, client.getResourcePolicy(b -> b.resourceARN(keptArn)).policy());
    }
  }

  private static ConsumerDescription describe(KinesisClient client, String consumerArn) {
    return client.describeStreamConsumer(b -> b.consumerARN(consumerArn)).consumerDescription();
  }
}
