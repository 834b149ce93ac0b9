package io.tributary.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** A nemesis run's report in Markdown: the setup, the verdict's figures, the failed attempts and every fault. */
final class NemesisReport {
  private NemesisReport() { }

  static String render(NemesisRun.Outcome outcome, String command, String commit) {
    NemesisRun.Settings settings = outcome.settings();
    StringBuilder md = new StringBuilder();
    md.append("# Nemesis: replicated shard logs under node kills and pauses\n\n");
    md.append(String.format(Locale.ROOT, "`%s`: **%s**.%n%n", command, outcome.passed() ? "passed" : "FAILED"));
    md.append("Three node JVMs on 127.0.0.1 with `replication.factor=3` (each shard's log kept by a Ratis group of the\n"
        + "three). Producers (AWS SDK for Java v2 sync clients, retries off) put records whose data is a unique id,\n"
        + "each producer through its own node, by PutRecord or a PutRecords of up to `batch` records, and note every\n"
        + "acknowledged record (id, shard, sequence number). A nemesis kills (SIGKILL) or pauses (SIGSTOP) one node at\n"
        + "a time, and restarts or resumes it after the fault length; the next fault begins only once the node is\n"
        + "ready again. Afterwards every node is brought back and every shard is read from TRIM_HORIZON through\n"
        + "every node.\n\n");
    md.append("Failover time: from the fault until a survivor's GET /cluster names a survivor as leader of every shard\n"
        + "the faulty node led just before (polled every 100 ms), over the faults of nodes that led shards. The second\n"
        + "figure is from the fault until every such shard had a put, sent after the fault, acknowledged through a\n"
        + "survivor; each producer makes one call at a time, so a call that hangs delays it. The longest put through a\n"
        + "survivor counts the calls under way at the fault or sent within 30 s after it.\n\n");

    md.append("## Setup\n\n| | |\n|---|---|\n");
    BenchSupport.machineRows(md);
    BenchSupport.row(md, "commit", commit);
    BenchSupport.row(md, "nodes", "3, each `-Xmx512m`, replication.factor=3, cluster.failover.timeout.ms="
        + settings.failoverTimeoutMs() + ", replication.snapshot.entries=" + NemesisRun.SNAPSHOT_ENTRIES);
    BenchSupport.row(md, "stream", settings.shards() + " shards");
    BenchSupport.row(md, "producers", settings.producersPerNode() + " per node; PutRecord, or PutRecords of 2-"
        + settings.batch() + " records, half each; 100 ms pause after a failed attempt; API call timeout " + settings.callTimeout().toSeconds()
        + " s");
    BenchSupport.row(md, "faults", String.format(Locale.ROOT, "%s kill or pause, %.1f s of calm before each, node down "
        + "or paused for %.1f s", settings.alternate() ? "alternating" : "random", settings.interval().toMillis() / 1000.0,
        settings.faultLength().toMillis() / 1000.0));
    BenchSupport.row(md, "seed", Long.toString(settings.seed()));
    BenchSupport.row(md, "data and node logs", settings.directory().toString());

    md.append("\n## Results\n\n| | |\n|---|---|\n");
    long failed = outcome.failures().values().stream().mapToLong(Long::longValue).sum();
    BenchSupport.row(md, "records acknowledged", Long.toString(outcome.acknowledged()));
    BenchSupport.row(md, "record attempts failed", failed + " of " + outcome.attempts() + " (by error below)");
    BenchSupport.row(md, "lost (acknowledged, not read through some node)", Long.toString(outcome.lost()));
    BenchSupport.row(md, "duplicated (extra copies of an id)", Long.toString(outcome.duplicated()));
    BenchSupport.row(md, "unacknowledged but present", Long.toString(outcome.unacknowledgedPresent()));
    BenchSupport.row(md, "order violations", outcome.findings().orderViolations() + " (and "
        + outcome.findings().sequenceMismatches() + " records read with another sequence number than acknowledged)");
    BenchSupport.row(md, "node disagreements ((node, shard) reads unlike node 0's)", Long.toString(outcome.disagreements()));
    BenchSupport.row(md, "records read per node", Long.toString(outcome.findings().recordsRead()));
    BenchSupport.row(md, "faults injected", outcome.faults().size() + ": " + outcome.kills() + " kills, "
        + outcome.pauses() + " pauses");
    BenchSupport.row(md, "failover, new live leaders (p50 / max)", percentiles(outcome.failoverMillis()));
    BenchSupport.row(md, "failover, puts acknowledged again (p50 / max)", percentiles(outcome.putFailoverMillis()));
    BenchSupport.row(md, "cluster mended at the end", outcome.mended() ? "yes" : "NO");
    BenchSupport.row(md, "run duration", String.format(Locale.ROOT, "%.1f s producing, %.1f s in all",
        outcome.producingMillis() / 1000.0, outcome.totalMillis() / 1000.0));

    md.append("\n## Failed attempts by error\n\n| error | records |\n|---|---:|\n");
    for (Map.Entry<String, Long> failure : outcome.failures().entrySet()) {
      md.append("| ").append(failure.getKey()).append(" | ").append(failure.getValue()).append(" |\n");
    }
    if (outcome.failures().isEmpty()) md.append("| none | 0 |\n");

    md.append("\n## Faults\n\n| # | at (s) | fault | node | shards it led | new leaders after (ms) | puts again after (ms) "
        + "| longest put through a survivor (ms) | ready again after mending (ms) |\n"
        + "|---:|---:|---|---:|---|---:|---:|---|---:|\n");
    long first = outcome.faults().isEmpty() ? 0 : outcome.faults().get(0).atNanos();
    int put = 0;
    for (int i = 0; i < outcome.faults().size(); i++) {
      Nemesis.Fault fault = outcome.faults().get(i);
      String putAgain = fault.ledShards().isEmpty() ? "-" : millis(outcome.putFailoverMillis().get(put++));
      md.append(String.format(Locale.ROOT, "| %d | %.1f | %s | %d | %s | %s | %s | %s | %s |%n", i + 1,
          TimeUnit.NANOSECONDS.toMillis(fault.atNanos() - first) / 1000.0, fault.kind() == Nemesis.Kind.KILL
              ? "SIGKILL, restart" : "SIGSTOP, SIGCONT", fault.node(),
          fault.ledShards().isEmpty() ? "none" : fault.ledShards().stream()
              .map(shard -> shard.replace("shardId-", "")).collect(Collectors.joining(", ")),
          fault.ledShards().isEmpty() ? "-" : millis(fault.failoverMillis()), putAgain,
          outcome.longestSurvivorCalls().get(i), millis(fault.mendMillis())));
    }
    if (!outcome.findings().examples().isEmpty()) {
      md.append("\n## Violations (first few)\n\n");
      outcome.findings().examples().forEach(example -> md.append("- ").append(example).append('\n'));
    }
    return md.toString();
  }

  private static String millis(long value) {
    return value < 0 ? "not seen" : Long.toString(value);
  }

  /** "p50 ms / max ms (n faults)", nearest rank; a fault whose failover was not seen counts as the largest. */
  static String percentiles(List<Long> values) {
    if (values.isEmpty()) return "n/a (no fault of a node that led shards)";
    List<Long> sorted = new ArrayList<>(values.stream().map(v -> v < 0 ? Long.MAX_VALUE : v).sorted().toList());
    long p50 = sorted.get((int) Math.ceil(sorted.size() * 0.5) - 1);
    long max = sorted.get(sorted.size() - 1);
    return String.format(Locale.ROOT, "%s ms / %s ms (%d faults)", p50 == Long.MAX_VALUE ? "not seen" : p50,
        max == Long.MAX_VALUE ? "not seen" : max, sorted.size());
  }
}
