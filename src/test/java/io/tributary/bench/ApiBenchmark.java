package io.tributary.bench;

import io.tributary.bench.KinesisWire.Api;
import io.tributary.bench.KinesisWire.Op;
import io.tributary.bench.LoadRunner.Lane;
import io.tributary.bench.LoadRunner.Outcome;
import io.tributary.bench.LoadRunner.PhaseResult;
import io.tributary.bench.LoadRunner.Stats;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Throughput and latency of Tributary's core data calls, measured from a client on the same machine
 * against a server that is already running.
 *
 * <ol>
 *   <li>PutRecords: batches of N records of B bytes with random partition keys to an S-shard stream, C calls
 *       in flight, for a warm-up and then a measured duration.
 *   <li>PutRecord: single records of B bytes, C' calls in flight, to a second stream.
 *   <li>GetRecords drain: every shard of the PutRecords stream read from TRIM_HORIZON with Limit L until
 *       caught up, shards concurrently (the PutRecord stream is drained first, unmeasured, as warm-up).
 * </ol>
 *
 * <p>All request bodies are CBOR (blobs as byte strings, as the AWS Java SDK sends them) or, with
 * {@code --format json}, JSON 1.1 (blobs as base64 text, as the CLI and the other SDKs send them), encoded
 * once before the run. Every answer is checked: HTTP 200, and FailedRecordCount 0 for PutRecords. Results go to
 * a Markdown file.
 *
 * <p>Options ({@code --name value}, or system property {@code bench.name}): host, port, out, protocol
 * (http1 | h2c), format (cbor | json), lanes (client event loops), warmup and duration (seconds), shards, records-per-call,
 * record-bytes, put-records-concurrency, put-record-concurrency, limit, h2-connections, server-info and
 * command (text for the report), server-pid (for the CPU table), phases (comma list of put-records, put-record, get-records),
 * summary-out (optional: also write each phase's figures as {@code phase.key=value} lines to this file, for scripts
 * such as {@code loadtest/storage-bench.sh}; not written by default).
 */
public final class ApiBenchmark {
  private final Map<String, String> options;
  private final String host;
  private final int port;
  private final String protocol;
  private final String format;
  private final int lanes;
  private final long warmupMillis;
  private final long durationMillis;
  private final int shards;
  private final int recordsPerCall;
  private final int recordBytes;
  private final int putRecordsConcurrency;
  private final int putRecordConcurrency;
  private final int limit;
  private final int h2Connections;
  private final List<String> phases;
  private final CpuUsage cpu;
  /** Set by the report when any call failed or the drain did not return every record put. */
  private boolean problems;
  private final SplittableRandom random = new SplittableRandom(20260101L);

  private ApiBenchmark(Map<String, String> options) {
    this.options = options;
    host = option("host", "127.0.0.1");
    port = Integer.parseInt(option("port", "4567"));
    protocol = option("protocol", "http1").toLowerCase(Locale.ROOT);
    if (!protocol.equals("http1") && !protocol.equals("h2c")) throw new IllegalArgumentException("protocol: http1 or h2c");
    format = option("format", "cbor").toLowerCase(Locale.ROOT);
    KinesisWire.useFormat(format);
    lanes = Integer.parseInt(option("lanes", "2"));
    warmupMillis = (long) (Double.parseDouble(option("warmup", "5")) * 1000);
    durationMillis = (long) (Double.parseDouble(option("duration", "20")) * 1000);
    shards = Integer.parseInt(option("shards", "4"));
    recordsPerCall = Integer.parseInt(option("records-per-call", "500"));
    recordBytes = Integer.parseInt(option("record-bytes", "100"));
    putRecordsConcurrency = Integer.parseInt(option("put-records-concurrency", "32"));
    putRecordConcurrency = Integer.parseInt(option("put-record-concurrency", "128"));
    limit = Integer.parseInt(option("limit", "10000"));
    h2Connections = Integer.parseInt(option("h2-connections", "2"));
    phases = List.of(option("phases", "put-records,put-record,get-records").split(","));
    cpu = new CpuUsage(Long.parseLong(option("server-pid", "0")));
  }

  private String option(String name, String fallback) {
    String value = options.get(name);
    if (value == null) value = System.getProperty("bench." + name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = BenchSupport.options(args, 0);
    BenchSupport.exitWith(() -> new ApiBenchmark(options).run());
  }

  // ---- the run -----------------------------------------------------------------------------------

  private int run() throws Exception {
    Path out = Path.of(option("out", "loadtest/results/core-api.md"));
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(lanes));
    try {
      List<Lane> laneList = startLanes(vertx);
      Lane first = laneList.get(0);
      String suffix = Long.toString(System.currentTimeMillis(), 36);
      String batchStream = "bench-put-records-" + suffix;
      String singleStream = "bench-put-record-" + suffix;
      log("server %s:%d, protocol %s, format %s, %d client event loop(s)", host, port, protocol, format, lanes);
      createStream(first, batchStream);
      createStream(first, singleStream);

      Map<String, Object> results = new LinkedHashMap<>();
      long batchRecordsAcked = 0;
      long singleRecordsAcked = 0;
      if (phases.contains("put-records")) {
        List<Buffer> bodies = new ArrayList<>();
        for (int i = 0; i < 64; i++) bodies.add(KinesisWire.putRecords(batchStream, recordsPerCall, recordBytes, random));
        log("PutRecords: %d x %d B records per call, %d in flight, %d s warm-up + %d s", recordsPerCall, recordBytes,
            putRecordsConcurrency, warmupMillis / 1000, durationMillis / 1000);
        PhaseResult result = LoadRunner.closedLoop(laneList, putRecordsConcurrency, warmupMillis, durationMillis, cpu,
            (lane, seq) -> lane.api.call(Op.PutRecords, bodies.get((int) (seq % bodies.size()))).map(reply -> {
              if (!reply.ok()) return Outcome.failed("PutRecords " + reply.error());
              int failed = KinesisWire.failedRecordCount(reply.body());
              if (failed != 0) return Outcome.failed("PutRecords FailedRecordCount " + (failed < 0 ? "missing" : "> 0"));
              return Outcome.ok(recordsPerCall);
            }));
        batchRecordsAcked = result.measured().records + result.warmupRecords();
        results.put("put-records", result);
        log("  %,.0f records/s, %,.1f calls/s, p50 %.2f ms, p99 %.2f ms, errors %d; %s", result.recordsPerSecond(),
            result.callsPerSecond(), result.measured().percentileMillis(50), result.measured().percentileMillis(99),
            result.errors(), cpuText(result.cpu()));
      }
      if (phases.contains("put-record")) {
        List<Buffer> bodies = new ArrayList<>();
        for (int i = 0; i < 4096; i++) bodies.add(KinesisWire.putRecord(singleStream, recordBytes, random));
        log("PutRecord: %d B records, %d in flight, %d s warm-up + %d s", recordBytes, putRecordConcurrency,
            warmupMillis / 1000, durationMillis / 1000);
        PhaseResult result = LoadRunner.closedLoop(laneList, putRecordConcurrency, warmupMillis, durationMillis, cpu,
            (lane, seq) -> lane.api.call(Op.PutRecord, bodies.get((int) (seq % bodies.size()))).map(reply ->
                reply.ok() ? Outcome.ok(1) : Outcome.failed("PutRecord " + reply.error())));
        singleRecordsAcked = result.measured().records + result.warmupRecords();
        results.put("put-record", result);
        log("  %,.0f calls/s, p50 %.2f ms, p99 %.2f ms, errors %d; %s", result.callsPerSecond(),
            result.measured().percentileMillis(50), result.measured().percentileMillis(99), result.errors(),
            cpuText(result.cpu()));
      }
      if (phases.contains("get-records")) {
        if (singleRecordsAcked > 0) {
          ShardDrain.Result warm = ShardDrain.run(laneList, singleStream, limit, cpu);
          log("GetRecords warm-up: drained %,d records of %s (%,d put) in %.2f s", warm.records, singleStream,
              singleRecordsAcked, warm.seconds);
          results.put("get-records-warmup", warm);
        }
        ShardDrain.Result result = ShardDrain.run(laneList, batchStream, limit, cpu);
        result.expected = batchRecordsAcked;
        results.put("get-records", result);
        log("GetRecords drain: %,d records (%,d put) in %.2f s = %,.0f records/s, %d calls, p50 %.2f ms, p99 %.2f ms,"
                + " errors %d; %s", result.records, batchRecordsAcked, result.seconds, result.records / result.seconds,
            result.stats.calls, result.stats.percentileMillis(50), result.stats.percentileMillis(99), result.stats.errors,
            cpuText(result.cpu));
      }
      // The JSON-against-CBOR section (loadtest/bench.sh --compare-formats) and the notes after it outlive a plain
      // run's rewrite.
      String report = report(results);
      String comparison = FormatComparison.sectionOf(out);
      if (!comparison.isEmpty()) report += "\n" + comparison;
      if (out.getParent() != null) Files.createDirectories(out.getParent());
      Files.writeString(out, report, StandardCharsets.UTF_8);
      log("results written to %s", out.toAbsolutePath());
      String summaryOut = option("summary-out", "");
      if (!summaryOut.isEmpty()) Files.writeString(Path.of(summaryOut), summary(results), StandardCharsets.UTF_8);
      if (problems) log("some calls failed or records went missing: see the report");
      return problems ? 3 : 0;
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** One lane per client event loop: a context (from a verticle instance) and an HTTP client made on it. */
  private List<Lane> startLanes(Vertx vertx) throws Exception {
    List<Context> contexts = LoadRunner.eventLoopContexts(vertx, lanes);
    int maxInFlight = Math.max(putRecordsConcurrency, putRecordConcurrency);
    int perLane = (maxInFlight + lanes - 1) / lanes;
    List<Lane> result = new ArrayList<>();
    for (Context context : contexts) {
      HttpClientOptions clientOptions = new HttpClientOptions()
          .setKeepAlive(true)
          .setTcpNoDelay(true)
          .setConnectTimeout(5000)
          .setIdleTimeout(0);
      PoolOptions pool = new PoolOptions().setHttp1MaxSize(perLane + shards).setHttp2MaxSize(h2Connections);
      if (protocol.equals("h2c")) {
        clientOptions.setProtocolVersion(HttpVersion.HTTP_2)
            .setHttp2ClearTextUpgrade(false)
            .setHttp2MultiplexingLimit(-1)
            .setHttp2ConnectionWindowSize(64 * 1024 * 1024)
            .setInitialSettings(new Http2Settings().setInitialWindowSize(16 * 1024 * 1024)
                .setMaxFrameSize(1024 * 1024));
      }
      Api api = new Api(vertx.createHttpClient(clientOptions, pool), host, port);
      result.add(new Lane(context, api));
    }
    return result;
  }

  private void createStream(Lane lane, String stream) throws InterruptedException {
    LoadRunner.createStreamAndWait(lane.context, lane.api, stream, shards);
  }

  // ---- the report --------------------------------------------------------------------------------

  private String report(Map<String, Object> results) {
    StringBuilder md = new StringBuilder();
    md.append("# Tributary core API benchmark\n\n");
    md.append("Generated by `loadtest/bench.sh` (client: `io.tributary.bench.ApiBenchmark`, server: `target/tributary.jar`"
        + " in its own JVM). Client and server share the machine.\n\n");
    String command = option("command", "");
    if (!command.isEmpty()) md.append("Reproduce: `").append(command).append("`\n\n");
    md.append("## Machine\n\n");
    md.append("| fact | value |\n| --- | --- |\n");
    BenchSupport.machineRows(md);
    BenchSupport.row(md, "OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch"));
    BenchSupport.row(md, "java (client)", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    String serverInfo = option("server-info", "");
    if (!serverInfo.isEmpty()) BenchSupport.row(md, "server", serverInfo);
    md.append('\n');

    md.append("## Parameters\n\n");
    md.append("| parameter | value |\n| --- | --- |\n");
    BenchSupport.row(md, "target", host + ":" + port);
    BenchSupport.row(md, "client", "Vert.x HttpClient, " + (protocol.equals("h2c")
        ? "HTTP/2 cleartext (prior knowledge), " + h2Connections + " connection(s) per lane"
        : "HTTP/1.1 keep-alive pool (one connection per call in flight)")
        + ", " + lanes + " event loop(s), " + format.toUpperCase(Locale.ROOT) + " bodies encoded before the run");
    BenchSupport.row(md, "auth", "SigV4-shaped Authorization + X-Amz-Date headers (signature not computed)");
    BenchSupport.row(md, "streams", shards + " shards each (PROVISIONED), one for PutRecords + drain, one for PutRecord");
    BenchSupport.row(md, "PutRecords", recordsPerCall + " records x " + recordBytes + " B data, random 16-char partition keys, "
        + putRecordsConcurrency + " calls in flight");
    BenchSupport.row(md, "PutRecord", "1 record x " + recordBytes + " B data, random 16-char partition key, "
        + putRecordConcurrency + " calls in flight");
    BenchSupport.row(md, "timing", (warmupMillis / 1000.0) + " s warm-up, then " + (durationMillis / 1000.0) + " s measured, per put phase");
    BenchSupport.row(md, "GetRecords drain", "every shard of the PutRecords stream from TRIM_HORIZON, Limit " + limit
        + ", shards concurrently, until caught up; the PutRecord stream is drained first as an unmeasured warm-up");
    BenchSupport.row(md, "checks", "HTTP 200 on every call; PutRecords FailedRecordCount = 0; drained count = records put");
    md.append('\n');

    md.append("## Results\n\n");
    md.append("| benchmark | calls | calls/s | records/s | p50 ms | p99 ms | max ms | errors | target | met |\n");
    md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |\n");
    if (results.get("put-records") instanceof PhaseResult r) {
      phaseRow(md, "PutRecords (" + recordsPerCall + " x " + recordBytes + " B)", r,
          ">= 100,000 records/s", r.recordsPerSecond() >= 100_000 && r.errors() == 0);
    }
    if (results.get("put-record") instanceof PhaseResult r) {
      phaseRow(md, "PutRecord (" + recordBytes + " B)", r, ">= 15,000 calls/s",
          r.callsPerSecond() >= 15_000 && r.errors() == 0);
    }
    if (results.get("get-records") instanceof ShardDrain.Result d) {
      double rate = d.records / d.seconds;
      boolean complete = d.expected < 0 || d.records == d.expected;
      md.append(String.format(Locale.ROOT, "| GetRecords drain (Limit %d, %d shards) | %,d | %,.1f | %,.0f | %.2f | %.2f | %.2f | %d | >= 300,000 records/s | %s |%n",
          limit, d.shardCount, d.stats.calls, d.stats.calls / d.seconds, rate, d.stats.percentileMillis(50),
          d.stats.percentileMillis(99), d.stats.maxMillis(), d.stats.errors,
          rate >= 300_000 && d.stats.errors == 0 && complete ? "yes" : "no"));
    }
    md.append('\n');

    md.append("## CPU during the measured windows\n\n");
    md.append("Busy cores of ").append(Runtime.getRuntime().availableProcessors()).append(", from /proc: the server"
        + " JVM, this client JVM, and every other process on the machine (a figure measured while \"other\" is well"
        + " above 0 was taken on a shared, contended machine).\n\n");
    md.append("| benchmark | server | client | other | machine | per busy server core |\n"
        + "| --- | ---: | ---: | ---: | ---: | ---: |\n");
    if (results.get("put-records") instanceof PhaseResult r) {
      cpuRow(md, "PutRecords", r.cpu(), r.recordsPerSecond(), "records/s");
    }
    if (results.get("put-record") instanceof PhaseResult r) cpuRow(md, "PutRecord", r.cpu(), r.callsPerSecond(), "calls/s");
    if (results.get("get-records") instanceof ShardDrain.Result d) {
      cpuRow(md, "GetRecords drain", d.cpu, d.records / d.seconds, "records/s");
    }
    md.append('\n');

    md.append("## Details\n\n");
    if (results.get("put-records") instanceof PhaseResult r) {
      md.append(String.format(Locale.ROOT, "- PutRecords: %,d calls (%,d records) in the %.0f s window; %,d calls in warm-up.%n",
          r.measured().calls, r.measured().records, r.seconds(), r.warmupCalls()));
    }
    if (results.get("put-record") instanceof PhaseResult r) {
      md.append(String.format(Locale.ROOT, "- PutRecord: %,d calls in the %.0f s window; %,d calls in warm-up.%n",
          r.measured().calls, r.seconds(), r.warmupCalls()));
    }
    if (results.get("get-records-warmup") instanceof ShardDrain.Result w) {
      md.append(String.format(Locale.ROOT, "- GetRecords warm-up: drained the PutRecord stream, %,d records in %.2f s (%,.0f records/s).%n",
          w.records, w.seconds, w.records / w.seconds));
    }
    if (results.get("get-records") instanceof ShardDrain.Result d) {
      md.append(String.format(Locale.ROOT, "- GetRecords drain: %,d records in %.2f s over %,d GetRecords calls "
              + "(plus %d GetShardIterator calls); records put to the stream: %,d (%s).%n",
          d.records, d.seconds, d.stats.calls, d.shardCount, d.expected,
          d.records == d.expected ? "all drained" : "MISMATCH"));
    }
    Map<String, Long> errors = new LinkedHashMap<>();
    for (Object result : results.values()) {
      if (result instanceof PhaseResult r) r.errorTypes().forEach((k, v) -> errors.merge(k, v, Long::sum));
      if (result instanceof ShardDrain.Result d) d.stats.errorTypes.forEach((k, v) -> errors.merge(k, v, Long::sum));
    }
    if (results.get("get-records") instanceof ShardDrain.Result d && d.expected >= 0 && d.records != d.expected) {
      problems = true;
    }
    problems |= !errors.isEmpty();
    if (errors.isEmpty()) {
      md.append("- Errors: none (every call answered 200, no failed records).\n");
    } else {
      md.append("- Errors:\n");
      errors.forEach((k, v) -> md.append("  - ").append(k).append(": ").append(v).append('\n'));
    }
    md.append("- Latencies are per call, from issuing the request to receiving the whole answer, including client-side"
        + " queueing; calls/s and records/s count only calls answered inside the measured window.\n");
    return md.toString();
  }

  /** The figures of each phase as {@code phase.key=value} lines, for scripts. */
  private static String summary(Map<String, Object> results) {
    StringBuilder text = new StringBuilder();
    results.forEach((phase, result) -> {
      Map<String, Object> values = new LinkedHashMap<>();
      if (result instanceof PhaseResult r) {
        values.put("calls", r.measured().calls);
        values.put("records", r.measured().records);
        values.put("seconds", r.seconds());
        values.put("calls_per_s", r.callsPerSecond());
        values.put("records_per_s", r.recordsPerSecond());
        values.put("p50_ms", r.measured().percentileMillis(50));
        values.put("p99_ms", r.measured().percentileMillis(99));
        values.put("max_ms", r.measured().maxMillis());
        values.put("errors", r.errors());
        values.put("warmup_calls", r.warmupCalls());
        values.put("cpu_server", r.cpu().server());
        values.put("cpu_client", r.cpu().client());
        values.put("cpu_other", r.cpu().other());
        values.put("cpu_machine", r.cpu().machine());
      } else if (result instanceof ShardDrain.Result d) {
        values.put("records", d.records);
        values.put("expected", d.expected);
        values.put("seconds", d.seconds);
        values.put("records_per_s", d.records / d.seconds);
        values.put("p50_ms", d.stats.percentileMillis(50));
        values.put("p99_ms", d.stats.percentileMillis(99));
        values.put("errors", d.stats.errors);
        values.put("cpu_server", d.cpu.server());
        values.put("cpu_client", d.cpu.client());
        values.put("cpu_other", d.cpu.other());
        values.put("cpu_machine", d.cpu.machine());
      }
      values.forEach((key, value) -> text.append(phase).append('.').append(key).append('=')
          .append(value instanceof Double v ? String.format(Locale.ROOT, "%.3f", v) : value).append('\n'));
    });
    return text.toString();
  }

  private static void phaseRow(StringBuilder md, String name, PhaseResult r, String target, boolean met) {
    md.append(String.format(Locale.ROOT, "| %s | %,d | %,.1f | %,.0f | %.2f | %.2f | %.2f | %d | %s | %s |%n",
        name, r.measured().calls, r.callsPerSecond(), r.recordsPerSecond(),
        r.measured().percentileMillis(50), r.measured().percentileMillis(99), r.measured().maxMillis(), r.errors(),
        target, met ? "yes" : "no"));
  }

  private static void cpuRow(StringBuilder md, String name, CpuUsage.Usage usage, double rate, String unit) {
    md.append("| ").append(name).append(" | ").append(BenchSupport.cores(usage.server())).append(" | ")
        .append(BenchSupport.cores(usage.client())).append(" | ").append(BenchSupport.cores(usage.other())).append(" | ")
        .append(BenchSupport.cores(usage.machine())).append(" | ")
        .append(usage.server() > 0 ? String.format(Locale.ROOT, "%,.0f %s", rate / usage.server(), unit) : "n/a")
        .append(" |\n");
  }

  private static String cpuText(CpuUsage.Usage usage) {
    return "busy cores: server " + BenchSupport.cores(usage.server()) + ", client " + BenchSupport.cores(usage.client()) + ", other "
        + BenchSupport.cores(usage.other());
  }

  private static void log(String format, Object... args) {
    System.out.println("[bench " + LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + "] "
        + String.format(Locale.ROOT, format, args));
  }
}
