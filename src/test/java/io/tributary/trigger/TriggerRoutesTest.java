package io.tributary.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.TestServer;
import io.tributary.trigger.TriggerApi.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The /triggers routes: create (with Lambda's bounds and error types), list, get, update, pause, resume and
 * delete; triggers and their state kept across a restart; triggers of the triggers file; the metrics.
 */
class TriggerRoutesTest {
  private static final String ARN = "arn:aws:kinesis:us-east-1:000000000000:stream/managed";
  private static final String CONFIGURED_UUID = "0b6a4c1e-3f2d-4e5a-8b7c-9d0e1f2a3b4c";

  @Test
  void managesTriggersAndKeepsThemAcrossARestart(@TempDir Path dir) throws Exception {
    Path data = Files.createDirectory(dir.resolve("data"));
    Path file = dir.resolve("triggers.json");
    try (FunctionServer function = new FunctionServer()) {
      Files.writeString(file, new JsonArray().add(new JsonObject().put("UUID", CONFIGURED_UUID).put("EventSourceArn", ARN)
          .put("FunctionName", "configured").put("StartingPosition", "LATEST")).encode());
      Map<String, String> settings = new HashMap<>(Map.of("data.dir", data.toString(), "triggers.file", file.toString(),
          "triggers.lambda.endpoint", "http://127.0.0.1:1", "triggers.poll.ms", "100", "triggers.scan.ms", "100"));
      String uuid;
      try (TestServer server = TestServer.start(settings)) {
        TriggerApi api = new TriggerApi(server.managementPort());
        KinesisClient kinesis = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
        kinesis.createStream(b -> b.streamName("managed").shardCount(1));
        kinesis.waiter().waitUntilStreamExists(b -> b.streamName("managed"));

        JsonObject body = new JsonObject().put("EventSourceArn", ARN).put("TargetUrl", function.url())
            .put("StartingPosition", "TRIM_HORIZON").put("BatchSize", 5);
        assertRefused(api.create(body.copy().put("BatchSize", 0)), 400, "ValidationException",
            "1 validation error detected: Value '0' at 'batchSize' failed to satisfy constraint: Member must have value greater than or equal to 1");
        assertRefused(api.create(body.copy().put("ParallelizationFactor", 11)), 400, "ValidationException",
            "1 validation error detected: Value '11' at 'parallelizationFactor' failed to satisfy constraint: Member must have value less than or equal to 10");
        assertRefused(api.create(body.copy().put("MaximumBatchingWindowInSeconds", 301)), 400, "ValidationException",
            "1 validation error detected: Value '301' at 'maximumBatchingWindowInSeconds' failed to satisfy constraint: Member must have value less than or equal to 300");
        assertRefused(api.create(body.copy().put("MaximumRecordAgeInSeconds", 30)), 400, "InvalidParameterValueException",
            "MaximumRecordAgeInSeconds must be -1 or between 60 and 604800.");
        assertRefused(api.create(body.copy().put("StartingPosition", null)), 400, "InvalidParameterValueException",
            "StartingPosition is required for a Kinesis event source.");
        assertRefused(api.create(body.copy().put("DestinationConfig", new JsonObject().put("OnFailure",
            new JsonObject().put("Destination", "arn:aws:sqs:us-east-1:000000000000:dlq")))), 400, "InvalidParameterValueException", null);

        Reply created = api.create(body);
        assertEquals(202, created.status(), created.toString());
        assertEquals("Creating", created.body().getString("State"));
        uuid = created.body().getString("UUID");
        assertEquals("arn:aws:lambda:us-east-1:000000000000:function:test-function", created.body().getString("FunctionArn"));
        assertRefused(api.create(body), 409, "ResourceConflictException", null);

        kinesis.putRecord(b -> b.streamName("managed").partitionKey("k").data(SdkBytes.fromUtf8String("one")));
        String createdUuid = uuid;
        FunctionServer.await(Duration.ofSeconds(30), () -> api.status(createdUuid).getLong("RecordsDelivered") >= 1);
        assertEquals(java.util.List.of("one"), function.delivered());

        Reply listed = api.list("?EventSourceArn=" + ARN);
        assertEquals(2, listed.body().getJsonArray("EventSourceMappings").size());
        assertEquals(1, api.list("?FunctionName=configured").body().getJsonArray("EventSourceMappings").size());
        Reply got = api.get(uuid);
        assertEquals("Enabled", got.body().getString("State"));
        assertEquals("OK", got.body().getString("LastProcessingResult"));
        assertEquals(1, got.body().getJsonObject("Status").getLong("RecordsDelivered"));
        assertEquals(1, got.body().getJsonObject("Status").getJsonObject("Positions").getJsonObject("shardId-000000000000")
            .getJsonArray("lanes").getJsonObject(0).getLong("next"));
        assertRefused(api.get("00000000-0000-0000-0000-000000000000"), 404, "ResourceNotFoundException", null);

        Reply updated = api.update(uuid, new JsonObject().put("BatchSize", 7));
        assertEquals(202, updated.status(), updated.toString());
        assertEquals("Updating", updated.body().getString("State"));
        assertRefused(api.update(uuid, new JsonObject().put("StartingPosition", "LATEST")), 400, "InvalidParameterValueException",
            "StartingPosition cannot be changed by an update.");
        Reply paused = api.pause(uuid);
        assertEquals("Disabling", paused.body().getString("State"));
        assertEquals("Disabled", api.get(uuid).body().getString("State"));
        kinesis.putRecord(b -> b.streamName("managed").partitionKey("k").data(SdkBytes.fromUtf8String("two")));
        Thread.sleep(500);
        assertEquals(1, function.delivered().size(), "a disabled trigger delivers nothing");

        assertRefused(api.delete(CONFIGURED_UUID), 409, "ResourceConflictException", null);
        assertEquals(202, api.pause(CONFIGURED_UUID).status());
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.managementPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("tributary_trigger_records_delivered_total{trigger=\"" + uuid + "\"} 1.0"), metrics);
        assertTrue(metrics.contains("tributary_trigger_invocations_total{trigger=\"" + uuid + "\"}"));
        assertTrue(metrics.contains("tributary_trigger_iterator_age_ms{trigger=\"" + uuid + "\"}"));
      }

      try (TestServer server = TestServer.start(settings)) {
        TriggerApi api = new TriggerApi(server.managementPort());
        JsonObject kept = api.get(uuid).body();
        assertEquals(7, kept.getInteger("BatchSize"));
        assertEquals("Disabled", kept.getString("State"));
        assertEquals("Disabled", api.get(CONFIGURED_UUID).body().getString("State"));
        assertEquals(202, api.resume(uuid).status());
        FunctionServer.await(Duration.ofSeconds(30), () -> function.delivered().size() >= 2);
        assertEquals(java.util.List.of("one", "two"), function.delivered(), "resumed from the checkpoint");

        Reply deleted = api.delete(uuid);
        assertEquals(202, deleted.status());
        assertEquals("Deleting", deleted.body().getString("State"));
        assertEquals(404, api.get(uuid).status());
      }
      assertTrue(Files.list(data.resolve("triggers")).noneMatch(path -> path.getFileName().toString().startsWith(uuid)),
          "the deleted trigger's checkpoints are gone");
      try (TestServer server = TestServer.start(settings)) {
        TriggerApi api = new TriggerApi(server.managementPort());
        assertEquals(404, api.get(uuid).status());
        assertEquals(1, api.list("").body().getJsonArray("EventSourceMappings").size());
      }
    }
  }

  private static void assertRefused(Reply reply, int status, String type, String message) {
    assertEquals(status, reply.status(), reply.toString());
    assertEquals(type, reply.errorType(), reply.toString());
    assertEquals("User", reply.body().getString("Type"));
    assertNotNull(reply.body().getString("Message"));
    if (message != null) assertEquals(message, reply.body().getString("Message"));
  }
}
