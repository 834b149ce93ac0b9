package io.tributary.api.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Injected faults, from the settings at start and switched at run time on the management port, fail the
 * calls they name at the rate they give (seeded draws, so a run repeats), and delay them by their latency.
 * The SDK's retries are off, so each call shows its first answer.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultInjectionTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static TestServer server;
  private static KinesisClient client;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("storage", "memory", "faults", "PutRecord:*:InternalFailure:0.3",
        "faults.seed", "7"));
    client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
    client.createStream(b -> b.streamName("faulty").shardCount(1));
    client.createStream(b -> b.streamName("healthy").shardCount(1));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  @Order(1)
  void rulesFromTheSettingsFailCallsAtTheirRate() throws Exception {
    assertEquals(new JsonObject().put("rules", new JsonArray().add(new JsonObject().put("operation", "PutRecord")
        .put("stream", "*").put("fault", "InternalFailure").put("probability", 0.3).put("latencyMs", 0))),
        new JsonObject(management("GET", null).body()));
    int failed = 0;
    for (int i = 0; i < 300; i++) {
      try {
        client.putRecord(b -> b.streamName("faulty").partitionKey("k").data(SdkBytes.fromUtf8String("x")));
      } catch (KinesisException e) {
        assertEquals(500, e.statusCode());
        assertEquals("InternalFailure", e.awsErrorDetails().errorCode());
        failed++;
      }
    }
    assertTrue(failed >= 60 && failed <= 120, "30% of 300 calls failed, within a tolerance: " + failed);
    assertEquals(failed, injected("PutRecord", "InternalFailure"), 0.0);
    client.putRecords(b -> b.streamName("faulty").records(r -> r.partitionKey("k").data(SdkBytes.fromUtf8String("x"))));
  }

  @Test
  @Order(2)
  void rulesSwitchAtRunTime() throws Exception {
    String rules = new JsonObject().put("rules", new JsonArray()
        .add(new JsonObject().put("operation", "GetRecords").put("stream", "faulty").put("fault", "ProvisionedThroughputExceeded"))
        .add(new JsonObject().put("operation", "ListShards").put("fault", "ProvisionedThroughputExceeded"))).encode();
    HttpResponse<String> put = management("PUT", rules);
    assertEquals(200, put.statusCode());
    assertEquals(2, new JsonObject(put.body()).getJsonArray("rules").size());

    String faulty = iterator("faulty");
    ProvisionedThroughputExceededException throttled =
        assertThrows(ProvisionedThroughputExceededException.class, () -> client.getRecords(b -> b.shardIterator(faulty)));
    assertEquals("Rate exceeded for stream faulty under account 000000000000.", throttled.awsErrorDetails().errorMessage());
    String healthy = iterator("healthy");
    client.getRecords(b -> b.shardIterator(healthy));
    LimitExceededException limited =
        assertThrows(LimitExceededException.class, () -> client.listShards(b -> b.streamName("healthy")));
    assertEquals("Rate exceeded for stream healthy under account 000000000000.", limited.awsErrorDetails().errorMessage());

    assertEquals(204, management("DELETE", null).statusCode());
    assertEquals(new JsonObject().put("rules", new JsonArray()), new JsonObject(management("GET", null).body()));
    client.getRecords(b -> b.shardIterator(faulty));
    client.listShards(b -> b.streamName("healthy"));
  }

  @Test
  @Order(3)
  void aSeedRepeatsTheDraws() throws Exception {
    String rules = new JsonObject().put("seed", 42).put("rules", new JsonArray().add(new JsonObject()
        .put("operation", "PutRecords").put("fault", "ProvisionedThroughputExceeded").put("probability", 0.25))).encode();
    assertEquals(200, management("PUT", rules).statusCode());
    String first = throttledPattern(200);
    assertEquals(200, management("PUT", rules).statusCode());
    assertEquals(first, throttledPattern(200), "the same seed throttles the same calls");
    long throttled = first.chars().filter(c -> c == 'T').count();
    assertTrue(throttled >= 30 && throttled <= 70, "25% of 200 calls throttled, within a tolerance: " + throttled);
    management("DELETE", null);
  }

  @Test
  @Order(4)
  void latencyDelaysTheAnswer() throws Exception {
    String rules = new JsonObject().put("rules", new JsonArray().add(new JsonObject()
        .put("operation", "DescribeStreamSummary").put("stream", "faulty").put("fault", "latency").put("latencyMs", 300))).encode();
    assertEquals(200, management("PUT", rules).statusCode());
    long took = millis(() -> client.describeStreamSummary(b -> b.streamName("faulty")));
    assertTrue(took >= 300, "delayed by 300 ms: " + took);
    assertEquals(1, injected("DescribeStreamSummary", "latency"), 0.0);
    management("DELETE", null);
  }

  @Test
  @Order(5)
  void aBadRuleIsRefusedAndChangesNothing() throws Exception {
    HttpResponse<String> refused = management("PUT", "{\"rules\":[{\"operation\":\"PutRecords\",\"fault\":\"Crash\"}]}");
    assertEquals(400, refused.statusCode());
    assertEquals("fault must be ProvisionedThroughputExceeded, InternalFailure or latency",
        new JsonObject(refused.body()).getString("message"));
    assertEquals(400, management("PUT", "{\"rules\":[{\"operation\":\"Nope\",\"fault\":\"InternalFailure\"}]}").statusCode());
    assertEquals(400, management("PUT", "{\"rules\":[{\"fault\":\"InternalFailure\",\"probability\":2}]}").statusCode());
    assertEquals(400, management("PUT", "not json").statusCode());
    assertEquals(new JsonObject().put("rules", new JsonArray()), new JsonObject(management("GET", null).body()));
  }

  /** One letter per PutRecords call: T throttled, o went through. */
  private static String throttledPattern(int calls) {
    StringBuilder pattern = new StringBuilder();
    for (int i = 0; i < calls; i++) {
      try {
        client.putRecords(b -> b.streamName("healthy").records(r -> r.partitionKey("k").data(SdkBytes.fromUtf8String("x"))));
        pattern.append('o');
      } catch (ProvisionedThroughputExceededException e) {
        assertEquals("Rate exceeded for stream healthy under account 000000000000.", e.awsErrorDetails().errorMessage());
        pattern.append('T');
      }
    }
    return pattern.toString();
  }

  private static String iterator(String stream) {
    return client.getShardIterator(b -> b.streamName(stream).shardId("shardId-000000000000")
        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
  }

  private static double injected(String operation, String fault) {
    return server.server().services().meters().get("tributary.faults.injected")
        .tags("operation", operation, "fault", fault).counter().count();
  }

  private static long millis(Supplier<?> call) {
    long started = System.nanoTime();
    call.get();
    return (System.nanoTime() - started) / 1_000_000;
  }

  private static HttpResponse<String> management(String method, String body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.managementPort() + "/faults"))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
