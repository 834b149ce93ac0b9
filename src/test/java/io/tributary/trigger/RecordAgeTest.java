package io.tributary.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.MutableClock;
import io.tributary.support.TestServer;
import io.tributary.trigger.FunctionServer.Answer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * MaximumRecordAgeInSeconds: a batch that keeps failing with retries unbounded is given up once its records
 * are older than the limit, described to the failure destination, and the shard moves on. The server's clock
 * is moved by hand.
 */
class RecordAgeTest {
  private static final Duration BOUND = Duration.ofSeconds(30);

  @Test
  void recordsPastTheirAgeGoToTheFailureDestination() throws Exception {
    MutableClock clock = new MutableClock();
    try (TestServer server = TestServer.start(Map.of("triggers.retry.initial.ms", "20", "triggers.retry.max.ms", "100",
        "triggers.poll.ms", "100", "triggers.scan.ms", "100"), clock);
        FunctionServer function = new FunctionServer()) {
      KinesisClient kinesis = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
      for (String name : List.of("aged", "aged-dlq")) {
        kinesis.createStream(b -> b.streamName(name).shardCount(1));
        kinesis.waiter().waitUntilStreamExists(b -> b.streamName(name));
      }
      function.answer(event -> FunctionServer.data(event.getJsonArray("Records")).contains("bad") ? Answer.error() : Answer.ok());
      kinesis.putRecord(b -> b.streamName("aged").partitionKey("k").data(SdkBytes.fromUtf8String("bad")));
      TriggerApi api = new TriggerApi(server.managementPort());
      String uuid = api.created(new JsonObject().put("EventSourceArn", "arn:aws:kinesis:us-east-1:000000000000:stream/aged")
          .put("TargetUrl", function.url()).put("StartingPosition", "TRIM_HORIZON").put("MaximumRecordAgeInSeconds", 60)
          .put("DestinationConfig", new JsonObject().put("OnFailure", new JsonObject()
              .put("Destination", "arn:aws:kinesis:us-east-1:000000000000:stream/aged-dlq"))));
      FunctionServer.await(BOUND, () -> function.invocations().size() >= 3);
      assertEquals(0, api.status(uuid).getLong("RecordsToFailureDestination"), "young records are retried");

      clock.advance(Duration.ofSeconds(61));
      kinesis.putRecord(b -> b.streamName("aged").partitionKey("k").data(SdkBytes.fromUtf8String("good")));
      FunctionServer.await(BOUND, () -> function.delivered().contains("good"));

      assertEquals(List.of("good"), function.delivered(), "the shard moved on past the aged record");
      assertEquals(1, api.status(uuid).getLong("RecordsToFailureDestination"));
      String iterator = kinesis.getShardIterator(b -> b.streamName("aged-dlq").shardId("shardId-000000000000")
          .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
      List<Record> described = kinesis.getRecords(b -> b.shardIterator(iterator)).records();
      assertEquals(1, described.size());
      JsonObject document = new JsonObject(described.get(0).data().asUtf8String());
      assertEquals("RecordAgeExceeded", document.getJsonObject("requestContext").getString("condition"));
      assertEquals(1, document.getJsonObject("KinesisBatchInfo").getInteger("batchSize"));
      assertEquals("shardId-000000000000", described.get(0).partitionKey());
      assertTrue(api.status(uuid).getLong("Retries") >= 2);
    }
  }
}
