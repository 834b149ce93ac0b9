package io.tributary.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.MutableClock;
import io.tributary.support.TestServer;
import io.tributary.trigger.FunctionServer.Answer;
import io.tributary.trigger.FunctionServer.Invocation;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * A tumbling window summing values: the state the function answers comes back with the window's next
 * invocation, the window closes with a final invocation when a record of a later window arrives or its
 * time is over, and a window's records never mix with another's. The server's clock is moved by hand.
 */
class TumblingWindowTest {
  private static final Duration BOUND = Duration.ofSeconds(30);

  @Test
  void sumsEachWindowWithStateCarriedBetweenInvocations() throws Exception {
    MutableClock clock = new MutableClock();
    long now = clock.millis();
    clock.advance(Duration.ofMillis(60_000 - Math.floorMod(now, 60_000) + 1_000));
    try (TestServer server = TestServer.start(Map.of("triggers.poll.ms", "100", "triggers.scan.ms", "100"), clock);
        FunctionServer function = new FunctionServer()) {
      KinesisClient kinesis = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
      kinesis.createStream(b -> b.streamName("window-sum").shardCount(1));
      kinesis.waiter().waitUntilStreamExists(b -> b.streamName("window-sum"));
      List<JsonObject> finals = new CopyOnWriteArrayList<>();
      function.answer(event -> {
        long sum = event.getJsonObject("state").getLong("sum", 0L);
        for (String value : FunctionServer.data(event.getJsonArray("Records"))) sum += Long.parseLong(value);
        if (event.getBoolean("isFinalInvokeForWindow")) finals.add(event.getJsonObject("window").copy().put("sum", sum));
        return Answer.ok(new JsonObject().put("state", new JsonObject().put("sum", sum)));
      });
      put(kinesis, "1", "2", "3");
      new TriggerApi(server.managementPort()).created(new JsonObject()
          .put("EventSourceArn", "arn:aws:kinesis:us-east-1:000000000000:stream/window-sum")
          .put("TargetUrl", function.url()).put("StartingPosition", "TRIM_HORIZON").put("TumblingWindowInSeconds", 60));
      FunctionServer.await(BOUND, () -> function.delivered().size() >= 3);
      put(kinesis, "4", "5");
      FunctionServer.await(BOUND, () -> function.delivered().size() >= 5);
      assertTrue(finals.isEmpty(), "the first window is still open");

      clock.advance(Duration.ofSeconds(60));
      put(kinesis, "10", "20", "30");
      FunctionServer.await(BOUND, () -> finals.size() >= 1 && function.delivered().size() >= 8);
      clock.advance(Duration.ofSeconds(60));
      FunctionServer.await(BOUND, () -> finals.size() >= 2);

      assertEquals(2, finals.size(), finals.toString());
      assertEquals(15, finals.get(0).getLong("sum"));
      assertEquals(60, finals.get(1).getLong("sum"));
      Instant firstStart = Instant.parse(finals.get(0).getString("start"));
      assertEquals(0, firstStart.toEpochMilli() % 60_000, "windows are aligned");
      assertEquals(firstStart.plusSeconds(60), Instant.parse(finals.get(0).getString("end")));
      assertEquals(firstStart.plusSeconds(60), Instant.parse(finals.get(1).getString("start")));
      boolean carried = false;
      for (Invocation invocation : function.invocations()) {
        List<String> data = invocation.data();
        boolean early = data.stream().anyMatch(value -> Long.parseLong(value) < 10);
        boolean late = data.stream().anyMatch(value -> Long.parseLong(value) >= 10);
        assertTrue(!(early && late), "one window per invocation: " + data);
        if (!data.isEmpty()) assertEquals(firstStart.plusSeconds(late ? 60 : 0),
            Instant.parse(invocation.event().getJsonObject("window").getString("start")), "window of " + data);
        carried |= invocation.event().getJsonObject("state").getLong("sum", 0L) > 0 && !data.isEmpty();
      }
      assertTrue(carried, "a later invocation of a window received the state of the one before");
      assertEquals("shardId-000000000000", function.invocations().get(0).event().getString("shardId"));
    }
  }

  private static void put(KinesisClient kinesis, String... values) {
    List<PutRecordsRequestEntry> entries = java.util.Arrays.stream(values).map(value -> PutRecordsRequestEntry.builder()
        .partitionKey("k").data(SdkBytes.fromString(value, StandardCharsets.UTF_8)).build()).toList();
    assertEquals(0, kinesis.putRecords(b -> b.streamName("window-sum").records(entries)).failedRecordCount());
  }
}
