package io.tributary.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.KinesisException;

/**
 * The console's JSON routes over plain HTTP: actions run the API's own operations (same checks, same errors,
 * the account and region given), streams of every account are listed, the live tail streams records as
 * server-sent events, and the routes sit behind the management token (Basic with the token as password, for
 * browsers, or Bearer).
 */
class ConsoleActionsTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private static String name(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void anActionActsInTheAccountAndRegionItNamesAndTheListShowsEveryAccount() throws Exception {
    TestServer server = TestServer.shared();
    String stream = name("console-other");
    HttpResponse<String> created = post(server, "CreateStream", "222222222222", "ap-south-1",
        "{\"StreamName\": \"" + stream + "\", \"ShardCount\": 3}");
    assertEquals(200, created.statusCode(), created.body());

    JsonArray streams = get(server, "/console/api/streams").getJsonArray("streams");
    JsonObject listed = null;
    for (int i = 0; i < streams.size(); i++) {
      if (stream.equals(streams.getJsonObject(i).getString("name"))) listed = streams.getJsonObject(i);
    }
    assertTrue(listed != null, "the console lists the stream: " + streams);
    assertEquals("222222222222", listed.getString("account"));
    assertEquals("ap-south-1", listed.getString("region"));
    assertEquals(3, listed.getInteger("openShards"));
    KinesisClient kinesis = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
    assertFalse(kinesis.listStreams().streamNames().contains(stream), "the default account does not hold it");

    JsonObject detail = get(server, "/console/api/streams/222222222222/ap-south-1/" + stream);
    assertEquals(3, detail.getJsonArray("shardList").size());
    assertEquals("0", detail.getJsonArray("shardList").getJsonObject(0).getString("startingHashKey"));
    assertEquals("340282366920938463463374607431768211455",
        detail.getJsonArray("shardList").getJsonObject(2).getString("endingHashKey"));
  }

  @Test
  void aRefusedActionAnswersTheApisErrorWordForWord() throws Exception {
    TestServer server = TestServer.shared();
    String stream = name("console-refused");
    KinesisClient kinesis = KinesisClients.of(ClientKind.SYNC_JSON_HTTP1, server.endpoint());
    KinesisException api = null;
    try {
      kinesis.createStream(b -> b.streamName(stream).shardCount(0));
    } catch (KinesisException e) {
      api = e;
    }
    HttpResponse<String> console = post(server, "CreateStream", "000000000000", "us-east-1",
        "{\"StreamName\": \"" + stream + "\", \"ShardCount\": 0}");
    JsonObject error = new JsonObject(console.body());
    assertEquals(400, console.statusCode());
    assertEquals(api.awsErrorDetails().errorCode(), error.getString("__type"));
    assertEquals(api.awsErrorDetails().errorMessage(), error.getString("message"));

    HttpResponse<String> missing = post(server, "DeleteStream", "000000000000", "us-east-1",
        "{\"StreamName\": \"" + stream + "\"}");
    assertEquals(400, missing.statusCode());
    assertEquals("Stream " + stream + " under account 000000000000 not found.", new JsonObject(missing.body()).getString("message"));
  }

  @Test
  void onlyTheConsolesActionsRunAndOnlyAsJsonFromItsOwnOrigin() throws Exception {
    TestServer server = TestServer.shared();
    String body = "{\"account\": \"000000000000\", \"region\": \"us-east-1\", \"input\": {\"StreamName\": \"x\"}}";
    assertEquals(404, send(server, "/console/api/actions/PutRecord", "application/json", null, body).statusCode());
    assertEquals(403, send(server, "/console/api/actions/DeleteStream", "text/plain", null, body).statusCode(),
        "a form or text post, which any page may send cross-site, is refused");
    assertEquals(403, send(server, "/console/api/actions/DeleteStream", "application/json", "http://evil.example", body)
        .statusCode(), "another origin is refused");
  }

  @Test
  void withoutATokenTheConsoleAnswersOnlyALoopbackName() throws Exception {
    TestServer server = TestServer.shared();
    assertEquals(403, statusWithHost(server, "rebound.example:" + server.managementPort()),
        "a page of another site whose name resolves to 127.0.0.1 is refused");
    assertEquals(200, statusWithHost(server, "localhost:" + server.managementPort()));
    assertEquals(200, statusWithHost(server, "127.0.0.1:" + server.managementPort()));
  }

  private static int statusWithHost(TestServer server, String host) throws IOException {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.managementPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("GET /console/api/streams HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      return Integer.parseInt(status.substring(9, 12));
    }
  }

  @Test
  void theLiveTailStreamsRecordsAsServerSentEventsDecodedByKind() throws Exception {
    TestServer server = TestServer.shared();
    String stream = name("console-tail");
    KinesisClient kinesis = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
    kinesis.createStream(b -> b.streamName(stream).shardCount(1));
    kinesis.putRecord(b -> b.streamName(stream).partitionKey("a").data(SdkBytes.fromUtf8String("{\"id\": 1}")));
    kinesis.putRecord(b -> b.streamName(stream).partitionKey("b").data(SdkBytes.fromUtf8String("hello, world")));
    kinesis.putRecord(b -> b.streamName(stream).partitionKey("c").data(SdkBytes.fromByteArray(new byte[] {0, 1, (byte) 0xff})));

    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.managementPort()
        + "/console/api/streams/000000000000/us-east-1/" + stream + "/shards/shardId-000000000000/tail?from=TRIM_HORIZON")).build();
    HttpResponse<Stream<String>> response = HTTP.send(request, HttpResponse.BodyHandlers.ofLines());
    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
    List<JsonObject> records = new ArrayList<>();
    Iterator<String> lines = response.body().iterator();
    CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> {
      String event = null;
      boolean putLive = false;
      while (records.size() < 4 && lines.hasNext()) {
        String line = lines.next();
        if (line.startsWith("event: ")) event = line.substring(7);
        if (line.startsWith("data: ") && "records".equals(event)) {
          JsonArray page = new JsonObject(line.substring(6)).getJsonArray("records");
          for (int i = 0; i < page.size(); i++) records.add(page.getJsonObject(i));
          if (records.size() >= 3 && !putLive) {
            putLive = true;  // the backlog is read: what is put now is pushed to the tail
            kinesis.putRecord(b -> b.streamName(stream).partitionKey("d").data(SdkBytes.fromUtf8String("live")));
          }
        }
      }
    });
    reading.get(20, TimeUnit.SECONDS);
    response.body().close();
    assertEquals(List.of("json", "text", "hex", "text"), records.stream().map(r -> r.getString("kind")).toList());
    assertEquals(new JsonObject().put("id", 1), new JsonObject(records.get(0).getString("text")));
    assertEquals("hello, world", records.get(1).getString("text"));
    assertEquals("00 01 ff", records.get(2).getString("text"));
    assertEquals("live", records.get(3).getString("text"));
    assertEquals("d", records.get(3).getString("partitionKey"));
  }

  @Test
  void aTailAtATimestampStartsWithTheFirstRecordThatArrivedThen() throws Exception {
    TestServer server = TestServer.shared();
    String stream = name("console-at");
    KinesisClient kinesis = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
    kinesis.createStream(b -> b.streamName(stream).shardCount(1));
    kinesis.putRecord(b -> b.streamName(stream).partitionKey("before").data(SdkBytes.fromUtf8String("before")));
    Thread.sleep(20);
    long at = System.currentTimeMillis();
    Thread.sleep(20);
    kinesis.putRecord(b -> b.streamName(stream).partitionKey("after").data(SdkBytes.fromUtf8String("after")));

    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.managementPort()
        + "/console/api/streams/000000000000/us-east-1/" + stream + "/shards/shardId-000000000000/tail?from=AT_TIMESTAMP&timestamp="
        + at)).build();
    HttpResponse<Stream<String>> response = HTTP.send(request, HttpResponse.BodyHandlers.ofLines());
    CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> response.body()
        .filter(line -> line.startsWith("data: {\"records\""))
        .map(line -> new JsonObject(line.substring(6)).getJsonArray("records").getJsonObject(0).getString("partitionKey"))
        .findFirst().orElse(null));
    assertEquals("after", first.get(20, TimeUnit.SECONDS));
    response.body().close();

    HttpResponse<String> bad = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.managementPort()
        + "/console/api/streams/000000000000/us-east-1/" + stream + "/shards/shardId-000000000000/tail?from=AT_TIMESTAMP"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(400, bad.statusCode(), "AT_TIMESTAMP needs its timestamp");
  }

  @Test
  void withATokenTheConsoleAsksBrowsersForItAndTakesItAsBasicOrBearer() throws Exception {
    try (TestServer server = TestServer.start(Map.of("management.token", "s3cret-token"))) {
      URI page = URI.create("http://127.0.0.1:" + server.managementPort() + "/console/");
      HttpResponse<String> anonymous = HTTP.send(HttpRequest.newBuilder(page).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(401, anonymous.statusCode());
      assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic "),
          "a browser is asked for the token: " + anonymous.headers().map());
      String basic = "Basic " + Base64.getEncoder().encodeToString("admin:s3cret-token".getBytes(StandardCharsets.UTF_8));
      String wrong = "Basic " + Base64.getEncoder().encodeToString("admin:guess".getBytes(StandardCharsets.UTF_8));
      assertEquals(401, HTTP.send(HttpRequest.newBuilder(page).header("Authorization", wrong).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode());
      HttpResponse<String> shown = HTTP.send(HttpRequest.newBuilder(page).header("Authorization", basic).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, shown.statusCode());
      assertTrue(shown.body().contains("<title>Tributary console</title>"));
      URI list = URI.create("http://127.0.0.1:" + server.managementPort() + "/console/api/streams");
      assertEquals(200, HTTP.send(HttpRequest.newBuilder(list).header("Authorization", "Bearer s3cret-token").build(),
          HttpResponse.BodyHandlers.ofString()).statusCode());
      URI faults = URI.create("http://127.0.0.1:" + server.managementPort() + "/faults");
      assertEquals(401, HTTP.send(HttpRequest.newBuilder(faults).header("Authorization", basic).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode(), "Basic is for the console's pages only");
    }
  }

  /** Runs an action through the console, as its pages do. */
  static HttpResponse<String> post(TestServer server, String operation, String account, String region, String input)
      throws IOException, InterruptedException {
    String body = "{\"account\": \"" + account + "\", \"region\": \"" + region + "\", \"input\": " + input + "}";
    return send(server, "/console/api/actions/" + operation, "application/json",
        "http://127.0.0.1:" + server.managementPort(), body);
  }

  private static HttpResponse<String> send(TestServer server, String path, String contentType, String origin, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.managementPort() + path))
        .header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (origin != null) request.header("Origin", origin);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonObject get(TestServer server, String path) throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.managementPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return new JsonObject(response.body());
  }
}
