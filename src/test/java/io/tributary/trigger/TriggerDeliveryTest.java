package io.tributary.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.TestServer;
import io.tributary.trigger.FunctionServer.Answer;
import io.tributary.trigger.FunctionServer.Invocation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Triggers delivering to a real HTTP function that fails on chosen records: whole-batch retry, bisection
 * down to a poison record, partial batch failure, retries exhausted into the failure destination, per-key
 * order with ten parallel lanes, and the batch size and batching window.
 */
class TriggerDeliveryTest {
  private static final Duration BOUND = Duration.ofSeconds(30);
  private static TestServer server;
  private static KinesisClient kinesis;
  private static TriggerApi triggers;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("triggers.retry.initial.ms", "20", "triggers.retry.max.ms", "200",
        "triggers.poll.ms", "200", "triggers.scan.ms", "200"));
    kinesis = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
    triggers = new TriggerApi(server.managementPort());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String stream(String name, int shards) {
    kinesis.createStream(b -> b.streamName(name).shardCount(shards));
    kinesis.waiter().waitUntilStreamExists(b -> b.streamName(name));
    return "arn:aws:kinesis:us-east-1:000000000000:stream/" + name;
  }

  /** Puts the values in one PutRecords call, so the trigger finds them all at once; keys by the function. */
  private static void put(String stream, List<String> values, java.util.function.Function<String, String> key) {
    List<PutRecordsRequestEntry> entries = values.stream().map(value -> PutRecordsRequestEntry.builder()
        .partitionKey(key.apply(value)).data(SdkBytes.fromString(value, StandardCharsets.UTF_8)).build()).toList();
    assertEquals(0, kinesis.putRecords(b -> b.streamName(stream).records(entries)).failedRecordCount());
  }

  private static List<String> values(int count) {
    return IntStream.range(0, count).mapToObj(i -> "r" + i).toList();
  }

  private static JsonObject trigger(String arn, FunctionServer function) {
    return new JsonObject().put("EventSourceArn", arn).put("TargetUrl", function.url()).put("StartingPosition", "TRIM_HORIZON");
  }

  /** The records in a one-shard stream, as JSON documents (the failure destination's). */
  private static List<JsonObject> documents(String stream) {
    String shardId = kinesis.listShards(b -> b.streamName(stream)).shards().get(0).shardId();
    String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shardId)
        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
    List<JsonObject> documents = new ArrayList<>();
    for (Record record : kinesis.getRecords(b -> b.shardIterator(iterator)).records()) {
      documents.add(new JsonObject(record.data().asUtf8String()));
    }
    return documents;
  }

  @Test
  void aFailedBatchIsRetriedWholeAndBlocksItsShard() throws Exception {
    try (FunctionServer function = new FunctionServer()) {
      String arn = stream("trigger-retry", 1);
      put("trigger-retry", values(20), value -> "k");
      AtomicInteger calls = new AtomicInteger();
      function.answer(event -> calls.incrementAndGet() <= 2 ? Answer.error() : Answer.ok());
      String uuid = triggers.created(trigger(arn, function));
      FunctionServer.await(BOUND, () -> function.delivered().size() >= 20);

      assertEquals(values(20), function.delivered(), "every record once, in order");
      List<Invocation> invocations = function.invocations();
      assertEquals(3, invocations.size(), "two failures, then the same batch again");
      for (Invocation invocation : invocations) assertEquals(values(20), invocation.data(), "the whole batch each time");
      JsonObject status = triggers.status(uuid);
      assertEquals(2, status.getLong("Retries"));
      assertEquals(2, status.getLong("Errors"));
      assertEquals(20, status.getLong("RecordsDelivered"));
      JsonObject record = invocations.get(2).records().get(0);
      assertEquals("aws:kinesis", record.getString("eventSource"));
      assertEquals("aws:kinesis:record", record.getString("eventName"));
      assertEquals(arn, record.getString("eventSourceARN"));
      assertEquals("shardId-000000000000:" + record.getJsonObject("kinesis").getString("sequenceNumber"), record.getString("eventID"));
      assertEquals("k", record.getJsonObject("kinesis").getString("partitionKey"));
      assertEquals("1.0", record.getJsonObject("kinesis").getString("kinesisSchemaVersion"));
    }
  }

  @Test
  void bisectionIsolatesThePoisonRecordWhichGoesToTheFailureDestination() throws Exception {
    try (FunctionServer function = new FunctionServer()) {
      String arn = stream("trigger-bisect", 1);
      String destination = stream("trigger-bisect-dlq", 1);
      put("trigger-bisect", values(16), value -> "k");
      function.answer(event -> FunctionServer.data(event.getJsonArray("Records")).contains("r9") ? Answer.error() : Answer.ok());
      String uuid = triggers.created(trigger(arn, function).put("BisectBatchOnFunctionError", true)
          .put("MaximumRetryAttempts", 1)
          .put("DestinationConfig", new JsonObject().put("OnFailure", new JsonObject().put("Destination", destination))));
      FunctionServer.await(BOUND, () -> function.delivered().size() >= 15 && triggers.status(uuid).getLong("RecordsToFailureDestination") == 1);

      List<String> expected = new ArrayList<>(values(16));
      expected.remove("r9");
      assertEquals(expected, function.delivered(), "every other record once, in order");
      long alone = function.invocations().stream().filter(invocation -> invocation.data().equals(List.of("r9"))).count();
      assertEquals(2, alone, "the poison record alone: the first attempt and one retry");
      List<JsonObject> documents = documents("trigger-bisect-dlq");
      assertEquals(1, documents.size());
      JsonObject info = documents.get(0).getJsonObject("KinesisBatchInfo");
      assertEquals(1, info.getInteger("batchSize"));
      assertEquals("shardId-000000000000", info.getString("shardId"));
      assertEquals(arn, info.getString("streamArn"));
      String poisonSequence = function.invocations().stream().filter(invocation -> invocation.data().equals(List.of("r9")))
          .findFirst().orElseThrow().records().get(0).getJsonObject("kinesis").getString("sequenceNumber");
      assertEquals(poisonSequence, info.getString("startSequenceNumber"));
      assertEquals(poisonSequence, info.getString("endSequenceNumber"));
      assertEquals("RetryAttemptsExhausted", documents.get(0).getJsonObject("requestContext").getString("condition"));
      assertEquals(2, documents.get(0).getJsonObject("requestContext").getInteger("approximateInvokeCount"));
    }
  }

  @Test
  void aPartialBatchFailureResumesFromTheReportedRecord() throws Exception {
    try (FunctionServer function = new FunctionServer()) {
      String arn = stream("trigger-partial", 1);
      put("trigger-partial", values(10), value -> "k");
      AtomicInteger calls = new AtomicInteger();
      function.answer(event -> {
        if (calls.incrementAndGet() > 1) return Answer.ok(new JsonObject().put("batchItemFailures", new JsonArray()));
        JsonObject failed = event.getJsonArray("Records").getJsonObject(5);
        return Answer.ok(new JsonObject().put("batchItemFailures", new JsonArray().add(new JsonObject()
            .put("itemIdentifier", failed.getJsonObject("kinesis").getString("sequenceNumber")))));
      });
      String uuid = triggers.created(trigger(arn, function).put("FunctionResponseTypes", new JsonArray().add("ReportBatchItemFailures")));
      FunctionServer.await(BOUND, () -> function.invocations().size() >= 2 && triggers.status(uuid).getLong("RecordsDelivered") == 10);

      List<Invocation> invocations = function.invocations();
      assertEquals(2, invocations.size(), () -> invocations + " " + triggers.get(uuid).body().encodePrettily());
      assertEquals(values(10), invocations.get(0).data());
      assertEquals(values(10).subList(5, 10), invocations.get(1).data(), "resumed from the reported record");
      assertEquals(10, triggers.status(uuid).getLong("RecordsDelivered"));
      assertEquals(1, triggers.status(uuid).getLong("Retries"));
    }
  }

  @Test
  void retriesExhaustedSendTheBatchToTheDestinationAndTheShardMovesOn() throws Exception {
    try (FunctionServer function = new FunctionServer()) {
      String arn = stream("trigger-exhausted", 1);
      String destination = stream("trigger-exhausted-dlq", 1);
      put("trigger-exhausted", values(15), value -> "k");
      function.answer(event -> FunctionServer.data(event.getJsonArray("Records")).contains("r7") ? Answer.error() : Answer.ok());
      String uuid = triggers.created(trigger(arn, function).put("BatchSize", 5).put("MaximumRetryAttempts", 2)
          .put("DestinationConfig", new JsonObject().put("OnFailure", new JsonObject().put("Destination", destination))));
      FunctionServer.await(BOUND, () -> function.delivered().size() >= 10);

      List<String> expected = new ArrayList<>(values(5));
      expected.addAll(values(15).subList(10, 15));
      assertEquals(expected, function.delivered(), "the batch after the failed one is delivered");
      assertEquals(3, function.invocations().stream().filter(invocation -> invocation.data().equals(values(10).subList(5, 10))).count(),
          "the failed batch: one attempt and two retries");
      List<JsonObject> documents = documents("trigger-exhausted-dlq");
      assertEquals(1, documents.size());
      assertEquals(5, documents.get(0).getJsonObject("KinesisBatchInfo").getInteger("batchSize"));
      assertEquals(5, triggers.status(uuid).getLong("RecordsToFailureDestination"));
    }
  }

  @Test
  void tenLanesKeepEachKeysOrder() throws Exception {
    try (FunctionServer function = new FunctionServer()) {
      String arn = stream("trigger-parallel", 1);
      function.delay(30);
      List<String> values = new ArrayList<>();
      for (int i = 0; i < 400; i++) values.add("key" + (i % 40) + "/" + i);
      put("trigger-parallel", values, value -> value.substring(0, value.indexOf('/')));
      triggers.created(trigger(arn, function).put("ParallelizationFactor", 10).put("BatchSize", 10));
      FunctionServer.await(BOUND, () -> function.delivered().size() >= 400);

      List<String> delivered = function.delivered();
      assertEquals(400, delivered.size());
      assertEquals(new LinkedHashSet<>(values), Set.copyOf(delivered));
      Map<String, Integer> last = new HashMap<>();
      for (String value : delivered) {
        String key = value.substring(0, value.indexOf('/'));
        int index = Integer.parseInt(value.substring(value.indexOf('/') + 1));
        Integer before = last.put(key, index);
        assertTrue(before == null || before < index, "key " + key + ": " + index + " after " + before);
      }
      assertTrue(function.mostInFlight() > 1, "lanes invoke concurrently: " + function.mostInFlight());
      for (Invocation invocation : function.invocations()) assertTrue(invocation.records().size() <= 10);
    }
  }

  @Test
  void batchSizeAndBatchingWindowAreHonoured() throws Exception {
    try (FunctionServer function = new FunctionServer()) {
      String arn = stream("trigger-window", 1);
      put("trigger-window", values(25), value -> "k");
      triggers.created(trigger(arn, function).put("BatchSize", 10).put("MaximumBatchingWindowInSeconds", 3));
      long first = System.nanoTime();
      FunctionServer.await(BOUND, () -> function.delivered().size() >= 25);
      List<Integer> sizes = function.invocations().stream().map(invocation -> invocation.records().size()).toList();
      assertEquals(List.of(10, 10, 5), sizes, "full batches at once, the rest after the window");
      long waited = function.invocations().get(2).nanos() - first;
      assertTrue(waited >= Duration.ofMillis(2_900).toNanos(), "the last batch waited for the window: " + waited / 1_000_000 + " ms");

      long before = System.nanoTime();
      kinesis.putRecord(b -> b.streamName("trigger-window").partitionKey("k").data(SdkBytes.fromUtf8String("late-1")));
      Thread.sleep(200);
      kinesis.putRecord(b -> b.streamName("trigger-window").partitionKey("k").data(SdkBytes.fromUtf8String("late-2")));
      FunctionServer.await(BOUND, () -> function.delivered().size() >= 27);
      Invocation gathered = function.invocations().get(3);
      assertEquals(List.of("late-1", "late-2"), gathered.data(), "records within the window go in one batch");
      assertTrue(gathered.nanos() - before >= Duration.ofMillis(2_900).toNanos());
    }
  }

  @Test
  void aClosedShardIsFinishedBeforeItsChildrenStart() throws Exception {
    try (FunctionServer function = new FunctionServer()) {
      String arn = stream("trigger-split", 1);
      function.delay(10);
      List<String> parent = IntStream.range(0, 30).mapToObj(i -> "p" + i).toList();
      List<String> children = IntStream.range(0, 30).mapToObj(i -> "c" + i).toList();
      put("trigger-split", parent, value -> "k" + value.substring(1));
      kinesis.splitShard(b -> b.streamName("trigger-split").shardToSplit("shardId-000000000000")
          .newStartingHashKey(java.math.BigInteger.ONE.shiftLeft(127).toString()));
      kinesis.waiter().waitUntilStreamExists(b -> b.streamName("trigger-split"));
      FunctionServer.await(BOUND, () -> kinesis.listShards(b -> b.streamName("trigger-split")).shards().size() == 3);
      put("trigger-split", children, value -> "k" + value.substring(1));
      triggers.created(trigger(arn, function).put("BatchSize", 5));
      FunctionServer.await(BOUND, () -> function.delivered().size() >= 60);

      List<String> delivered = function.delivered();
      assertEquals(60, delivered.size());
      assertEquals(parent, delivered.subList(0, 30), "the parent's records first, in order");
      assertEquals(Set.copyOf(children), Set.copyOf(delivered.subList(30, 60)));
      Set<String> shards = new LinkedHashSet<>();
      for (Invocation invocation : function.invocations()) {
        shards.add(invocation.records().get(0).getString("eventID").split(":")[0]);
      }
      assertEquals("shardId-000000000000", shards.iterator().next());
      assertEquals(3, shards.size(), "both children delivered: " + shards);
    }
  }
}
