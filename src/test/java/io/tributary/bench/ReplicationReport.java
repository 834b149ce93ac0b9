package io.tributary.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.ToDoubleFunction;

/**
 * The Markdown report of {@code loadtest/replication-bench.sh}: PutRecords through three clustered nodes with
 * replication.factor 1 and 3, from the summary files its runs left in {@code --summaries}, per factor F and
 * round R: {@code fF-rR-sdk.txt} ({@link SdkBenchmark}), {@code fF-rR-lean.txt} ({@link ClusterBenchmark}
 * {@code --cases spread,latency}) and {@code fF-rR-logs.txt} (counts of Raft warnings in the nodes' logs).
 *
 * <p>Options ({@code --name value}): summaries, rounds, out, command, server-info, conditions (text for the
 * report), and the options the runs had (warmup, duration, shards, records-per-call, record-bytes,
 * concurrency, latency-calls, latency-warmup) for the parameters table.
 */
public final class ReplicationReport {
  private static final int[] FACTORS = {1, 3};
  private static final String SDK = "AWS SDK v2";
  private static final String LEAN = "lean client";

  /**
   * One PutRecords phase, its figures under one set of keys whichever client ran it: records_per_s, mb_per_s,
   * p50_ms, p99_ms, errors, throttled, drained, expected, cpu_server, cpu_client, cpu_other, cpu_machine.
   */
  record Run(int factor, String client, int round, Map<String, Double> figures) {
    double get(String key) {
      return figures.getOrDefault(key, Double.NaN);
    }
  }

  /** The sequential PutRecord and GetRecords calls of one round through node 1, and the two shards they used. */
  record Latency(int factor, int round, Map<String, Double> figures, String shards) { }

  private final Map<String, String> options;
  private final List<Run> runs = new ArrayList<>();
  private final List<Latency> latencies = new ArrayList<>();
  /** Per factor and round, in the order they ran: the counts of Raft warnings in the nodes' logs. */
  private final Map<String, Map<String, Double>> logCounts = new LinkedHashMap<>();
  private final StringBuilder md = new StringBuilder();

  private ReplicationReport(Map<String, String> options) {
    this.options = options;
  }

  public static void main(String[] args) {
    BenchSupport.exitWith(() -> new ReplicationReport(BenchSupport.options(args, 0)).write());
  }

  private String option(String name, String fallback) {
    return BenchSupport.option(options, name, fallback);
  }

  private int write() throws IOException {
    Path dir = Path.of(option("summaries", "target/replication-bench"));
    int rounds = Integer.parseInt(option("rounds", "1"));
    for (int round = 1; round <= rounds; round++) {
      for (int factor : FACTORS) read(dir, factor, round);
    }
    Path out = Path.of(option("out", "loadtest/results/replication.md"));
    if (out.getParent() != null) Files.createDirectories(out.getParent());
    Files.writeString(out, render(), StandardCharsets.UTF_8);
    System.out.println("[replication-bench] results written to " + out.toAbsolutePath());
    return 0;
  }

  private void read(Path dir, int factor, int round) throws IOException {
    String prefix = "f" + factor + "-r" + round;
    logCounts.put(factor + "," + round, Summaries.readFlat(dir.resolve(prefix + "-logs.txt").toString()));
    Map<String, Double> sdk = Summaries.readFlat(dir.resolve(prefix + "-sdk.txt").toString());
    Map<String, Double> figures = new LinkedHashMap<>();
    if (!sdk.isEmpty()) {
      for (String key : List.of("records_per_s", "mb_per_s", "p50_ms", "p99_ms", "errors", "cpu_server", "cpu_client",
          "cpu_other", "cpu_machine")) {
        figures.put(key, sdk.getOrDefault("put-records." + key, Double.NaN));
      }
      figures.put("throttled", sdk.getOrDefault("put-records.throttled", 0.0));
      figures.put("drained", sdk.getOrDefault("get-records.records", Double.NaN));
      figures.put("expected", sdk.getOrDefault("get-records.expected", Double.NaN));
    }
    runs.add(new Run(factor, SDK, round, figures));

    String leanFile = dir.resolve(prefix + "-lean.txt").toString();
    Map<String, Map<String, Double>> lean = Summaries.read(leanFile);
    Map<String, Double> spread = lean.getOrDefault("spread", Map.of());
    figures = new LinkedHashMap<>();
    if (!spread.isEmpty()) {
      for (String key : List.of("records_per_s", "mb_per_s", "p50_ms", "p99_ms", "errors", "cpu_server", "cpu_client",
          "cpu_machine")) {
        figures.put(key, spread.getOrDefault("put." + key, Double.NaN));
      }
      figures.put("throttled", spread.getOrDefault("put.throttled", 0.0));
      figures.put("cpu_other", ClusterReport.other(spread, "put"));
      figures.put("drained", spread.getOrDefault("drain.records", Double.NaN));
      figures.put("expected", spread.getOrDefault("drain.expected", Double.NaN));
    }
    runs.add(new Run(factor, LEAN, round, figures));
    if (lean.containsKey("latency")) {
      Properties strings = Summaries.readStrings(leanFile);
      latencies.add(new Latency(factor, round, lean.get("latency"),
          strings.getProperty("shards.latency", "?,?").replace(",", " and ")));
    }
  }

  String render() {
    md.append("# Tributary replication benchmark\n\n");
    md.append("Generated by `loadtest/replication-bench.sh` (clients: `io.tributary.bench.SdkBenchmark`, "
        + "`io.tributary.bench.ClusterBenchmark`; report: `io.tributary.bench.ReplicationReport`; servers: "
        + "`target/tributary.jar`, each node in its own JVM). PutRecords through three clustered nodes with "
        + "`replication.factor=1` (each shard's log on its owner alone) and with `replication.factor=3` (each shard's log "
        + "kept by a Raft group of all three nodes; a put is acknowledged once a majority has committed it), in turns. "
        + "**The three nodes and the client run on the same machine** and share its cores and its disk: with factor 3 "
        + "every record is written by all three JVMs to the one disk, so these figures show what replication costs in "
        + "CPU, disk and commit round trips on one machine, not the throughput of three machines.\n\n");
    String command = option("command", "");
    if (!command.isEmpty()) md.append("Reproduce: `").append(command).append("`\n\n");
    String conditions = option("conditions", "");
    if (!conditions.isEmpty()) md.append("Conditions of this run: ").append(conditions).append("\n\n");
    machine();
    parameters();
    summary();
    perRound();
    latencyTable();
    cpu();
    raftWarnings();
    findings();
    return md.toString();
  }

  private void machine() {
    BenchSupport.machineSection(md, option("server-info", ""));
  }

  private void parameters() {
    String batch = option("records-per-call", "500") + " records of " + RecordSizes.parse(option("record-bytes", "100"))
        + " per PutRecords call, random 16-character partition keys, 64 bodies made before the run and sent in turn, "
        + option("concurrency", "24") + " calls in flight, " + option("warmup", "3") + " s warm-up + "
        + option("duration", "15") + " s measured";
    md.append("## Parameters\n\n| parameter | value |\n| --- | --- |\n");
    BenchSupport.row(md, "rounds", option("rounds", "1") + "; per round: three nodes with factor 1 (started, measured, "
        + "stopped), then three fresh nodes with factor 3; each run in its own fresh data directories");
    BenchSupport.row(md, "stream", option("shards", "12") + " shards, a fresh stream per client run");
    BenchSupport.row(md, SDK, "`SdkBenchmark`: one `KinesisAsyncClient` (Netty, HTTP/2 cleartext, CBOR, no retries) "
        + "per node, the calls in flight spread evenly over the three; " + batch);
    BenchSupport.row(md, LEAN, "`ClusterBenchmark --cases spread,latency`: Vert.x HttpClient, HTTP/1.1 keep-alive, "
        + "CBOR, 3 event loops, event loop i to node i; " + batch);
    BenchSupport.row(md, "records/s, MB/s", "records acknowledged by the calls answered inside the measured window, per "
        + "second; MB/s = 10^6 bytes of record data (partition keys and framing not counted)");
    BenchSupport.row(md, "p50, p99", "PutRecords call latency inside the measured window, from issuing the call to its "
        + "answer, client included");
    BenchSupport.row(md, "drained / put", "after each put phase every shard is read from TRIM_HORIZON (GetRecords) "
        + "until caught up; the count must equal the records acknowledged");
    BenchSupport.row(md, "sequential calls", "AWS SDK v2 sync `KinesisClient` (Apache HTTP client, CBOR, no retries), "
        + "one call at a time through node 1, alternating a shard whose log node 1 serves (factor 1: owns; factor 3: "
        + "leads its group) and one another node serves; " + option("latency-warmup", "300") + " warm-up + "
        + option("latency-calls", "3000") + " measured calls to each; PutRecord of "
        + RecordSizes.parse(option("record-bytes", "100")).middle() + " B with ExplicitHashKey = the shard's first "
        + "hash key; GetRecords Limit 10 re-reading the same page");
    md.append('\n');
  }

  /** The table the brief asks for: medians over the rounds, per factor and client. */
  private void summary() {
    md.append("## PutRecords: medians over the rounds\n\n");
    md.append("| factor | client | records/s | MB/s | p50 ms | p99 ms |\n| ---: | --- | ---: | ---: | ---: | ---: |\n");
    for (String client : List.of(SDK, LEAN)) {
      for (int factor : FACTORS) {
        List<Run> of = of(factor, client);
        md.append(String.format(Locale.ROOT, "| %d | %s | %,.0f | %.1f | %.1f | %.1f |%n", factor, client,
            median(of, r -> r.get("records_per_s")), median(of, r -> r.get("mb_per_s")),
            median(of, r -> r.get("p50_ms")), median(of, r -> r.get("p99_ms"))));
      }
    }
    md.append('\n');
  }

  private void perRound() {
    md.append("## PutRecords: every run\n\n");
    md.append("| factor | client | round | records/s | MB/s | p50 ms | p99 ms | errors (throttled) | drained / put |\n"
        + "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
    for (Run run : runs) {
      if (run.figures().isEmpty()) {
        md.append(String.format(Locale.ROOT, "| %d | %s | %d | failed: no figures | | | | | |%n", run.factor(),
            run.client(), run.round()));
        continue;
      }
      md.append(String.format(Locale.ROOT, "| %d | %s | %d | %,.0f | %.1f | %.1f | %.1f | %.0f (%.0f) | %,.0f / %,.0f%s |%n",
          run.factor(), run.client(), run.round(), run.get("records_per_s"), run.get("mb_per_s"), run.get("p50_ms"),
          run.get("p99_ms"), run.get("errors"), run.get("throttled"), run.get("drained"), run.get("expected"),
          drainNote(run)));
    }
    md.append("\nErrors: PutRecords calls answered with an error, or with records that failed, over warm-up and "
        + "measured window; throttled: those of them answered ProvisionedThroughputExceededException, which the server "
        + "answers when it has no room for a call (quotas are off; a memory budget, the decode queue or event-loop lag) "
        + "and which SDKs retry. Neither client retries: the SDK runs go on at once, the lean client after 5 ms. A drain "
        + "may find more records than were acknowledged: a call that failed in the client (a timeout, a closed "
        + "connection) may have been stored all the same. Fewer would be records lost. Each run's error types are in "
        + "its summary file and the script's output.\n\n");
  }

  /**
   * Nothing when the drain found every record acknowledged and no more; more: the records of calls that failed in
   * the client (a timeout, a closed connection) may have been stored all the same.
   */
  private static String drainNote(Run run) {
    double drained = run.get("drained");
    double expected = run.get("expected");
    if (drained == expected) return "";
    return drained > expected ? " (more than acknowledged)" : " **MISSING RECORDS**";
  }

  private void latencyTable() {
    md.append("## One call at a time: the commit round trip\n\n");
    md.append("Sequential calls through node 1, milliseconds from issuing the call to its answer, client included. With "
        + "factor 3 a PutRecord is answered once a majority of the shard's group has it: the leader's own write and one "
        + "follower's; a shard another node leads is reached by forwarding to that leader first.\n\n");
    md.append("| factor | round | call | shard | calls | p50 | p99 | p99.9 | max | errors |\n"
        + "| ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (Latency latency : latencies) {
      for (String op : List.of("PutRecord", "GetRecords")) {
        if (!latency.figures().containsKey(op + ".local.calls")) continue;
        latencyRow(latency, op, "local", latency.factor() == 1 ? "owned by node 1" : "led by node 1");
        latencyRow(latency, op, "remote", latency.factor() == 1 ? "owned by another node" : "led by another node");
      }
    }
    md.append("\nShards used (node 1's, another node's), per factor and round: ");
    List<String> used = new ArrayList<>();
    for (Latency latency : latencies) used.add("factor " + latency.factor() + " round " + latency.round() + ": " + latency.shards());
    md.append(String.join("; ", used)).append(".\n\n");
  }

  private void latencyRow(Latency latency, String op, String side, String shard) {
    Map<String, Double> f = latency.figures();
    String key = op + "." + side + ".";
    md.append(String.format(Locale.ROOT, "| %d | %d | %s | %s | %,.0f | %.3f | %.3f | %.3f | %.3f | %.0f |%n",
        latency.factor(), latency.round(), op, shard, f.get(key + "calls"), f.get(key + "p50_ms"), f.get(key + "p99_ms"),
        f.get(key + "p999_ms"), f.get(key + "max_ms"), f.getOrDefault(op + ".errors", Double.NaN)));
  }

  private void cpu() {
    md.append("## CPU during the measured put windows\n\n");
    md.append("Busy cores of ").append(Runtime.getRuntime().availableProcessors()).append(", from /proc: the three "
        + "server JVMs together, the client JVM, every other process on the machine, the whole machine. Where \"other\" "
        + "is well above 0 the machine was shared with other work while this ran, and records/s measure the share of "
        + "the cores the benchmark got as much as the software; records per busy server core-second compares the "
        + "factors better.\n\n");
    md.append("| factor | client | round | servers | client | other | machine | records per busy server core-second |\n"
        + "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (Run run : runs) {
      if (run.figures().isEmpty()) continue;
      md.append(String.format(Locale.ROOT, "| %d | %s | %d | %s | %s | %s | %s | %s |%n", run.factor(), run.client(),
          run.round(), BenchSupport.cores(run.get("cpu_server")), BenchSupport.cores(run.get("cpu_client")),
          BenchSupport.cores(run.get("cpu_other")), BenchSupport.cores(run.get("cpu_machine")), perCore(run) > 0
              ? String.format(Locale.ROOT, "%,.0f", perCore(run)) : "n/a"));
    }
    md.append('\n');
  }

  private void raftWarnings() {
    md.append("## Raft warnings in the node logs\n\n");
    md.append("Lines counted in the three nodes' logs of each run (kept as "
        + "`target/replication-bench-fF-rR-nodeN-server.log`): leaders' `received INCONSISTENCY` (a follower refused "
        + "an append whose previous entry it did not have; the leader goes back and sends again), log appenders that "
        + "failed and were restarted (`LogAppenderDaemon failed`), and `Lost leadership` (any group: the metadata "
        + "group's too, whose elections take 300 ms of silence).\n\n");
    md.append("| factor | round | INCONSISTENCY replies | appenders failed | leaderships lost |\n"
        + "| ---: | ---: | ---: | ---: | ---: |\n");
    logCounts.forEach((run, counts) -> {
      if (counts.isEmpty()) return;
      String[] factorRound = run.split(",");
      md.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %,.0f | %,.0f |%n", factorRound[0], factorRound[1],
          counts.getOrDefault("logs.inconsistency", Double.NaN), counts.getOrDefault("logs.appender_failed", Double.NaN),
          counts.getOrDefault("logs.leadership_lost", Double.NaN)));
    });
    md.append('\n');
  }

  /** A paragraph for the maintainers, opened with what the figures themselves say. */
  private void findings() {
    md.append("## Findings\n\n");
    md.append("Findings: ");
    for (String client : List.of(SDK, LEAN)) {
      double one = median(of(1, client), r -> r.get("records_per_s"));
      double three = median(of(3, client), r -> r.get("records_per_s"));
      md.append(String.format(Locale.ROOT, "Through the %s, factor 3 acknowledged %,.0f records/s (%.1f MB/s), %.0f%% "
              + "of factor 1's %,.0f, with PutRecords p50 %.1f ms against %.1f ms and p99 %.1f ms against %.1f ms "
              + "(medians over %d round(s)). ", client, three, median(of(3, client), r -> r.get("mb_per_s")),
          100 * three / one, one, median(of(3, client), r -> r.get("p50_ms")), median(of(1, client), r -> r.get("p50_ms")),
          median(of(3, client), r -> r.get("p99_ms")), median(of(1, client), r -> r.get("p99_ms")), of(3, client).size()));
    }
    double local1 = latencyMedian(1, "PutRecord.local.p50_ms");
    double local3 = latencyMedian(3, "PutRecord.local.p50_ms");
    if (!Double.isNaN(local1) && !Double.isNaN(local3)) {
      md.append(String.format(Locale.ROOT, "One PutRecord at a time to a shard node 1 serves took p50 %.2f ms (p99 "
              + "%.2f ms) with factor 3 against %.2f ms (p99 %.2f ms) with factor 1. ", local3,
          latencyMedian(3, "PutRecord.local.p99_ms"), local1, latencyMedian(1, "PutRecord.local.p99_ms")));
    }
    double inconsistency1 = logMedian(1, "logs.inconsistency");
    double inconsistency3 = logMedian(3, "logs.inconsistency");
    if (!Double.isNaN(inconsistency1) && !Double.isNaN(inconsistency3)) {
      md.append(String.format(Locale.ROOT, "The nodes' logs had a median of %,.0f `received INCONSISTENCY` warnings per "
          + "run with factor 3 against %,.0f with factor 1. ", inconsistency3, inconsistency1));
    }
    double errors = runs.stream().mapToDouble(r -> r.figures().isEmpty() ? 0 : r.get("errors") - r.get("throttled")).sum();
    double throttled = runs.stream().mapToDouble(r -> r.figures().isEmpty() ? 0 : r.get("throttled")).sum();
    long missing = runs.stream().filter(r -> !r.figures().isEmpty() && r.get("drained") < r.get("expected")).count();
    long more = runs.stream().filter(r -> !r.figures().isEmpty() && r.get("drained") > r.get("expected")).count();
    long failed = runs.stream().filter(r -> r.figures().isEmpty()).count();
    md.append(String.format(Locale.ROOT, "Over every run: %.0f calls throttled, %.0f other errors, %d drains that "
        + "missed acknowledged records, %d that found more than were acknowledged, %d runs without figures. ",
        throttled, errors, missing, more, failed));
    double busiest = runs.stream().mapToDouble(r -> r.figures().isEmpty() ? 0 : r.get("cpu_other")).max().orElse(0);
    if (busiest > 0.2) {
      md.append(String.format(Locale.ROOT, "Other processes kept up to %.2f of the %d cores busy during a measured "
          + "window, so these figures are not those of a quiet machine. ", busiest,
          Runtime.getRuntime().availableProcessors()));
    }
    md.append("\n\nWhere factor 3's cost goes, on this machine: every record is written by three JVMs to one disk, "
        + "and each node writes it twice, to its Raft log (fsynced by Ratis before it acknowledges) and to its shard "
        + "log (written only; the shard logs are forced before each snapshot of their group), so a commit waits for "
        + "an fsync on the leader and one on a follower in turn. Above all the servers run out of cores: with "
        + "factor 3 the three JVMs together keep both cores busy and spend several times the CPU per record "
        + "(records per busy server core-second above), since each applies every record and Ratis frames and "
        + "ships it to two followers over gRPC. The `INCONSISTENCY` warnings are Ratis's log appenders resending "
        + "after a follower fell behind under load; no record was lost or duplicated in any drain.\n");
  }

  private List<Run> of(int factor, String client) {
    return runs.stream().filter(r -> r.factor() == factor && r.client().equals(client) && !r.figures().isEmpty()).toList();
  }

  private double logMedian(int factor, String key) {
    return ClusterReport.medianOf(logCounts.entrySet().stream().filter(e -> e.getKey().startsWith(factor + ","))
        .map(e -> e.getValue().getOrDefault(key, Double.NaN)).toList());
  }

  private double latencyMedian(int factor, String key) {
    return ClusterReport.medianOf(latencies.stream().filter(l -> l.factor() == factor)
        .map(l -> l.figures().getOrDefault(key, Double.NaN)).toList());
  }

  private static double median(List<Run> runs, ToDoubleFunction<Run> figure) {
    return ClusterReport.medianOf(runs.stream().map(figure::applyAsDouble).toList());
  }

  private static double perCore(Run run) {
    double server = run.get("cpu_server");
    return server > 0 ? run.get("records_per_s") / server : Double.NaN;
  }
}
