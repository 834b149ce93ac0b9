package io.tributary.bench;

import io.tributary.bench.ClusterNodes.Node;
import io.tributary.bench.ClusterNodes.ShardRequests;
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
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.io.IOException;
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
 * PutRecords and the GetRecords drain through one node and through three, with the lean client of
 * {@link ApiBenchmark} ({@link KinesisWire} over Vert.x HTTP/1.1, CBOR), on a 12-shard stream; the share of
 * shard requests the nodes forwarded to a shard's owner; and what forwarding adds to one call
 * ({@link ForwardingLatency}).
 *
 * <p>{@code --mode single}: one node (not clustered), the baseline. {@code --mode cluster}: three clustered
 * nodes, every client through the first node, then clients spread evenly over the three, then the latency
 * pairs (on the stream of the first of those that ran), or those of them {@code --cases} names. Each writes its
 * figures to {@code --summary-out} as {@code case.key=value} lines. {@code --mode report}
 * writes the report to {@code --out} from the summary files of those runs and of {@link SdkBenchmark}'s, in
 * {@code --summaries}, over {@code --rounds} rounds (see {@link #report}).
 *
 * <p>Options ({@code --name value}): host, nodes ({@code api:management,...}), server-pids (comma list), mode,
 * warmup and duration (seconds), shards, records-per-call, record-bytes ({@code N} or {@code MIN-MAX}; the latency
 * pairs' PutRecord takes the middle), concurrency (calls in flight), lanes (client event loops), limit,
 * cases (comma list of one-node, spread, latency), latency-calls, latency-warmup, summary-out; for the report:
 * out, summaries, rounds, command and server-info (text for the report), and the options of the runs (for the
 * parameters table).
 */
public final class ClusterBenchmark {
  private final Map<String, String> options;
  private final ClusterNodes nodes;
  private final long warmupMillis;
  private final long durationMillis;
  private final int shards;
  private final int recordsPerCall;
  private final RecordSizes recordSizes;
  private final int concurrency;
  private final int lanes;
  private final int limit;
  private final CpuUsage cpu;
  private final SplittableRandom random = new SplittableRandom(20260101L);

  private ClusterBenchmark(Map<String, String> options) {
    this.options = options;
    nodes = ClusterNodes.parse(option("host", "127.0.0.1"), option("nodes", ""));
    warmupMillis = (long) (Double.parseDouble(option("warmup", "3")) * 1000);
    durationMillis = (long) (Double.parseDouble(option("duration", "10")) * 1000);
    shards = Integer.parseInt(option("shards", "12"));
    recordsPerCall = Integer.parseInt(option("records-per-call", "500"));
    recordSizes = RecordSizes.parse(option("record-bytes", "100"));
    concurrency = Integer.parseInt(option("concurrency", "24"));
    lanes = Integer.parseInt(option("lanes", "3"));
    limit = Integer.parseInt(option("limit", "10000"));
    String[] pids = option("server-pids", "0").split(",");
    long[] serverPids = new long[pids.length];
    for (int i = 0; i < pids.length; i++) serverPids[i] = Long.parseLong(pids[i].trim());
    cpu = new CpuUsage(serverPids);
  }

  private String option(String name, String fallback) {
    return BenchSupport.option(options, name, fallback);
  }

  public static void main(String[] args) {
    BenchSupport.exitWith(() -> new ClusterBenchmark(BenchSupport.options(args, 0)).run());
  }

  private int run() throws Exception {
    String mode = option("mode", "cluster");
    if (mode.equals("report")) return report();
    KinesisWire.useFormat("cbor");
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(lanes));
    try {
      List<Context> contexts = LoadRunner.eventLoopContexts(vertx, lanes);
      Map<String, Map<String, Double>> cases = new LinkedHashMap<>();
      Path summaryOut = Path.of(option("summary-out", "target/cluster-bench-" + mode + ".txt"));
      if (mode.equals("single")) {
        String name = option("case", "single");
        cases.put(name, throughput(vertx, contexts, name, List.of(nodes.nodes.get(0))));
        Files.writeString(summaryOut, Summaries.format(cases), StandardCharsets.UTF_8);
        return failures(cases) == 0 ? 0 : 3;
      }
      List<String> run = List.of(option("cases", "one-node,spread,latency").split(","));
      if (run.contains("one-node")) {
        cases.put("one-node", throughput(vertx, contexts, "one-node", List.of(nodes.nodes.get(0))));
      }
      if (run.contains("spread")) cases.put("spread", throughput(vertx, contexts, "spread", nodes.nodes));
      long latencyErrors = 0;
      if (run.contains("latency")) {
        Map<String, Double> latency = latency(streamOf(run.contains("one-node") ? "one-node" : "spread"));
        cases.put("latency", latency);
        latencyErrors = (long) (latency.get("PutRecord.errors") + latency.get("GetRecords.errors"));
      }
      Files.writeString(summaryOut, Summaries.format(cases) + "shards.latency=" + String.join(",", latencyShards) + "\n",
          StandardCharsets.UTF_8);
      cases.remove("latency");
      return failures(cases) == 0 && latencyErrors == 0 ? 0 : 3;
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /**
   * The report from the summary files of the runs before, in {@code --summaries}: {@code single-0.txt}, then per
   * round r from 1 to {@code --rounds}: {@code cluster-r.txt} and {@code single-r.txt}; and {@code sdk-single.txt},
   * {@code sdk-cluster.txt}.
   */
  private int report() throws IOException {
    Path dir = Path.of(option("summaries", "target/cluster-bench"));
    int rounds = Integer.parseInt(option("rounds", "1"));
    List<ClusterReport.Run> runs = new ArrayList<>();
    List<Map<String, Double>> latencies = new ArrayList<>();
    List<String> latencyShards = new ArrayList<>();
    Summaries.read(dir.resolve("single-0.txt").toString()).forEach((name, values) ->
        runs.add(new ClusterReport.Run("1 node alone, first", "single", values)));
    for (int round = 1; round <= rounds; round++) {
      String cluster = dir.resolve("cluster-" + round + ".txt").toString();
      Map<String, Map<String, Double>> cases = Summaries.read(cluster);
      if (cases.containsKey("one-node")) {
        runs.add(new ClusterReport.Run("3 nodes, through node 1, round " + round, "one-node", cases.get("one-node")));
      }
      if (cases.containsKey("spread")) {
        runs.add(new ClusterReport.Run("3 nodes, spread, round " + round, "spread", cases.get("spread")));
      }
      if (cases.containsKey("latency")) {
        latencies.add(cases.get("latency"));
        latencyShards.add(Summaries.readStrings(cluster).getProperty("shards.latency", "?,?").replace(",", " and "));
      }
      final int r = round;
      Summaries.read(dir.resolve("single-" + round + ".txt").toString()).forEach((name, values) ->
          runs.add(new ClusterReport.Run("1 node alone, after round " + r, "single", values)));
    }
    Map<String, Map<String, Double>> sdk = new LinkedHashMap<>();
    sdk.put("single node (not clustered)", Summaries.readFlat(dir.resolve("sdk-single.txt").toString()));
    sdk.put("3 nodes, every call through node 1", Summaries.readFlat(dir.resolve("sdk-cluster.txt").toString()));
    Path out = Path.of(option("out", "loadtest/results/cluster.md"));
    if (out.getParent() != null) Files.createDirectories(out.getParent());
    Files.writeString(out, new ClusterReport(options, runs, sdk, latencies, latencyShards).render(), StandardCharsets.UTF_8);
    log("results written to %s", out.toAbsolutePath());
    return 0;
  }

  private String streamName;
  /** The shards the latency pairs used: node 1's own, and another node's. */
  private String[] latencyShards = {"?", "?"};

  private String streamOf(String name) {
    return streamName + "-" + name;
  }

  // ---- throughput --------------------------------------------------------------------------------

  /** PutRecords to a fresh stream through {@code targets} (lanes spread over them), then its drain. */
  private Map<String, Double> throughput(Vertx vertx, List<Context> contexts, String name, List<Node> targets)
      throws Exception {
    if (streamName == null) streamName = "cluster-bench-" + Long.toString(System.currentTimeMillis(), 36);
    String stream = streamOf(name);
    List<Lane> laneList = new ArrayList<>();
    for (int i = 0; i < contexts.size(); i++) {
      Node target = targets.get(i % targets.size());
      HttpClientOptions client = new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
          .setConnectTimeout(5000).setIdleTimeout(0);
      PoolOptions pool = new PoolOptions().setHttp1MaxSize(concurrency / contexts.size() + 1 + shards);
      laneList.add(new Lane(contexts.get(i), new Api(vertx.createHttpClient(client, pool), nodes.host, target.apiPort())));
    }
    LoadRunner.createStreamAndWait(laneList.get(0).context, laneList.get(0).api, stream, shards);
    List<Integer> owned = new ArrayList<>();
    for (Node node : nodes.nodes) owned.add(nodes.shardsOf(node, stream, true).size());
    log("%s: shards owned by each node: %s", name, owned);
    List<Buffer> bodies = new ArrayList<>();
    RecordSizes sizes = RecordSizes.parse(option("record-bytes", "100"));  // counts this case's records alone
    for (int i = 0; i < 64; i++) bodies.add(KinesisWire.putRecords(stream, recordsPerCall, sizes, random));
    log("%s: PutRecords through %d node(s), %d x %s per call, %d in flight, %d s warm-up + %d s", name,
        targets.size(), recordsPerCall, recordSizes, concurrency, warmupMillis / 1000, durationMillis / 1000);
    ShardRequests before = nodes.shardRequests();
    PhaseResult put = LoadRunner.closedLoop(laneList, concurrency, warmupMillis, durationMillis, cpu,
        (lane, seq) -> lane.api.call(Op.PutRecords, bodies.get((int) (seq % bodies.size()))).map(reply -> {
          if (!reply.ok()) return Outcome.failed("PutRecords " + reply.error());
          int failed = KinesisWire.failedRecordCount(reply.body());
          return failed == 0 ? Outcome.ok(recordsPerCall) : Outcome.failed("PutRecords FailedRecordCount " + failed);
        }));
    ShardRequests putRequests = nodes.shardRequests().minus(before);
    long acked = put.measured().records + put.warmupRecords();
    // The calls cycle through the bodies, so the records acknowledged have their mean size.
    double megabytesPerSecond = put.recordsPerSecond() * sizes.meanBytes() / 1e6;
    log("  %,.0f records/s (%.1f MB/s), p50 %.2f ms, p99 %.2f ms, errors %d %s; forwarded %.1f%% of %,.0f shard requests",
        put.recordsPerSecond(), megabytesPerSecond, put.measured().percentileMillis(50), put.measured().percentileMillis(99),
        put.errors(), put.errorTypes(), 100 * putRequests.forwardedShare(), putRequests.local() + putRequests.forwarded());

    ShardRequests drainBefore = nodes.shardRequests();
    ShardDrain.Result drain = ShardDrain.run(laneList, stream, limit, cpu);
    ShardRequests drainRequests = nodes.shardRequests().minus(drainBefore);
    log("  drain: %,d records (%,d put) in %.2f s = %,.0f records/s, errors %d %s; forwarded %.1f%% of %,.0f shard requests",
        drain.records, acked, drain.seconds, drain.records / drain.seconds, drain.stats.errors, drain.stats.errorTypes,
        100 * drainRequests.forwardedShare(), drainRequests.local() + drainRequests.forwarded());

    Map<String, Double> values = new LinkedHashMap<>();
    values.put("nodes", (double) targets.size());
    for (int i = 0; i < owned.size(); i++) values.put("owned.node" + (i + 1), (double) owned.get(i));
    values.put("put.records_per_s", put.recordsPerSecond());
    values.put("put.calls_per_s", put.callsPerSecond());
    values.put("put.mb_per_s", megabytesPerSecond);
    values.put("put.record_bytes", sizes.meanBytes());
    values.put("put.p50_ms", put.measured().percentileMillis(50));
    values.put("put.p99_ms", put.measured().percentileMillis(99));
    values.put("put.errors", (double) put.errors());
    values.put("put.throttled", (double) throttled(put.errorTypes()));
    values.put("put.cpu_server", put.cpu().server());
    values.put("put.cpu_client", put.cpu().client());
    values.put("put.cpu_machine", put.cpu().machine());
    values.put("put.local_requests", putRequests.local());
    values.put("put.forwarded_requests", putRequests.forwarded());
    values.put("drain.records", (double) drain.records);
    values.put("drain.expected", (double) acked);
    values.put("drain.seconds", drain.seconds);
    values.put("drain.records_per_s", drain.records / drain.seconds);
    values.put("drain.calls", (double) drain.stats.calls);
    values.put("drain.p50_ms", drain.stats.percentileMillis(50));
    values.put("drain.p99_ms", drain.stats.percentileMillis(99));
    values.put("drain.errors", (double) drain.stats.errors);
    values.put("drain.throttled", (double) throttled(drain.stats.errorTypes));
    values.put("drain.cpu_server", drain.cpu.server());
    values.put("drain.cpu_client", drain.cpu.client());
    values.put("drain.cpu_machine", drain.cpu.machine());
    values.put("drain.local_requests", drainRequests.local());
    values.put("drain.forwarded_requests", drainRequests.forwarded());
    return values;
  }

  /**
   * Calls the server refused as overloaded (ProvisionedThroughputExceededException, which SDKs retry; quotas are
   * off): the client backs off and goes on, and the drain still has to find every record.
   */
  private static long throttled(Map<String, Long> errorTypes) {
    return errorTypes.entrySet().stream().filter(e -> e.getKey().contains("ProvisionedThroughputExceeded"))
        .mapToLong(Map.Entry::getValue).sum();
  }

  /** Errors other than throttling, and drains that did not return every record put. */
  private static long failures(Map<String, Map<String, Double>> cases) {
    long failures = 0;
    for (Map<String, Double> values : cases.values()) {
      failures += values.get("put.errors").longValue() - values.get("put.throttled").longValue()
          + values.get("drain.errors").longValue() - values.get("drain.throttled").longValue();
      if (!values.get("drain.records").equals(values.get("drain.expected"))) failures++;
    }
    return failures;
  }


  // ---- what forwarding adds ----------------------------------------------------------------------

  /** PutRecord and GetRecords pairs through node 1: a shard it owns against one another node owns. */
  private Map<String, Double> latency(String stream) throws Exception {
    Node first = nodes.nodes.get(0);
    String local = nodes.shardsOf(first, stream, true).iterator().next();
    String remote = nodes.shardsOf(first, stream, false).iterator().next();
    int calls = Integer.parseInt(option("latency-calls", "3000"));
    int warmup = Integer.parseInt(option("latency-warmup", "300"));
    Map<String, ForwardingLatency.Pair> result = new LinkedHashMap<>();
    try (ForwardingLatency latency = new ForwardingLatency(nodes.host, first.apiPort())) {
      log("latency: PutRecord through node 1 to %s (its own) and %s (another node's), %d + %d calls each",
          local, remote, warmup, calls);
      result.put("PutRecord", latency.putRecord(stream, local, remote, warmup, calls, recordSizes.middle()));
      log("latency: GetRecords (Limit 10) through node 1 from %s and %s, %d + %d calls each", local, remote,
          warmup, calls);
      result.put("GetRecords", latency.getRecords(stream, local, remote, warmup, calls));
    }
    result.forEach((op, pair) -> log("  %s: p50 %.3f / %.3f ms (local / forwarded), p99 %.3f / %.3f ms, errors %d", op,
        pair.local().getValueAtPercentile(50) / 1000.0, pair.remote().getValueAtPercentile(50) / 1000.0,
        pair.local().getValueAtPercentile(99) / 1000.0, pair.remote().getValueAtPercentile(99) / 1000.0, pair.errors()));
    latencyShards = new String[] {local, remote};
    Map<String, Double> figures = new LinkedHashMap<>();
    result.forEach((op, pair) -> ClusterReport.putLatency(figures, op, pair));
    return figures;
  }

  static void log(String format, Object... args) {
    System.out.println("[cluster-bench " + LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + "] "
        + String.format(Locale.ROOT, format, args));
  }
}
