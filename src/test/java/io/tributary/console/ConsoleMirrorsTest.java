package io.tributary.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ClientKind;
import io.tributary.support.KafkaBroker;
import io.tributary.support.KinesisClients;
import io.tributary.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * A stream-to-topic Kafka mirror on the stream page, against a real broker: its state and lag, and its
 * iterator age per shard, which grows while the mirror is paused behind new records and falls back to 0 once
 * it catches up.
 */
class ConsoleMirrorsTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String PATH = "/console/api/streams/000000000000/us-east-1/mirrored";

  @Test
  void theStreamPageShowsItsMirrorAndTheMirrorsIteratorAgeGrowingWhilePausedAndFallingOnceCaughtUp() throws Exception {
    try (KafkaBroker broker = KafkaBroker.start();
         TestServer server = TestServer.start(Map.of("kafka.bootstrap.servers", broker.bootstrapServers(), "mirrors.file", "",
             "mirror.retry.initial.ms", "100", "mirror.retry.max.ms", "1000"))) {
      KinesisClient kinesis = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
      kinesis.createStream(b -> b.streamName("mirrored").shardCount(1));
      assertEquals(201, management(server, "POST", "/mirrors", new JsonObject().put("name", "to-kafka")
          .put("direction", "STREAM_TO_TOPIC").put("stream", "mirrored").put("topic", "mirrored")).statusCode());
      put(kinesis, "first");
      JsonObject running = await(server, detail -> mirror(detail).getString("state").equals("RUNNING")
          && age(detail) == 0 && mirror(detail).getLong("lagRecords") == 0);
      assertEquals("STREAM_TO_TOPIC", mirror(running).getString("direction"));
      assertEquals("mirrored", mirror(running).getString("topic"));

      assertEquals(200, management(server, "POST", "/mirrors/to-kafka/pause", null).statusCode());
      put(kinesis, "while paused");
      long behind = age(await(server, detail -> age(detail) >= 1000));
      assertTrue(behind >= 1000, "the paused mirror falls behind the new record: " + behind + " ms");

      assertEquals(200, management(server, "POST", "/mirrors/to-kafka/resume", null).statusCode());
      await(server, detail -> age(detail) == 0);
    }
  }

  private static void put(KinesisClient kinesis, String text) {
    kinesis.putRecord(b -> b.streamName("mirrored").partitionKey("k").data(SdkBytes.fromUtf8String(text)));
  }

  private static JsonObject mirror(JsonObject detail) {
    JsonArray mirrors = detail.getJsonArray("mirrors");
    return mirrors.isEmpty() ? new JsonObject().put("state", "") : mirrors.getJsonObject(0);
  }

  /** The mirror's iterator age on the stream's one shard, or -1 while it shows none. */
  private static long age(JsonObject detail) {
    for (Object age : detail.getJsonArray("iteratorAges")) {
      JsonObject entry = (JsonObject) age;
      if (entry.getString("kind").equals("kafka mirror") && entry.getString("reader").equals("to-kafka")) {
        return entry.getLong("iteratorAgeMillis");
      }
    }
    return -1;
  }

  private static JsonObject await(TestServer server, Predicate<JsonObject> condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    JsonObject detail = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response = management(server, "GET", PATH, null);
      assertEquals(200, response.statusCode(), response.body());
      detail = new JsonObject(response.body());
      if (condition.test(detail)) return detail;
      Thread.sleep(200);
    }
    throw new AssertionError("the stream page never showed what was expected: " + detail);
  }

  private static HttpResponse<String> management(TestServer server, String method, String path, JsonObject body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.managementPort() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()))
        .build(), HttpResponse.BodyHandlers.ofString());
  }
}
