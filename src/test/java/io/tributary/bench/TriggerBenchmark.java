package io.tributary.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * Triggers against a server that is already running, delivering to a fast local function: a Vert.x HTTP
 * server in this JVM that answers {@code 200 {}} at once and counts the records of each event.
 *
 * <ol>
 *   <li>{@code throughput}: a 2-shard stream is filled with {@code records} records first; then a trigger
 *       (TRIM_HORIZON) is created for each configuration (BatchSize, ParallelizationFactor), and the time from
 *       its creation to the last record delivered gives records/s.
 *   <li>{@code latency}: a trigger from LATEST on a 1-shard stream (BatchSize 100, no batching window), then
 *       one PutRecord every {@code 1000 / rate} ms; each record holds {@code System.nanoTime()} taken just
 *       before its PutRecord, and the function notes its arrival: put-to-invocation delay.
 * </ol>
 * Options: host, port, management-port, out, records, rate, duration (s), server-info, command.
 */
public final class TriggerBenchmark {
  private TriggerBenchmark() { }

  public static void main(String[] args) {
    try {
      run(args);
      System.exit(0);
    } catch (Throwable failure) {
      // The function's Vert.x threads would keep the JVM up until the script's timeout.
      failure.printStackTrace();
      System.exit(1);
    }
  }

  private static void run(String[] args) throws Exception {
    Map<String, String> options = BenchSupport.options(args, 0);
    String host = options.getOrDefault("host", "127.0.0.1");
    URI endpoint = URI.create("http://" + host + ":" + options.getOrDefault("port", "4567"));
    URI management = URI.create("http://" + host + ":" + options.getOrDefault("management-port", "4569") + "/triggers");
    int records = Integer.parseInt(options.getOrDefault("records", "100000"));
    int rate = Integer.parseInt(options.getOrDefault("rate", "20"));
    int duration = Integer.parseInt(options.getOrDefault("duration", "20"));
    Path out = Path.of(options.getOrDefault("out", "loadtest/results/triggers.md"));

    String loadBefore = loadAverage();
    Vertx vertx = Vertx.vertx();
    AtomicLong delivered = new AtomicLong();
    ConcurrentLinkedQueue<Long> delaysNanos = new ConcurrentLinkedQueue<>();
    HttpServer function = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      long now = System.nanoTime();
      JsonArray list = new JsonObject(body).getJsonArray("Records");
      delivered.addAndGet(list.size());
      if (request.path().contains("latency")) {
        for (Object record : list) {
          byte[] data = Base64.getDecoder().decode(((JsonObject) record).getJsonObject("kinesis").getString("data"));
          delaysNanos.add(now - ByteBuffer.wrap(data).getLong());
        }
      }
      request.response().putHeader("Content-Type", "application/json").end("{}");
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
    String functionBase = "http://127.0.0.1:" + function.actualPort() + "/2015-03-31/functions/";

    KinesisClient kinesis = KinesisClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench"))).build();
    HttpClient http = HttpClient.newHttpClient();

    // ---- throughput ----
    kinesis.createStream(b -> b.streamName("trigger-throughput").shardCount(2));
    kinesis.waiter().waitUntilStreamExists(b -> b.streamName("trigger-throughput"));
    byte[] payload = new byte[100];
    Arrays.fill(payload, (byte) 'x');
    for (int from = 0; from < records; from += 500) {
      List<PutRecordsRequestEntry> entries = new ArrayList<>();
      for (int i = from; i < Math.min(records, from + 500); i++) {
        entries.add(PutRecordsRequestEntry.builder().partitionKey("key-" + i).data(SdkBytes.fromByteArray(payload)).build());
      }
      int failed = kinesis.putRecords(b -> b.streamName("trigger-throughput").records(entries)).failedRecordCount();
      if (failed > 0) throw new IllegalStateException(failed + " records not taken");
    }
    int[][] configurations = {{100, 1}, {1000, 1}, {1000, 10}};
    List<String> throughputRows = new ArrayList<>();
    for (int[] configuration : configurations) {
      delivered.set(0);
      JsonObject body = new JsonObject().put("EventSourceArn", "arn:aws:kinesis:us-east-1:000000000000:stream/trigger-throughput")
          .put("TargetUrl", functionBase + "throughput-" + configuration[0] + "-" + configuration[1] + "/invocations")
          .put("StartingPosition", "TRIM_HORIZON").put("BatchSize", configuration[0]).put("ParallelizationFactor", configuration[1]);
      long start = System.nanoTime();
      String uuid = create(http, management, body);
      long deadline = start + Duration.ofSeconds(300).toNanos();
      while (delivered.get() < records && System.nanoTime() < deadline) Thread.sleep(5);
      double seconds = (System.nanoTime() - start) / 1e9;
      JsonObject status = get(http, management, uuid).getJsonObject("Status");
      throughputRows.add(String.format(Locale.ROOT, "| %d | %d | %,d | %.2f | %,.0f | %,d |", configuration[0], configuration[1],
          delivered.get(), seconds, delivered.get() / seconds, status.getLong("Invocations")));
      delete(http, management, uuid);
    }

    // ---- latency ----
    kinesis.createStream(b -> b.streamName("trigger-latency").shardCount(1));
    kinesis.waiter().waitUntilStreamExists(b -> b.streamName("trigger-latency"));
    String latencyUuid = create(http, management, new JsonObject()
        .put("EventSourceArn", "arn:aws:kinesis:us-east-1:000000000000:stream/trigger-latency")
        .put("TargetUrl", functionBase + "latency/invocations").put("StartingPosition", "LATEST"));
    long waitUntil = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (get(http, management, latencyUuid).getJsonObject("Status").getJsonObject("Positions").isEmpty()
        && System.nanoTime() < waitUntil) {
      Thread.sleep(50);
    }
    Thread.sleep(1_000);
    int count = rate * duration;
    long interval = 1_000_000_000L / rate;
    long next = System.nanoTime();
    for (int i = 0; i < count; i++) {
      LockSupport.parkNanos(next - System.nanoTime());
      next += interval;
      long sent = System.nanoTime();
      byte[] data = ByteBuffer.allocate(16).putLong(sent).putLong(i).array();
      kinesis.putRecord(b -> b.streamName("trigger-latency").partitionKey("k").data(SdkBytes.fromByteArray(data)));
    }
    long settle = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (delaysNanos.size() < count && System.nanoTime() < settle) Thread.sleep(20);
    long[] delays = delaysNanos.stream().mapToLong(Long::longValue).sorted().toArray();

    StringBuilder md = new StringBuilder();
    md.append("# Triggers: delivery throughput and put-to-invocation delay\n\n")
        .append("Generated by `loadtest/trigger-bench.sh` (client: `io.tributary.bench.TriggerBenchmark`, server: "
            + "`target/tributary.jar` in its own JVM, default settings). Client, function and server share the machine, "
            + "and the machine (2 cores) was shared with other work while this was measured: read the figures as a floor.\n\n")
        .append("Reproduce: `").append(options.getOrDefault("command", "loadtest/trigger-bench.sh")).append("`\n\n")
        .append("## Machine\n\n| fact | value |\n| --- | --- |\n");
    BenchSupport.machineRows(md);
    BenchSupport.row(md, "load average (1, 5, 15 min) before / after", loadBefore + " / " + loadAverage());
    BenchSupport.row(md, "server", options.getOrDefault("server-info", "?"));
    md.append("\n## Function\n\nA Vert.x HTTP server in the client JVM on 127.0.0.1 that reads each event, counts its records "
        + "and answers `200 {}` at once (for the delay run it also decodes each record's send time).\n\n");
    md.append("## Throughput\n\n").append(String.format(Locale.ROOT, "%,d records of 100 B (distinct partition keys) put into a "
        + "2-shard stream first; then one trigger per row from TRIM_HORIZON; time from CreateEventSourceMapping to the last "
        + "record at the function (each trigger reads the whole stream again).%n%n", records))
        .append("| BatchSize | ParallelizationFactor | records | seconds | records/s | invocations |\n")
        .append("| ---: | ---: | ---: | ---: | ---: | ---: |\n");
    throughputRows.forEach(row -> md.append(row).append('\n'));
    md.append("\n## Put-to-invocation delay at a low rate\n\n").append(String.format(Locale.ROOT,
        "One PutRecord (AWS SDK v2 sync client, 16 B) every %d ms for %d s to a 1-shard stream; trigger from LATEST, BatchSize "
            + "100, MaximumBatchingWindowInSeconds 0. Delay: the function's System.nanoTime() when the event arrives minus "
            + "System.nanoTime() just before the PutRecord call (same JVM); includes the put's fsync (fsync=always).%n%n",
        1000 / rate, duration))
        .append("| records sent | received | p50 ms | p90 ms | p99 ms | max ms |\n| ---: | ---: | ---: | ---: | ---: | ---: |\n")
        .append(String.format(Locale.ROOT, "| %d | %d | %.2f | %.2f | %.2f | %.2f |%n", count, delays.length,
            percentile(delays, 50), percentile(delays, 90), percentile(delays, 99), delays.length == 0 ? 0 : delays[delays.length - 1] / 1e6));
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, md.toString());
    System.out.print(md);
    kinesis.close();
    vertx.close();
  }

  /** The first three fields of /proc/loadavg, or "n/a". */
  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (java.io.IOException | RuntimeException e) {
      return "n/a";
    }
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) return 0;
    int index = (int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1);
    return sorted[Math.max(0, index)] / 1e6;
  }

  private static String create(HttpClient http, URI management, JsonObject body) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(management).POST(HttpRequest.BodyPublishers.ofString(body.encode()))
        .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 202) throw new IllegalStateException("create answered " + response.statusCode() + " " + response.body());
    return new JsonObject(response.body()).getString("UUID");
  }

  private static JsonObject get(HttpClient http, URI management, String uuid) throws Exception {
    return new JsonObject(http.send(HttpRequest.newBuilder(URI.create(management + "/" + uuid)).build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }

  private static void delete(HttpClient http, URI management, String uuid) throws Exception {
    http.send(HttpRequest.newBuilder(URI.create(management + "/" + uuid)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
  }
}
