package io.tributary.bench;

import io.tributary.support.KafkaBroker;
import io.tributary.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * Mirroring throughput of the Kafka bridge, for {@code loadtest/bridge-bench.sh}: a backlog of N records of
 * 100 bytes (1,000 partition keys) is written to one side first, then a mirror is created and timed until
 * its status counts N records mirrored; then the comparison endpoint checks both sides hold the same
 * records. Stream to topic first (4 shards into 4 partitions), then topic to stream (4 partitions into 4
 * shards). The broker is a child JVM (support/KafkaBroker), the server runs in this JVM with its defaults
 * (fsync=always). Writes a markdown report.
 *
 * <p>Usage: {@code BridgeBenchmark <report.md> <records>}
 */
public final class BridgeBenchmark {
  private static final int RECORD_BYTES = 100;
  private static final int KEYS = 1_000;
  private static final int SHARDS = 4;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private BridgeBenchmark() { }

  /** One direction's figures. */
  private record Run(String direction, long records, double seconds, double mirroredPerSecond, double withConnectPerSecond,
      double fillPerSecond, CpuUsage.Usage cpu, JsonObject comparison) { }

  public static void main(String[] args) throws Exception {
    Path report = Path.of(args[0]);
    int records = Integer.parseInt(args[1]);
    String load = Files.readString(Path.of("/proc/loadavg")).trim();
    List<Run> runs = new ArrayList<>();
    try (KafkaBroker broker = KafkaBroker.start()) {
      TestServer server = TestServer.start(Map.of("kafka.bootstrap.servers", broker.bootstrapServers(), "mirrors.file", ""));
      try {
        runs.add(streamToTopic(server, records));
        runs.add(topicToStream(server, broker, records));
      } finally {
        server.close();
      }
    }
    String loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();
    Files.writeString(report, markdown(runs, records, load, loadAfter));
    System.out.println(Files.readString(report));
    System.exit(0);
  }

  private static Run streamToTopic(TestServer server, int records) throws Exception {
    try (KinesisAsyncClient kinesis = KinesisAsyncClient.builder().endpointOverride(server.endpoint())
        .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
        .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(32)).build()) {
      kinesis.createStream(b -> b.streamName("bench-out").shardCount(SHARDS)).join();
      long fillStarted = System.nanoTime();
      Semaphore inFlight = new Semaphore(16);
      SplittableRandom random = new SplittableRandom(1);
      List<CompletableFuture<?>> calls = new ArrayList<>();
      for (int sent = 0; sent < records; sent += 500) {
        List<PutRecordsRequestEntry> entries = new ArrayList<>(500);
        for (int i = 0; i < Math.min(500, records - sent); i++) {
          entries.add(PutRecordsRequestEntry.builder().partitionKey("key-" + random.nextInt(KEYS))
              .data(SdkBytes.fromByteArrayUnsafe(data(random))).build());
        }
        inFlight.acquire();
        calls.add(kinesis.putRecords(b -> b.streamName("bench-out").records(entries)).whenComplete((r, e) -> {
          inFlight.release();
          if (e != null || r.failedRecordCount() > 0) throw new IllegalStateException("put failed", e);
        }));
      }
      CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
      double fillRate = records / ((System.nanoTime() - fillStarted) / 1e9);
      return timeMirror(server, new JsonObject().put("name", "bench-out").put("direction", "STREAM_TO_TOPIC")
          .put("stream", "bench-out").put("topic", "bench-out").put("partitions", SHARDS), records, fillRate);
    }
  }

  private static Run topicToStream(TestServer server, KafkaBroker broker, int records) throws Exception {
    try (Admin admin = broker.admin()) {
      admin.createTopics(List.of(new NewTopic("bench-in", SHARDS, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
    long fillStarted = System.nanoTime();
    SplittableRandom random = new SplittableRandom(2);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        ProducerConfig.LINGER_MS_CONFIG, 10, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
      for (int i = 0; i < records; i++) {
        producer.send(new ProducerRecord<>("bench-in", ("key-" + random.nextInt(KEYS)).getBytes(StandardCharsets.UTF_8), data(random)));
      }
      producer.flush();
    }
    double fillRate = records / ((System.nanoTime() - fillStarted) / 1e9);
    software.amazon.awssdk.services.kinesis.KinesisClient kinesis = io.tributary.support.KinesisClients.of(
        io.tributary.support.ClientKind.ASYNC_CBOR_H2C, server.endpoint());
    kinesis.createStream(b -> b.streamName("bench-in").shardCount(SHARDS));
    return timeMirror(server, new JsonObject().put("name", "bench-in").put("direction", "TOPIC_TO_STREAM")
        .put("stream", "bench-in").put("topic", "bench-in"), records, fillRate);
  }

  /** Creates the mirror and times it from its first mirrored record to the last. */
  private static Run timeMirror(TestServer server, JsonObject definition, int records, double fillRate) throws Exception {
    String name = definition.getString("name");
    int port = server.managementPort();
    long created = System.nanoTime();
    call(port, "POST", "/mirrors", definition);
    CpuUsage cpu = new CpuUsage(-1);
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    long started = 0;
    CpuUsage.Snapshot from = null;
    while (true) {
      long mirrored = call(port, "GET", "/mirrors/" + name, null).getLong("recordsMirrored");
      if (started == 0 && mirrored > 0) {
        started = System.nanoTime();
        from = cpu.take();
      }
      if (mirrored >= records) break;
      if (System.nanoTime() > deadline) throw new IllegalStateException(name + ": only " + mirrored + " mirrored in 5 minutes");
      Thread.sleep(20);
    }
    long ended = System.nanoTime();
    double seconds = (ended - started) / 1e9;
    double withConnect = records / ((ended - created) / 1e9);
    CpuUsage.Usage usage = CpuUsage.between(from, cpu.take());
    JsonObject comparison = call(port, "GET", "/mirrors/" + name + "/compare", null);
    String direction = definition.getString("direction").equals("STREAM_TO_TOPIC") ? "stream → topic" : "topic → stream";
    return new Run(direction, records, seconds, records / seconds, withConnect, fillRate, usage, comparison);
  }

  private static byte[] data(SplittableRandom random) {
    byte[] data = new byte[RECORD_BYTES];
    for (int i = 0; i < data.length; i++) data[i] = (byte) ('a' + random.nextInt(26));
    return data;
  }

  private static JsonObject call(int port, String method, String path, JsonObject body) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofMinutes(5))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()))
        .build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 300) throw new IllegalStateException(method + " " + path + ": " + response.body());
    return new JsonObject(response.body());
  }

  private static String markdown(List<Run> runs, int records, String loadBefore, String loadAfter) throws Exception {
    StringBuilder text = new StringBuilder();
    text.append("# Kafka bridge benchmark\n\n")
        .append("Generated by `loadtest/bridge-bench.sh` (`io.tributary.bench.BridgeBenchmark`). A backlog of ")
        .append(String.format(Locale.ROOT, "%,d", records))
        .append(" records of 100 bytes (1,000 partition keys) is written to one side, then a mirror is created and timed from")
        .append(" its first mirrored batch until its status counts them all (and, more strictly, from the request that creates it,"
            + " which includes connecting to Kafka and the first batch); the comparison endpoint then checks that")
        .append(" both sides hold the same records in the same per-key order. 4 shards and 4 partitions each way.")
        .append(" Server: in the benchmark JVM, default settings (fsync=always, mirror.batch.records=10000); broker:")
        .append(" Apache Kafka 4.3.1 (KRaft, one node) in a child JVM; everything on 127.0.0.1 on one machine.\n\n")
        .append("| direction | records | seconds | records/s mirrored | from creation, records/s | target | met | backlog written at (records/s) | machine busy cores | benchmark JVM cores | compare: match, missing, extra |\n")
        .append("| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- |\n");
    for (Run run : runs) {
      JsonObject c = run.comparison();
      text.append(String.format(Locale.ROOT, "| %s | %,d | %.2f | %,.0f | %,.0f | 50,000 | %s | %,.0f | %.2f | %.2f | %s, %d, %d |%n",
          run.direction(), run.records(), run.seconds(), run.mirroredPerSecond(), run.withConnectPerSecond(),
          run.withConnectPerSecond() >= 50_000 ? "yes" : "no",
          run.fillPerSecond(), run.cpu().machine(), run.cpu().client(), c.getBoolean("match"), c.getLong("missing"), c.getLong("extra")));
    }
    text.append("\n## Machine\n\n| fact | value |\n| --- | --- |\n")
        .append("| date (UTC) | ").append(Instant.now()).append(" |\n")
        .append("| nproc | ").append(Runtime.getRuntime().availableProcessors()).append(" |\n")
        .append("| CPU | ").append(cpuModel()).append(" |\n")
        .append("| Java | ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version")).append(" |\n")
        .append("| load average before / after (1, 5, 15 min) | ").append(loadBefore).append(" / ").append(loadAfter).append(" |\n\n")
        .append("The machine is shared: busy cores count every process (broker, server, load, and other work).\n");
    return text.toString();
  }

  private static String cpuModel() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
      if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
    }
    return "unknown";
  }
}
