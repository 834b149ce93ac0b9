package io.tributary.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.support.ClientKind;
import io.tributary.support.KafkaBroker;
import io.tributary.support.KinesisClients;
import io.tributary.support.TestServer;
import io.tributary.trigger.FunctionServer.Answer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/** A Kafka topic as the failure destination ({@code kafka://<topic>}), on a real broker, through the bridge's settings. */
class KafkaFailureDestinationTest {
  private static final Duration BOUND = Duration.ofSeconds(30);

  @Test
  void aBatchGivenUpIsDescribedInTheTopic() throws Exception {
    try (KafkaBroker broker = KafkaBroker.start();
        TestServer server = TestServer.start(Map.of("kafka.bootstrap.servers", broker.bootstrapServers(),
            "triggers.retry.initial.ms", "20", "triggers.poll.ms", "100", "triggers.scan.ms", "100"));
        FunctionServer function = new FunctionServer()) {
      broker.admin().createTopics(List.of(new NewTopic("trigger-failures", 1, (short) 1))).all().get();
      KinesisClient kinesis = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
      kinesis.createStream(b -> b.streamName("to-kafka").shardCount(1));
      kinesis.waiter().waitUntilStreamExists(b -> b.streamName("to-kafka"));
      function.answer(event -> FunctionServer.data(event.getJsonArray("Records")).contains("bad") ? Answer.error() : Answer.ok());
      kinesis.putRecord(b -> b.streamName("to-kafka").partitionKey("k").data(SdkBytes.fromUtf8String("bad")));
      TriggerApi api = new TriggerApi(server.managementPort());
      String uuid = api.created(new JsonObject().put("EventSourceArn", "arn:aws:kinesis:us-east-1:000000000000:stream/to-kafka")
          .put("TargetUrl", function.url()).put("StartingPosition", "TRIM_HORIZON").put("MaximumRetryAttempts", 0)
          .put("DestinationConfig", new JsonObject().put("OnFailure", new JsonObject().put("Destination", "kafka://trigger-failures"))));
      FunctionServer.await(BOUND, () -> api.status(uuid).getLong("RecordsToFailureDestination") >= 1);
      kinesis.putRecord(b -> b.streamName("to-kafka").partitionKey("k").data(SdkBytes.fromUtf8String("good")));
      FunctionServer.await(BOUND, () -> function.delivered().contains("good"));
      assertEquals(List.of("good"), function.delivered());

      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
          ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
          ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
          ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
        TopicPartition partition = new TopicPartition("trigger-failures", 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (records.isEmpty() && System.nanoTime() < deadline) consumer.poll(Duration.ofMillis(500)).forEach(records::add);
      }
      assertEquals(1, records.size());
      assertEquals("shardId-000000000000", new String(records.get(0).key(), StandardCharsets.UTF_8));
      JsonObject document = new JsonObject(new String(records.get(0).value(), StandardCharsets.UTF_8));
      assertEquals("RetryAttemptsExhausted", document.getJsonObject("requestContext").getString("condition"));
      assertEquals(1, document.getJsonObject("requestContext").getInteger("approximateInvokeCount"));
      assertEquals(1, document.getJsonObject("KinesisBatchInfo").getInteger("batchSize"));
    }
  }
}
