package io.tributary.bench;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StartingPosition;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * Producer-to-consumer latency of Tributary against a server that is already running: one small record per
 * PutRecord at a fixed rate, paced evenly, to a 2-shard stream, and consumers that note when each record
 * reaches them.
 *
 * <ol>
 *   <li>{@code subscribe}: enhanced fan-out. A consumer is registered and every shard is subscribed with
 *       SubscribeToShard through the AWS SDK v2 async client (Netty, HTTP/2 cleartext, as KCL uses it); a
 *       subscription that ends is resumed after its last ContinuationSequenceNumber.
 *   <li>{@code poll}: GetRecords on every shard every poll interval (a call starts poll-interval ms after the
 *       previous one started, or at once if that one took longer), with the SDK's async client.
 * </ol>
 *
 * <p>Each record's data holds its sequence number in the run and {@code System.nanoTime()} taken just before
 * its PutRecord call; producer and consumers run in this JVM, so the latency is the consumer's
 * {@code System.nanoTime()} when the record is handed to it minus that. Only records sent in the measured
 * window count; after it the benchmark waits for them to arrive and counts those that do not.
 *
 * <p>Options ({@code --name value}): host, port, out, rate (records/s), warmup and duration (seconds),
 * poll-interval (ms), record-bytes, phases (comma list of subscribe, poll), server-info, server-pid and
 * command (text for the report).
 */
public final class LatencyBenchmark {
  private static final int SHARDS = 2;
  private static final double SUBSCRIBE_TARGET_P99_MS = 10;
  private static final double POLL_TARGET_P99_MS = 60;

  private final Map<String, String> options;
  private final URI endpoint;
  private final int rate;
  private final long warmupMillis;
  private final long durationMillis;
  private final long pollIntervalMillis;
  private final int recordBytes;
  private final List<String> phases;
  private final String producerKind;
  private final CpuUsage cpu;
  private KinesisWire.Api wire;
  private final String runId = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);

  private LatencyBenchmark(Map<String, String> options) {
    this.options = options;
    this.endpoint = URI.create("http://" + opt("host", "127.0.0.1") + ":" + opt("port", "4567"));
    this.rate = Integer.parseInt(opt("rate", "1000"));
    this.warmupMillis = (long) (Double.parseDouble(opt("warmup", "10")) * 1000);
    this.durationMillis = (long) (Double.parseDouble(opt("duration", "20")) * 1000);
    this.pollIntervalMillis = Long.parseLong(opt("poll-interval", "50"));
    this.recordBytes = Math.max(16, Integer.parseInt(opt("record-bytes", "32")));
    this.phases = List.of(opt("phases", "subscribe,poll").split(","));
    this.producerKind = opt("producer", "vertx");
    if (!producerKind.equals("vertx") && !producerKind.equals("sdk")) throw new IllegalArgumentException("--producer vertx|sdk");
    this.cpu = new CpuUsage(Long.parseLong(opt("server-pid", "-1")));
  }

  private String opt(String name, String fallback) {
    return options.getOrDefault(name, fallback);
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = BenchSupport.options(args, 0);
    boolean ok = new LatencyBenchmark(options).run();
    System.exit(ok ? 0 : 1);
  }

  private static KinesisAsyncClient client(URI endpoint, int maxConcurrency) {
    return KinesisAsyncClient.builder()
        .httpClient(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP2).maxConcurrency(maxConcurrency).build())
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBENCH", "secret")))
        .overrideConfiguration(o -> o.retryPolicy(RetryPolicy.none()))
        .build();
  }

  private boolean run() throws Exception {
    List<Result> results = new ArrayList<>();
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    HttpClientOptions httpOptions = new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setConnectTimeout(5000);
    wire = new KinesisWire.Api(vertx.createHttpClient(httpOptions, new PoolOptions().setHttp1MaxSize(64)),
        endpoint.getHost(), endpoint.getPort());
    try (KinesisAsyncClient producer = client(endpoint, 256); KinesisAsyncClient consumer = client(endpoint, 64)) {
      for (String phase : phases) {
        switch (phase.trim()) {
          case "subscribe" -> results.add(measure("SubscribeToShard (SDK v2 async, h2c)", producer, consumer, true));
          case "poll" -> results.add(measure("GetRecords every " + pollIntervalMillis + " ms per shard", producer, consumer, false));
          default -> throw new IllegalArgumentException("unknown phase " + phase);
        }
      }
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    String out = opt("out", null);
    String report = report(results);
    if (out != null) {
      Files.createDirectories(Path.of(out).toAbsolutePath().getParent());
      Files.writeString(Path.of(out), report);
    }
    System.out.println(report);
    return results.stream().allMatch(r -> r.missing == 0 && r.putErrors == 0);
  }

  // ---- one phase ------------------------------------------------------------------------------------------

  private Result measure(String name, KinesisAsyncClient producer, KinesisAsyncClient consumer, boolean subscribe)
      throws Exception {
    String stream = "latency-" + (subscribe ? "efo" : "poll") + "-" + runId;
    log("%s: creating stream %s (%d shards)", name, stream, SHARDS);
    producer.createStream(b -> b.streamName(stream).shardCount(SHARDS)).join();
    String streamArn = null;
    for (int i = 0; i < 600; i++) {
      var summary = producer.describeStreamSummary(b -> b.streamName(stream)).join().streamDescriptionSummary();
      if (summary.streamStatus() == StreamStatus.ACTIVE) {
        streamArn = summary.streamARN();
        break;
      }
      Thread.sleep(50);
    }
    if (streamArn == null) throw new IllegalStateException("stream " + stream + " did not become ACTIVE");
    List<String> shardIds = producer.listShards(b -> b.streamName(stream)).join().shards().stream()
        .map(s -> s.shardId()).toList();

    int total = (int) ((warmupMillis + durationMillis) * rate / 1000);
    int warmupCount = (int) (warmupMillis * rate / 1000);
    Run run = new Run(total);
    List<AutoCloseable> readers = new ArrayList<>();
    if (subscribe) {
      String arn = streamArn;
      String consumerArn = consumer.registerStreamConsumer(b -> b.streamARN(arn).consumerName("latency")).join()
          .consumer().consumerARN();
      for (int i = 0; i < 600; i++) {
        var status = consumer.describeStreamConsumer(b -> b.consumerARN(consumerArn)).join()
            .consumerDescription().consumerStatus();
        if (status == ConsumerStatus.ACTIVE) break;
        Thread.sleep(50);
      }
      for (String shardId : shardIds) {
        Subscriber subscriber = new Subscriber(consumer, consumerArn, shardId, run);
        subscriber.start();
        readers.add(subscriber);
      }
      for (AutoCloseable reader : readers) ((Subscriber) reader).awaitFirstResponse();
    } else {
      for (String shardId : shardIds) {
        String iterator = consumer.getShardIterator(b -> b.streamName(stream).shardId(shardId)
            .shardIteratorType(ShardIteratorType.LATEST)).join().shardIterator();
        Poller poller = new Poller(consumer, iterator, run);
        poller.start();
        readers.add(poller);
      }
    }

    // Producer: record i is sent at start + i / rate, from one thread that parks until each slot.
    log("%s: putting %d records/s for %d s warm-up + %d s measured", name, rate, warmupMillis / 1000, durationMillis / 1000);
    SplittableRandom random = new SplittableRandom(7);
    byte[] padding = new byte[recordBytes - 16];
    long start = System.nanoTime() + 50_000_000L;
    long periodNanos = 1_000_000_000L / rate;
    CpuUsage.Snapshot cpuFrom = null;
    for (int i = 0; i < total; i++) {
      long slot = start + i * periodNanos;
      long wait;
      while ((wait = slot - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
      if (cpuFrom == null && i * periodNanos >= warmupMillis * 1_000_000L) cpuFrom = cpu.take();
      int seq = i;
      random.nextBytes(padding);
      long sent = System.nanoTime();
      ByteBuffer data = ByteBuffer.allocate(recordBytes).putLong(seq).putLong(sent).put(padding).flip();
      run.sent.set(seq, sent);
      run.lag.set(seq, sent - slot);
      String key = Long.toHexString(random.nextLong());
      if (producerKind.equals("sdk")) {
        producer.putRecord(b -> b.streamName(stream).partitionKey(key).data(SdkBytes.fromByteBuffer(data)))
            .whenComplete((response, failure) -> {
              if (failure != null) run.putErrors.incrementAndGet(); else run.acked.set(seq, System.nanoTime());
            });
      } else {
        byte[] bytes = data.array();
        wire.call(KinesisWire.Op.PutRecord, KinesisWire.encode(g -> {
          g.writeFieldName("Data");
          g.writeBinary(bytes);
          g.writeStringField("PartitionKey", key);
          g.writeStringField("StreamName", stream);
        })).onComplete(reply -> {
          if (reply.succeeded() && reply.result().ok()) run.acked.set(seq, System.nanoTime()); else run.putErrors.incrementAndGet();
        });
      }
    }
    CpuUsage.Snapshot cpuTo = cpu.take();
    long producerLagMillis = (System.nanoTime() - (start + (total - 1) * periodNanos)) / 1_000_000;

    // Wait for every record to arrive (or 10 s).
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (run.received.get() < total && System.nanoTime() < deadline) Thread.sleep(20);
    for (AutoCloseable reader : readers) reader.close();
    if (subscribe) {
      String arn = streamArn;
      consumer.deregisterStreamConsumer(b -> b.streamARN(arn).consumerName("latency")).exceptionally(e -> null).join();
    }
    producer.deleteStream(b -> b.streamName(stream).enforceConsumerDeletion(true)).exceptionally(e -> null).join();

    Result result = new Result(name, subscribe ? SUBSCRIBE_TARGET_P99_MS : POLL_TARGET_P99_MS);
    List<Long> latencies = new ArrayList<>();
    List<Long> puts = new ArrayList<>();
    List<Long> afterAck = new ArrayList<>();
    List<Long> lags = new ArrayList<>();
    int beforeAck = 0;
    List<List<Long>> perSecond = new ArrayList<>();
    for (int i = warmupCount; i < total; i++) {
      long sent = run.sent.get(i);
      result.measured++;
      lags.add(run.lag.get(i));
      int second = (i - warmupCount) / rate;
      while (perSecond.size() <= second) perSecond.add(new ArrayList<>());
      long received = run.receivedAt.get(i);
      long acked = run.acked.get(i);
      if (acked != 0) puts.add(acked - sent);
      if (received == 0) {
        result.missing++;
        continue;
      }
      latencies.add(received - sent);
      perSecond.get(second).add(received - sent);
      if (acked != 0) {
        if (received < acked) beforeAck++; else afterAck.add(received - acked);
      }
    }
    result.latency = Stats.of(latencies);
    result.put = Stats.of(puts);
    result.afterAck = Stats.of(afterAck);
    result.beforeAck = beforeAck;
    result.pacing = Stats.of(lags);
    result.calls = Stats.of(new ArrayList<>(run.calls));
    StringBuilder series = new StringBuilder();
    for (List<Long> second : perSecond) {
      Stats stats = Stats.of(second);
      series.append(series.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f/%.1f", stats.p(50), stats.p(99)));
    }
    result.perSecond = series.toString();
    result.putErrors = run.putErrors.get();
    result.duplicates = run.duplicates.get();
    result.events = run.events.get();
    result.emptyEvents = run.emptyEvents.get();
    result.resubscriptions = run.resubscriptions.get();
    result.readErrors = run.readErrors.get();
    result.producerLagMillis = producerLagMillis;
    result.cpu = cpuFrom == null ? CpuUsage.Usage.UNKNOWN : CpuUsage.between(cpuFrom, cpuTo);
    log("%s: p50 %.2f ms, p99 %.2f ms, max %.2f ms over %d records (%d missing)", name, result.latency.p(50),
        result.latency.p(99), result.latency.max(), latencies.size(), result.missing);
    return result;
  }

  /** What one phase saw, indexed by the record's sequence in the run. */
  private static final class Run {
    final AtomicLongArray sent;
    final AtomicLongArray acked;
    final AtomicLongArray receivedAt;
    final AtomicLongArray lag;
    final AtomicInteger received = new AtomicInteger();
    final AtomicInteger duplicates = new AtomicInteger();
    final AtomicInteger putErrors = new AtomicInteger();
    final AtomicInteger readErrors = new AtomicInteger();
    final AtomicInteger events = new AtomicInteger();
    final AtomicInteger emptyEvents = new AtomicInteger();
    final AtomicInteger resubscriptions = new AtomicInteger();
    /** Durations of the measured-phase GetRecords calls (the polling path only). */
    final java.util.concurrent.ConcurrentLinkedQueue<Long> calls = new java.util.concurrent.ConcurrentLinkedQueue<>();

    Run(int total) {
      sent = new AtomicLongArray(total);
      acked = new AtomicLongArray(total);
      receivedAt = new AtomicLongArray(total);
      lag = new AtomicLongArray(total);
    }

    void seen(List<Record> records, long now) {
      for (Record record : records) {
        ByteBuffer data = record.data().asByteBuffer();
        if (data.remaining() < 16) continue;
        int seq = (int) data.getLong();
        if (seq < 0 || seq >= receivedAt.length()) continue;
        if (receivedAt.compareAndSet(seq, 0, now)) received.incrementAndGet(); else duplicates.incrementAndGet();
      }
    }
  }

  /** One shard's SubscribeToShard, resumed after its last continuation point whenever it ends. */
  private static final class Subscriber implements AutoCloseable {
    private final KinesisAsyncClient client;
    private final String consumerArn;
    private final String shardId;
    private final Run run;
    private final CompletableFuture<Void> firstResponse = new CompletableFuture<>();
    private volatile String continuation;
    private volatile boolean closed;
    private volatile CompletableFuture<Void> current;

    Subscriber(KinesisAsyncClient client, String consumerArn, String shardId, Run run) {
      this.client = client;
      this.consumerArn = consumerArn;
      this.shardId = shardId;
      this.run = run;
    }

    void start() {
      if (closed) return;
      StartingPosition position = continuation == null
          ? StartingPosition.builder().type(ShardIteratorType.LATEST).build()
          : StartingPosition.builder().type(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(continuation).build();
      SubscribeToShardResponseHandler handler = SubscribeToShardResponseHandler.builder()
          .onResponse(r -> firstResponse.complete(null))
          .subscriber(SubscribeToShardResponseHandler.Visitor.builder()
              .onSubscribeToShardEvent(this::onEvent)
              .build())
          .build();
      current = client.subscribeToShard(b -> b.consumerARN(consumerArn).shardId(shardId).startingPosition(position), handler);
      current.whenComplete((v, failure) -> {
        if (closed) return;
        if (failure != null) {
          run.readErrors.incrementAndGet();
          log("subscription to %s ended with %s; resubscribing", shardId, failure);
          CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS).execute(this::resubscribe);
        } else {
          resubscribe();
        }
      });
    }

    private void resubscribe() {
      run.resubscriptions.incrementAndGet();
      start();
    }

    private void onEvent(SubscribeToShardEvent event) {
      long now = System.nanoTime();
      run.events.incrementAndGet();
      if (event.records().isEmpty()) run.emptyEvents.incrementAndGet();
      run.seen(event.records(), now);
      if (event.continuationSequenceNumber() != null) continuation = event.continuationSequenceNumber();
    }

    void awaitFirstResponse() throws Exception {
      firstResponse.get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
      closed = true;
      CompletableFuture<Void> subscription = current;
      if (subscription != null) subscription.cancel(true);
    }
  }

  /** One shard's GetRecords loop: a call every poll interval, each with the previous answer's iterator. */
  private final class Poller implements AutoCloseable {
    private final KinesisAsyncClient client;
    private final Run run;
    private final Thread thread;
    private volatile boolean closed;
    private String iterator;

    Poller(KinesisAsyncClient client, String iterator, Run run) {
      this.client = client;
      this.iterator = iterator;
      this.run = run;
      this.thread = new Thread(this::loop, "poller");
      this.thread.setDaemon(true);
    }

    void start() {
      thread.start();
    }

    private void loop() {
      long next = System.nanoTime();
      while (!closed && iterator != null) {
        long wait;
        while ((wait = next - System.nanoTime()) > 0 && !closed) LockSupport.parkNanos(wait);
        next += pollIntervalMillis * 1_000_000L;
        try {
          String from = iterator;
          long called = System.nanoTime();
          GetRecordsResponse response = client.getRecords(b -> b.shardIterator(from).limit(10_000)).join();
          long answered = System.nanoTime();
          run.seen(response.records(), answered);
          if (!run.calls.offer(answered - called)) run.calls.clear();
          run.events.incrementAndGet();
          if (response.records().isEmpty()) run.emptyEvents.incrementAndGet();
          iterator = response.nextShardIterator();
        } catch (RuntimeException e) {
          run.readErrors.incrementAndGet();
          log("GetRecords failed: %s", e);
        }
        long now = System.nanoTime();
        if (next < now) next = now;  // a slow call: the next one starts at once, without catching up
      }
    }

    @Override
    public void close() throws InterruptedException {
      closed = true;
      thread.join(5000);
    }
  }

  // ---- statistics and report ------------------------------------------------------------------------------

  private record Stats(long[] sortedNanos) {
    static Stats of(List<Long> nanos) {
      long[] values = nanos.stream().mapToLong(Long::longValue).toArray();
      Arrays.sort(values);
      return new Stats(values);
    }

    int count() {
      return sortedNanos.length;
    }

    double p(double percentile) {
      if (sortedNanos.length == 0) return Double.NaN;
      int index = (int) Math.ceil(percentile / 100.0 * sortedNanos.length) - 1;
      return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, index))] / 1e6;
    }

    double max() {
      return sortedNanos.length == 0 ? Double.NaN : sortedNanos[sortedNanos.length - 1] / 1e6;
    }

    double mean() {
      return sortedNanos.length == 0 ? Double.NaN : Arrays.stream(sortedNanos).average().orElse(0) / 1e6;
    }

    double min() {
      return sortedNanos.length == 0 ? Double.NaN : sortedNanos[0] / 1e6;
    }
  }

  private static final class Result {
    final String name;
    final double targetP99;
    int measured;
    int missing;
    int beforeAck;
    int putErrors;
    int readErrors;
    int duplicates;
    int events;
    int emptyEvents;
    int resubscriptions;
    long producerLagMillis;
    Stats latency;
    Stats put;
    Stats afterAck;
    Stats pacing;
    Stats calls;
    String perSecond;
    CpuUsage.Usage cpu;

    Result(String name, double targetP99) {
      this.name = name;
      this.targetP99 = targetP99;
    }

    boolean met() {
      return missing == 0 && latency.p(99) < targetP99;
    }
  }

  private String report(List<Result> results) {
    StringBuilder md = new StringBuilder();
    md.append("# Tributary producer-to-consumer latency\n\n");
    md.append("Generated by `loadtest/latency-bench.sh` (client: `io.tributary.bench.LatencyBenchmark`, server: "
        + "`target/tributary.jar` in its own JVM, default settings). Client and server share the machine.\n\n");
    md.append("Reproduce: `").append(opt("command", "loadtest/latency-bench.sh")).append("`\n\n");
    md.append("## Machine\n\n| fact | value |\n| --- | --- |\n");
    BenchSupport.machineRows(md);
    BenchSupport.row(md, "OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    BenchSupport.row(md, "java (client)", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
    BenchSupport.row(md, "server", opt("server-info", "?"));
    md.append("\n## Parameters\n\n| parameter | value |\n| --- | --- |\n");
    BenchSupport.row(md, "target", endpoint.toString());
    BenchSupport.row(md, "stream", SHARDS + " shards (PROVISIONED), a new one per path");
    BenchSupport.row(md, "producer", (producerKind.equals("sdk")
        ? "AWS SDK v2 KinesisAsyncClient (Netty, HTTP/2 cleartext, CBOR, no retries)"
        : "Vert.x HttpClient as in the core benchmark (HTTP/1.1 keep-alive pool, 1 event loop, CBOR, SigV4-shaped headers)")
        + ": one PutRecord per record, "
        + rate + " records/s paced evenly from one thread (a call every " + (1000.0 / rate) + " ms, not waiting for answers), "
        + recordBytes + " B data, random partition keys");
    BenchSupport.row(md, "SubscribeToShard consumer", "a second KinesisAsyncClient of the same kind; one registered consumer, one "
        + "subscription per shard from LATEST, started before the producer; resubscribed after the last "
        + "ContinuationSequenceNumber when one ends");
    BenchSupport.row(md, "GetRecords consumer", "the same second client; per shard, from a LATEST iterator, a GetRecords (Limit 10000) "
        + "every " + pollIntervalMillis + " ms (start to start; at once after a slower call)");
    BenchSupport.row(md, "timing", (warmupMillis / 1000.0) + " s warm-up, then " + (durationMillis / 1000.0)
        + " s measured; then up to 10 s for the last records to arrive");
    BenchSupport.row(md, "latency", "consumer's System.nanoTime() when the SDK hands it the event or GetRecords answer, minus "
        + "System.nanoTime() taken just before the PutRecord call (both in the client JVM; the send time and a "
        + "sequence number are in the record's data)");
    md.append("\n## Results\n\n");
    md.append("| path | records | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | missing | target | met |\n");
    md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |\n");
    for (Result r : results) {
      Stats s = r.latency;
      md.append(String.format(Locale.ROOT, "| %s | %,d | %.2f | %.2f | %.2f | %.2f | %.2f | %d | p99 < %.0f ms | %s |%n",
          r.name, s.count(), s.p(50), s.p(90), s.p(99), s.p(99.9), s.max(), r.missing, r.targetP99, r.met() ? "yes" : "no"));
    }
    md.append("\n## Where the time goes\n\n");
    md.append("PutRecord answers (the producer's call, from just before it to its answer; with fsync=always the answer "
        + "waits for the group-commit fsync), and the time from the PutRecord answer to the consumer seeing the record "
        + "(negative values, i.e. records seen before the producer had its answer, are counted apart).\n\n");
    md.append("| path | PutRecord p50 ms | PutRecord p99 ms | PutRecord max ms | seen after answer: p50 ms | p99 ms | max ms "
        + "| seen before answer | events (empty) | consumer errors | resubscriptions |\n");
    md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (Result r : results) {
      md.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %,d | %,d (%,d) | %d | %d |%n",
          r.name, r.put.p(50), r.put.p(99), r.put.max(), r.afterAck.p(50), r.afterAck.p(99), r.afterAck.max(),
          r.beforeAck, r.events, r.emptyEvents, r.readErrors, r.resubscriptions));
    }
    md.append("\n## CPU during the measured windows\n\n");
    md.append("Busy cores of " + Runtime.getRuntime().availableProcessors() + ", from /proc.\n\n");
    md.append("| path | server | client | other | machine |\n| --- | ---: | ---: | ---: | ---: |\n");
    for (Result r : results) {
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", r.name, BenchSupport.cores(r.cpu.server()),
          BenchSupport.cores(r.cpu.client()), BenchSupport.cores(r.cpu.other()), BenchSupport.cores(r.cpu.machine())));
    }
    md.append("\n## Details\n\n");
    for (Result r : results) {
      md.append(String.format(Locale.ROOT, "- %s: %,d records sent in the measured window, %,d seen, %d missing, "
              + "%d duplicates, %d PutRecord errors; the producer finished %d ms after its last slot; latency mean %.2f ms, min %.2f ms.%n",
          r.name, r.measured, r.latency.count(), r.missing, r.duplicates, r.putErrors, r.producerLagMillis,
          r.latency.mean(), r.latency.min()));
      md.append(String.format(Locale.ROOT, "  - pacing: PutRecord calls started after their slot by p50 %.2f ms, p99 %.2f ms, max %.2f ms.%n",
          r.pacing.p(50), r.pacing.p(99), r.pacing.max()));
      if (r.calls.count() > 0) {
        md.append(String.format(Locale.ROOT, "  - GetRecords calls (whole run, %,d calls): p50 %.2f ms, p99 %.2f ms, max %.2f ms; "
                + "a record appended just after a call read the shard waits for the next call, so latency is up to "
                + "the poll interval plus a call.%n", r.calls.count(), r.calls.p(50), r.calls.p(99), r.calls.max()));
      }
      md.append("  - latency p50/p99 ms per measured second: ").append(r.perSecond).append("\n");
    }
    md.append("""

        ## Notes

        - The path of a pushed record through the server (fsync=always): PutRecord reaches the shard's verticle \
        (`ShardVerticle.append`), whose log batches concurrent appends and fsyncs once per group \
        (`FileShardLog.write` / `acknowledge` / `flushActive`); an append is acknowledged, and only then readable, \
        after that fsync. On the acknowledgement `ShardVerticle.tipChanged` defers one turn of the shard's event \
        loop (`runOnContext`, coalescing the appends of that turn) and sends the new `Tip` over the local event bus \
        to each subscription, which runs on its HTTP request's event loop (`ShardSubscription.onTip`). \
        `ShardSubscription.pump` then reads from its position to the tip through the event bus again \
        (`ShardClient.read` -> `ShardVerticle.read` -> `FileShardLog.read`, run by `onWorker` on a worker thread \
        from the page cache, answered on the shard's context and back over the event bus), encodes one \
        SubscribeToShardEvent as JSON (`sendEvent`, `GetRecordsHandler.writeRecords`, `EventStreamEncoder.event`) \
        and writes it to the HTTP/2 stream. The idle event timer (`heartbeat`, every `subscription.heartbeat.ms`) \
        sends only when nothing was sent for half its period, so it adds nothing to a record's latency.
        - So a record reaches a subscriber one fsync group plus about four context hops (shard -> subscription \
        -> shard -> worker -> shard -> subscription) after it arrives. "Seen after answer" above is what those \
        hops and the HTTP/2 write cost beyond the producer's own answer; "seen before answer" counts records \
        pushed before the producer had read its PutRecord answer.
        - Polling: a record appended just after a GetRecords call read its shard waits for the next call, so the \
        latency is spread evenly over the poll interval, plus the PutRecord fsync and one GetRecords call: its p99 \
        is about 0.99 x the interval plus the tail of a call, and a 60 ms target leaves about 10 ms for that.
        - With `--producer sdk` (the AWS SDK v2 async client over h2c for the 1,000 PutRecord calls/s) the client \
        JVM needed more than one of the 2 cores here during the first half minute (JIT compilation of the SDK and \
        Netty), fell seconds behind its pacing and its PutRecord answers queued in the client, so its figures \
        measured the client rather than the server; the default producer is the core benchmark's Vert.x client.
        - The machine is shared with other builds: the "other" column of the CPU table shows how busy it was \
        meanwhile, and the per-second figures show where the tail came from.
        """);
    return md.toString();
  }

  private static void log(String format, Object... args) {
    System.err.printf(Locale.ROOT, "[latency] " + format + "%n", args);
  }
}
