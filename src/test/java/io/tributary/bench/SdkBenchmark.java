package io.tributary.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * PutRecords and the GetRecords drain driven by the AWS SDK for Java v2 ({@code KinesisAsyncClient} on its
 * Netty client, HTTP/2 cleartext as the SDK speaks to an http endpoint), in CBOR (the SDK's default) or
 * JSON 1.1 ({@code aws.cborEnabled=false}): what users run, client cost included. The server is already
 * running. Figures go to a {@code phase.key=value} summary file, the format of {@link ApiBenchmark}'s.
 *
 * <p>Options ({@code --name value}): host, port (one, or a comma list of the nodes of a cluster: one client per
 * port, the calls in flight and the shards drained spread evenly over them), format (cbor | json), warmup and
 * duration (seconds), shards, records-per-call, record-bytes ({@code N} or {@code MIN-MAX}), put-records-concurrency,
 * limit, max-connections (per client), server-pid (comma list: the server's processes), summary-out.
 */
public final class SdkBenchmark {
  /**
   * The error of a call the server refused as overloaded (quotas are off): SDKs retry it, this client (no
   * retries) counts it apart and goes on; the drain still has to find every record acknowledged.
   */
  private static final String THROTTLED = "ProvisionedThroughputExceededException";
  private final Map<String, String> options;
  private final String format;
  private final long warmupMillis;
  private final long durationMillis;
  private final int shards;
  private final int recordsPerCall;
  private final RecordSizes recordSizes;
  private final int concurrency;
  private final int limit;
  private final CpuUsage cpu;

  private SdkBenchmark(Map<String, String> options) {
    this.options = options;
    format = option("format", "cbor").toLowerCase(Locale.ROOT);
    if (!format.equals("cbor") && !format.equals("json")) throw new IllegalArgumentException("format: json or cbor");
    warmupMillis = (long) (Double.parseDouble(option("warmup", "5")) * 1000);
    durationMillis = (long) (Double.parseDouble(option("duration", "20")) * 1000);
    shards = Integer.parseInt(option("shards", "4"));
    recordsPerCall = Integer.parseInt(option("records-per-call", "500"));
    recordSizes = RecordSizes.parse(option("record-bytes", "100"));
    concurrency = Integer.parseInt(option("put-records-concurrency", "32"));
    limit = Integer.parseInt(option("limit", "10000"));
    cpu = new CpuUsage(Arrays.stream(option("server-pid", "0").split(",")).mapToLong(p -> Long.parseLong(p.trim())).toArray());
  }

  private String option(String name, String fallback) {
    return BenchSupport.option(options, name, fallback);
  }

  public static void main(String[] args) {
    BenchSupport.exitWith(() -> new SdkBenchmark(BenchSupport.options(args, 0)).run());
  }

  private int run() throws Exception {
    // The SDK reads the switch when it builds the client's protocol factory.
    System.setProperty("aws.cborEnabled", String.valueOf(format.equals("cbor")));
    List<URI> endpoints = new ArrayList<>();
    for (String port : option("port", "4567").split(",")) {
      endpoints.add(URI.create("http://" + option("host", "127.0.0.1") + ":" + port.trim()));
    }
    List<KinesisAsyncClient> clients = new ArrayList<>();
    try {
      for (URI endpoint : endpoints) clients.add(client(endpoint));
      String stream = "sdk-bench-" + format + "-" + Long.toString(System.currentTimeMillis(), 36);
      log("SDK client, format %s, endpoints %s", format, endpoints);
      clients.get(0).createStream(b -> b.streamName(stream).shardCount(shards)).join();
      // Every node must know the stream before the calls through it start.
      for (KinesisAsyncClient kinesis : clients) awaitActive(kinesis, stream);
      Map<String, Map<String, Object>> results = new LinkedHashMap<>();
      long put = putRecords(clients, stream, results);
      drain(clients, stream, put, results);
      String summaryOut = option("summary-out", "");
      StringBuilder text = new StringBuilder();
      results.forEach((phase, values) -> values.forEach((key, value) -> text.append(phase).append('.').append(key)
          .append('=').append(value instanceof Double d ? String.format(Locale.ROOT, "%.3f", d) : value).append('\n')));
      if (!summaryOut.isEmpty()) Files.writeString(Path.of(summaryOut), text, StandardCharsets.UTF_8);
      Map<String, Object> putFigures = results.get("put-records");
      long failed = (Long) putFigures.get("errors") - (Long) putFigures.get("throttled");
      Object missing = results.get("get-records").get("missing");
      return failed == 0 && Long.valueOf(0).equals(missing) ? 0 : 3;
    } finally {
      clients.forEach(KinesisAsyncClient::close);
    }
  }

  private KinesisAsyncClient client(URI endpoint) {
    return KinesisAsyncClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBENCH", "secret")))
        .httpClientBuilder(NettyNioAsyncHttpClient.builder()
            .maxConcurrency(Integer.parseInt(option("max-connections", "64")))
            .connectionAcquisitionTimeout(Duration.ofSeconds(30)))
        .overrideConfiguration(o -> o.retryPolicy(RetryPolicy.none()).apiCallTimeout(Duration.ofSeconds(60)))
        .build();
  }

  /** DescribeStreamSummary until the stream is ACTIVE; a node that has not heard of it yet answers not found. */
  private static void awaitActive(KinesisAsyncClient kinesis, String stream) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (status(kinesis, stream) != StreamStatus.ACTIVE) {
      if (System.nanoTime() > deadline) throw new IllegalStateException(stream + " did not become ACTIVE");
      Thread.sleep(100);
    }
  }

  private static StreamStatus status(KinesisAsyncClient kinesis, String stream) {
    try {
      return kinesis.describeStreamSummary(b -> b.streamName(stream)).join().streamDescriptionSummary().streamStatus();
    } catch (CompletionException e) {
      if (e.getCause() instanceof ResourceNotFoundException) return null;
      throw e;
    }
  }

  /**
   * PutRecords with {@code concurrency} calls in flight, call i through client i mod clients; returns every
   * record acknowledged (warm-up included).
   */
  private long putRecords(List<KinesisAsyncClient> clients, String stream, Map<String, Map<String, Object>> results)
      throws InterruptedException {
    SplittableRandom random = new SplittableRandom(20260101L);
    List<PutRecordsRequest> requests = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      List<PutRecordsRequestEntry> entries = new ArrayList<>(recordsPerCall);
      for (int r = 0; r < recordsPerCall; r++) {
        byte[] data = new byte[recordSizes.next(random)];
        random.nextBytes(data);
        entries.add(PutRecordsRequestEntry.builder().data(SdkBytes.fromByteArrayUnsafe(data))
            .partitionKey(KinesisWire.randomKey(random)).build());
      }
      requests.add(PutRecordsRequest.builder().streamName(stream).records(entries).build());
    }
    log("PutRecords: %d x %s records per call, %d in flight over %d endpoint(s), %d s warm-up + %d s", recordsPerCall,
        recordSizes, concurrency, clients.size(), warmupMillis / 1000, durationMillis / 1000);
    long start = System.nanoTime();
    long measureFrom = start + TimeUnit.MILLISECONDS.toNanos(warmupMillis);
    long measureTo = measureFrom + TimeUnit.MILLISECONDS.toNanos(durationMillis);
    AtomicLong acked = new AtomicLong();
    Window window = new Window(measureFrom, measureTo);
    AtomicLong sequence = new AtomicLong();
    List<CompletableFuture<Void>> loops = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      loops.add(done);
      putLoop(clients.get(i % clients.size()), requests, sequence, window, acked, done);
    }
    sleepUntil(measureFrom);
    CpuUsage.Snapshot cpuFrom = cpu.take();
    sleepUntil(measureTo);
    CpuUsage.Usage usage = CpuUsage.between(cpuFrom, cpu.take());
    CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).join();
    double seconds = (measureTo - measureFrom) / 1e9;
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("calls", window.calls.get());
    values.put("records", window.records.get());
    values.put("seconds", seconds);
    values.put("records_per_s", window.records.get() / seconds);
    values.put("mb_per_s", window.bytes.get() / seconds / 1e6);
    values.put("p50_ms", window.percentileMillis(50));
    values.put("p99_ms", window.percentileMillis(99));
    values.put("errors", window.errors.get());
    values.put("throttled", window.errorTypes.getOrDefault(THROTTLED, 0L));
    values.put("error_types", window.errorTypes.toString());
    putCpu(values, usage);
    results.put("put-records", values);
    log("  %,.0f records/s (%.1f MB/s), p50 %.2f ms, p99 %.2f ms, errors %d %s, busy cores: server %s, client %s, "
        + "other %s", window.records.get() / seconds, window.bytes.get() / seconds / 1e6, window.percentileMillis(50),
        window.percentileMillis(99), window.errors.get(), window.errorTypes, BenchSupport.cores(usage.server()),
        BenchSupport.cores(usage.client()), BenchSupport.cores(usage.other()));
    return acked.get();
  }

  /**
   * What the PutRecords calls answered inside the measured window did: calls, records and record bytes
   * acknowledged, call latencies (microseconds, from issue to answer); errors count over the whole phase.
   */
  private static final class Window {
    final long from;
    final long to;
    final AtomicLong calls = new AtomicLong();
    final AtomicLong records = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final Map<String, Long> errorTypes = new ConcurrentSkipListMap<>();
    final Histogram latencyMicros = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(2), 3);

    Window(long from, long to) {
      this.from = from;
      this.to = to;
    }

    void error(String type) {
      errors.incrementAndGet();
      errorTypes.merge(type, 1L, Long::sum);
    }

    double percentileMillis(double percentile) {
      return latencyMicros.getTotalCount() == 0 ? Double.NaN : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }
  }

  /** The service's error code, or for a call that failed in the client its exception and message. */
  private static String errorType(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof AwsServiceException e && e.awsErrorDetails() != null) return e.awsErrorDetails().errorCode();
    String message = String.valueOf(cause.getMessage()).replaceAll("[\\s=]+", " ");
    return cause.getClass().getSimpleName() + ": " + (message.length() > 120 ? message.substring(0, 120) + "..." : message);
  }

  private static void putLoop(KinesisAsyncClient kinesis, List<PutRecordsRequest> requests, AtomicLong sequence,
      Window window, AtomicLong acked, CompletableFuture<Void> done) {
    long issued = System.nanoTime();
    if (issued >= window.to) {
      done.complete(null);
      return;
    }
    PutRecordsRequest request = requests.get((int) (sequence.getAndIncrement() % requests.size()));
    kinesis.putRecords(request).whenComplete((response, failure) -> {
      long now = System.nanoTime();
      boolean inWindow = now >= window.from && now < window.to;
      if (failure != null) {
        window.error(errorType(failure));
      } else {
        long ok = 0;
        long okBytes = 0;
        String failedCode = null;
        for (int i = 0; i < response.records().size(); i++) {
          PutRecordsResultEntry result = response.records().get(i);
          if (result.errorCode() == null) {
            ok++;
            okBytes += request.records().get(i).data().asByteBuffer().remaining();
          } else if (failedCode == null) {
            failedCode = result.errorCode();
          }
        }
        // A call with failed records is one error, as a call that failed whole is.
        if (failedCode != null) window.error("FailedRecordCount>0, e.g. " + failedCode);
        acked.addAndGet(ok);
        if (inWindow) {
          window.records.addAndGet(ok);
          window.bytes.addAndGet(okBytes);
          window.calls.incrementAndGet();
          window.latencyMicros.recordValue(Math.min(window.latencyMicros.getHighestTrackableValue(),
              Math.max(1, (now - issued) / 1000)));
        }
      }
      putLoop(kinesis, requests, sequence, window, acked, done);
    });
  }

  /** Reads every shard from TRIM_HORIZON until caught up, shards concurrently, shard i through client i mod clients. */
  private void drain(List<KinesisAsyncClient> clients, String stream, long expected,
      Map<String, Map<String, Object>> results) {
    List<Shard> shardList = clients.get(0).listShards(b -> b.streamName(stream)).join().shards();
    CpuUsage.Snapshot cpuFrom = cpu.take();
    long started = System.nanoTime();
    List<CompletableFuture<Long>> perShard = new ArrayList<>();
    for (int i = 0; i < shardList.size(); i++) {
      Shard shard = shardList.get(i);
      KinesisAsyncClient kinesis = clients.get(i % clients.size());
      perShard.add(kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
              .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
          .thenCompose(iterator -> readShard(kinesis, iterator.shardIterator(), 0)));
    }
    long records = 0;
    for (CompletableFuture<Long> shard : perShard) records += shard.join();
    double seconds = (System.nanoTime() - started) / 1e9;
    CpuUsage.Usage usage = CpuUsage.between(cpuFrom, cpu.take());
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("records", records);
    values.put("expected", expected);
    values.put("missing", expected - records);
    values.put("seconds", seconds);
    values.put("records_per_s", records / seconds);
    putCpu(values, usage);
    results.put("get-records", values);
    log("GetRecords drain: %,d records (%,d put) in %.2f s = %,.0f records/s, busy cores: server %s, client %s, other %s",
        records, expected, seconds, records / seconds, BenchSupport.cores(usage.server()),
        BenchSupport.cores(usage.client()), BenchSupport.cores(usage.other()));
  }

  private CompletableFuture<Long> readShard(KinesisAsyncClient kinesis, String iterator, long drained) {
    return kinesis.getRecords(b -> b.shardIterator(iterator).limit(limit)).thenCompose((GetRecordsResponse page) -> {
      long total = drained + page.records().size();
      boolean caughtUp = page.records().isEmpty() || page.nextShardIterator() == null
          || (page.millisBehindLatest() == 0 && page.records().size() < limit);
      return caughtUp ? CompletableFuture.completedFuture(total) : readShard(kinesis, page.nextShardIterator(), total);
    });
  }

  private static void putCpu(Map<String, Object> values, CpuUsage.Usage usage) {
    values.put("cpu_server", usage.server());
    values.put("cpu_client", usage.client());
    values.put("cpu_other", usage.other());
    values.put("cpu_machine", usage.machine());
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left;
    while ((left = nanoTime - System.nanoTime()) > 0) TimeUnit.NANOSECONDS.sleep(Math.min(left, 100_000_000L));
  }

  private static void log(String format, Object... args) {
    System.out.println("[sdk-bench " + LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + "] "
        + String.format(Locale.ROOT, format, args));
  }
}
