package io.tributary.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.TestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The web console in real headless Chromium (Debian's {@code chromium}, driven by npm's playwright-core from
 * {@code src/test/console/console-browser.mjs}, installed with {@code npm ci} into {@code target/console-browser}
 * at the version of its lock file). Against a real server, with the AWS SDK on the API side: the console lists a
 * stream created through the API; a record put through the API shows in the live tail within a second; a split
 * refused by the console shows the API's own message, and a split made in the console shows in ListShards, as do
 * a retention change and a merge, and UpdateShardCount of another account's stream acts in that account; a deletion needs the stream's name typed to confirm it. Behind a management
 * token, a browser that gives the token as its Basic password gets the pages and the live tail, and one that gives
 * another gets 401. The
 * script saves screenshots of the main pages in {@code target/console-screenshots} (the README's come from there).
 * CI installs Chromium and Node (see .ci/run); elsewhere the test is skipped when they are missing.
 */
class ConsoleBrowserTest {
  private static final Path SOURCES = Path.of("src/test/console");
  private static final Path INSTALLED = Path.of("target/console-browser");
  /** The browser scripts' stderr: a file, because the test JVM's own streams are Surefire's channel. */
  private static final ProcessBuilder.Redirect BROWSER_LOG =
      ProcessBuilder.Redirect.appendTo(INSTALLED.resolve("browser.log").toFile());
  private static final Path SCREENSHOTS = Path.of("target/console-screenshots");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STREAM = "orders";
  /** The first hash key of the upper half: shard 1 of a two-shard stream. */
  private static final String UPPER_HALF = "170141183460469231731687303715884105728";

  private static TestServer server;
  private static KinesisClient kinesis;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of());
    kinesis = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  @Test
  void listsTailsAndSplitsThroughTheConsoleInChromium() throws Exception {
    assumeInstalled(runs("node", "--version") && runs("npm", "--version") && runs("sh", "-c", "command -v chromium"),
        "Node, npm and Chromium");
    install();
    kinesis.createStream(b -> b.streamName(STREAM).shardCount(2));
    kinesis.createStream(b -> b.streamName("clickstream").streamModeDetails(m -> m.streamMode("ON_DEMAND")));
    kinesis.createStream(b -> b.streamName("scratch").shardCount(1));
    ConsoleActionsTest.post(server, "CreateStream", "111111111111", "eu-west-1", "{\"StreamName\": \"audit-log\", \"ShardCount\": 1}");
    awaitActive(STREAM);
    awaitActive("clickstream");

    Files.createDirectories(SCREENSHOTS);
    Process browser = new ProcessBuilder("node", "console-browser.mjs", "http://127.0.0.1:" + server.managementPort(),
        STREAM, "000000000000", "us-east-1", SCREENSHOTS.toAbsolutePath().toString())
        .directory(INSTALLED.toFile()).redirectError(BROWSER_LOG).start();
    AtomicBoolean producing = new AtomicBoolean(true);
    AtomicBoolean spread = new AtomicBoolean(true);
    CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> produce(producing, spread));
    KinesisAsyncClient subscriber = asyncClient();
    try (BufferedReader steps = new BufferedReader(new InputStreamReader(browser.getInputStream(), StandardCharsets.UTF_8));
         Writer answers = new OutputStreamWriter(browser.getOutputStream(), StandardCharsets.UTF_8)) {
      JsonNode listed = next(steps, "listed");
      assertTrue(listed.get("row").asText().contains("ACTIVE"), "the row shows the stream's status: " + listed);
      spread.set(false);
      tell(answers, "go");

      JsonNode created = next(steps, "created");
      assertTrue(created.get("taken").asText().contains("ResourceInUseException"), created.toString());
      assertTrue(created.get("taken").asText().contains("Stream " + STREAM + " under account 000000000000 already exists."),
          created.toString());
      assertEquals(3, kinesis.describeStreamSummary(b -> b.streamName("from-console")).streamDescriptionSummary().openShardCount(),
          "the stream created in the console has the shards asked for");
      tell(answers, "go");

      next(steps, "tailing");
      String marker = "order-" + System.nanoTime();
      long putAt = System.currentTimeMillis();
      kinesis.putRecord(b -> b.streamName(STREAM).partitionKey("customer-17").explicitHashKey("1")
          .data(SdkBytes.fromUtf8String("{\"order\": \"" + marker + "\", \"items\": 3, \"total\": 42.5}")));
      tell(answers, marker);
      kinesis.putRecord(b -> b.streamName(STREAM).partitionKey("customer-18").explicitHashKey("2")
          .data(SdkBytes.fromUtf8String("plain text: shipped to Lisbon")));
      kinesis.putRecord(b -> b.streamName(STREAM).partitionKey("sensor-4").explicitHashKey("3")
          .data(SdkBytes.fromByteArray(new byte[] {0x00, 0x01, (byte) 0xfe, (byte) 0xca, 0x7f, 0x10})));
      JsonNode tailed = next(steps, "tailed");
      spread.set(true);
      long latency = tailed.get("appeared").asLong() - putAt;
      System.out.println("console live tail: the record showed " + latency + " ms after PutRecord was sent");
      assertTrue(latency < 1000, "the record put through the API shows in the live tail within a second: " + latency + " ms");
      List<String> kinds = JSON.convertValue(tailed.get("kinds"), List.class);
      assertTrue(kinds.containsAll(List.of("json", "text", "hex")), "records are shown as JSON, text and hex: " + kinds);

      JsonNode refused = next(steps, "refused");
      String apiMessage = apiRefusalOfSplitAtZero();
      assertTrue(refused.get("refusal").asText().contains("InvalidArgumentException"), refused.toString());
      assertTrue(refused.get("refusal").asText().contains(apiMessage),
          "the console shows the API's message word for word: " + refused + " / " + apiMessage);

      next(steps, "split");
      List<Shard> shards = kinesis.listShards(b -> b.streamName(STREAM)).shards();
      assertEquals(4, shards.size(), "ListShards shows the parent and its two children: " + shards);
      Shard parent = shards.stream().filter(s -> s.shardId().equals("shardId-000000000000")).findFirst().orElseThrow();
      assertTrue(parent.sequenceNumberRange().endingSequenceNumber() != null, "the split shard is closed");
      assertEquals(2, shards.stream().filter(s -> "shardId-000000000000".equals(s.parentShardId())).count(),
          "two children name the split shard as parent");
      tell(answers, "go");

      next(steps, "retention");
      assertEquals(48, kinesis.describeStreamSummary(b -> b.streamName(STREAM)).streamDescriptionSummary().retentionPeriodHours());
      tell(answers, "go");

      next(steps, "merged");
      Shard merged = kinesis.listShards(b -> b.streamName(STREAM)).shards().stream()
          .filter(s -> s.shardId().equals("shardId-000000000004")).findFirst().orElseThrow();
      assertEquals("shardId-000000000002", merged.parentShardId());
      assertEquals("shardId-000000000003", merged.adjacentParentShardId());
      subscribe(subscriber);  // an enhanced fan-out reader, for the iterator-age chart and the consumers table
      tell(answers, "go");

      next(steps, "scaled");
      JsonNode auditLog = auditLog();
      for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
           auditLog.get("openShards").asInt() != 2 && System.nanoTime() < until; auditLog = auditLog()) {
        Thread.sleep(50);  // the reshard completes a moment after its answer
      }
      assertEquals(2, auditLog.get("openShards").asInt(), "UpdateShardCount ran in the stream's own account: " + auditLog);
      tell(answers, "go");

      JsonNode deleted = next(steps, "deleted");
      assertTrue(deleted.get("unconfirmed").asText().contains("Type scratch to confirm"), deleted.toString());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (kinesis.listStreams().streamNames().contains("scratch") && System.nanoTime() < deadline) Thread.sleep(50);
      assertTrue(!kinesis.listStreams().streamNames().contains("scratch"), "the stream deleted in the console is gone");
      tell(answers, "go");
      JsonNode done = next(steps, "done");
      assertEquals(0, done.get("problems").size(), "no script error in the pages: " + done);
    } finally {
      producing.set(false);
      producer.join();
      subscriber.close();
      if (!browser.waitFor(60, TimeUnit.SECONDS)) browser.destroyForcibly();
    }
    assertEquals(0, browser.exitValue(), "the browser script ends cleanly");
  }

  @Test
  void behindAManagementTokenTheBrowserGetsInWithTheTokenAsItsPassword() throws Exception {
    assumeInstalled(runs("node", "--version") && runs("npm", "--version") && runs("sh", "-c", "command -v chromium"),
        "Node, npm and Chromium");
    install();
    try (TestServer guarded = TestServer.start(Map.of("management.token", "console-test-token"))) {
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, guarded.endpoint());
      client.createStream(b -> b.streamName("guarded").shardCount(1));
      ProcessBuilder script = new ProcessBuilder("node", "console-token.mjs", "http://127.0.0.1:" + guarded.managementPort(),
          "guarded").directory(INSTALLED.toFile()).redirectError(BROWSER_LOG);
      script.environment().put("TOKEN", "console-test-token");
      Process browser = script.start();
      try (BufferedReader steps = new BufferedReader(new InputStreamReader(browser.getInputStream(), StandardCharsets.UTF_8));
           Writer answers = new OutputStreamWriter(browser.getOutputStream(), StandardCharsets.UTF_8)) {
        assertEquals(401, next(steps, "refused").get("status").asInt(), "a wrong token gets no page");
        next(steps, "tailing");
        String marker = "guarded-" + System.nanoTime();
        client.putRecord(b -> b.streamName("guarded").partitionKey("k").data(SdkBytes.fromUtf8String(marker)));
        tell(answers, marker);
        next(steps, "done");
      } finally {
        if (!browser.waitFor(60, TimeUnit.SECONDS)) browser.destroyForcibly();
      }
      assertEquals(0, browser.exitValue(), "the browser script ends cleanly");
    }
  }

  /** The console's view of the other account's stream (the SDK client acts in the default account). */
  private static JsonNode auditLog() throws Exception {
    return JSON.readTree(java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + server.managementPort() + "/console/api/streams/111111111111/eu-west-1/audit-log"))
        .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body());
  }

  /** What the API answers a split at hash key 0 (the shard's own start): the console must show the same. */
  private static String apiRefusalOfSplitAtZero() {
    try {
      kinesis.splitShard(b -> b.streamName(STREAM).shardToSplit("shardId-000000000000").newStartingHashKey("0"));
      throw new AssertionError("the API refuses a split at the shard's own starting hash key");
    } catch (KinesisException e) {
      assertEquals("InvalidArgumentException", e.awsErrorDetails().errorCode());
      return e.awsErrorDetails().errorMessage();
    }
  }

  /**
   * Puts a few records a second while the pages draw their rates: over every shard when {@code spread}, else
   * into the upper half only, so that the tail of shard 0 shows just the records the test puts there.
   */
  private static void produce(AtomicBoolean producing, AtomicBoolean spread) {
    int n = 0;
    while (producing.get()) {
      int i = n++;
      String upper = new java.math.BigInteger(UPPER_HALF).add(java.math.BigInteger.valueOf(i)).toString();
      boolean everywhere = spread.get();
      try {
        kinesis.putRecords(b -> b.streamName(STREAM).records(
            r -> r.partitionKey("p" + i).explicitHashKey(everywhere ? null : upper)
                .data(SdkBytes.fromUtf8String("{\"n\": " + i + "}")),
            r -> r.partitionKey("q" + i).explicitHashKey(everywhere ? null : upper)
                .data(SdkBytes.fromUtf8String("{\"n\": " + i + ", \"batch\": true}"))));
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        // a put during the split may be refused; the producer only feeds the charts
      }
    }
  }

  private static KinesisAsyncClient asyncClient() {
    return KinesisAsyncClient.builder()
        .endpointOverride(server.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
        .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP2))
        .build();
  }

  /** Registers a consumer and subscribes it to the open shard that was not split, from TRIM_HORIZON. */
  private static void subscribe(KinesisAsyncClient async) throws InterruptedException {
    String streamArn = kinesis.describeStreamSummary(b -> b.streamName(STREAM)).streamDescriptionSummary().streamARN();
    String consumerArn = kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("analytics")).consumer().consumerARN();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!"ACTIVE".equals(kinesis.describeStreamConsumer(b -> b.consumerARN(consumerArn)).consumerDescription()
        .consumerStatusAsString())) {
      assertTrue(System.nanoTime() < deadline, "the consumer turns ACTIVE");
      Thread.sleep(50);
    }
    async.subscribeToShard(b -> b.consumerARN(consumerArn).shardId("shardId-000000000001")
            .startingPosition(p -> p.type(ShardIteratorType.TRIM_HORIZON)),
        SubscribeToShardResponseHandler.builder().subscriber(event -> { }).build());
  }

  private static JsonNode next(BufferedReader steps, String expected) throws IOException {
    CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
      try {
        return steps.readLine();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    String text = line.orTimeout(90, TimeUnit.SECONDS).join();
    assertTrue(text != null, "the browser script reports step " + expected + " (it ended; its errors are above)");
    JsonNode step = JSON.readTree(text);
    assertEquals(expected, step.path("step").asText(), text);
    return step;
  }

  private static void tell(Writer answers, String line) throws IOException {
    answers.write(line + "\n");
    answers.flush();
  }

  private static void awaitActive(String stream) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatus()
        != StreamStatus.ACTIVE) {
      assertTrue(System.nanoTime() < deadline, stream + " turns ACTIVE");
      Thread.sleep(50);
    }
  }

  /** npm ci into target/console-browser, unless the lock file there is already the one in src/test/console. */
  private static void install() throws Exception {
    Files.createDirectories(INSTALLED);
    Path lock = INSTALLED.resolve("package-lock.json");
    boolean current = Files.isDirectory(INSTALLED.resolve("node_modules/playwright-core")) && Files.exists(lock)
        && Files.mismatch(lock, SOURCES.resolve("package-lock.json")) == -1;
    for (String file : new String[] {"package.json", "package-lock.json", "console-browser.mjs", "console-token.mjs"}) {
      Files.copy(SOURCES.resolve(file), INSTALLED.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }
    if (!current) {
      // Never inheritIO: the test JVM's stdin and stdout are Surefire's channel, and npm would corrupt it.
      Path log = INSTALLED.resolve("npm.log");
      Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
          .directory(INSTALLED.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      npm.getOutputStream().close();
      assertTrue(npm.waitFor(300, TimeUnit.SECONDS), "npm ci finishes");
      assertEquals(0, npm.exitValue(), "npm ci installs playwright-core: " + Files.readString(log));
    }
  }

  private static boolean runs(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getInputStream().readAllBytes();
      return process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** In CI a missing tool fails the test rather than skipping it. */
  private static void assumeInstalled(boolean installed, String what) {
    Assumptions.assumeTrue(installed || System.getenv("CI") != null, "no " + what + " on this machine");
    if (!installed) throw new AssertionError("CI must provide " + what + " (see .ci/run)");
  }
}
