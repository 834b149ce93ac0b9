package io.tributary.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.limits.Budget;
import io.tributary.support.ClientKind;
import io.tributary.support.Eventually;
import io.tributary.support.KinesisClients;
import io.tributary.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * The records trigger lanes hold for delivery count against the server's read budget: a batch that would
 * hold more than the budget goes out smaller, every record still arrives in order, and the budget is whole
 * again once delivery is done.
 */
class TriggerMemoryBoundTest {
  private static final int RECORD_BYTES = 10 * 1024;
  private static final long READ_BUDGET = 1536 * 1024;

  @Test
  void batchesHoldNoMoreThanTheReadBudget() throws Exception {
    try (TestServer server = TestServer.start(Map.of("limits.inflight.read.bytes", String.valueOf(READ_BUDGET),
        "triggers.retry.initial.ms", "20", "triggers.retry.max.ms", "200", "triggers.poll.ms", "200",
        "triggers.scan.ms", "200"));
        FunctionServer function = new FunctionServer()) {
      KinesisClient kinesis = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
      kinesis.createStream(b -> b.streamName("bounded").shardCount(1));
      kinesis.waiter().waitUntilStreamExists(b -> b.streamName("bounded"));
      List<String> values = new ArrayList<>();
      for (int call = 0; call < 3; call++) {
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          String value = String.format("%04d", values.size()) + "x".repeat(RECORD_BYTES - 4);
          values.add(value);
          entries.add(PutRecordsRequestEntry.builder().partitionKey("k").data(SdkBytes.fromUtf8String(value)).build());
        }
        assertEquals(0, kinesis.putRecords(b -> b.streamName("bounded").records(entries)).failedRecordCount());
      }
      new TriggerApi(server.managementPort()).created(new JsonObject()
          .put("EventSourceArn", "arn:aws:kinesis:us-east-1:000000000000:stream/bounded")
          .put("TargetUrl", function.url()).put("StartingPosition", "TRIM_HORIZON").put("BatchSize", 1000));

      FunctionServer.await(Duration.ofSeconds(30), () -> function.delivered().size() >= values.size());
      assertEquals(values, function.delivered(), "every record, in order, once");
      long largest = function.invocations().stream().mapToLong(invocation -> invocation.records().size()).max().orElse(0);
      assertTrue(largest * RECORD_BYTES < READ_BUDGET, "a batch of " + largest + " records held more than the budget");
      Budget reads = server.server().services().budgets().reads();
      Eventually.assertEqualsWithin(Duration.ofSeconds(10), 0, reads::used, "held bytes given back");
    }
  }
}
