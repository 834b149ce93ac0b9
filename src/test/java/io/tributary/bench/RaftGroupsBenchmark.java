package io.tributary.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * What many Raft groups per node cost with Apache Ratis 3.1.3: three Ratis servers, each a JVM of its own
 * ({@link RaftGroupsNode}) on 127.0.0.1, each carrying N groups of the three of them, with a state machine that
 * only counts ({@link CountingStateMachine}), storage under a temp dir.
 *
 * <p>{@code --mode run} (one profile, one N): starts the three JVMs, measures each with no group, adds the N
 * groups on the three at once and times until every group has a ready leader, measures threads, heap, direct
 * memory and RSS, then the CPU of an idle {@code --idle} seconds (heartbeats) and the elections in it, then
 * {@code --concurrency} writers (split over the nodes by the groups each leads) writing {@code --entry-bytes}
 * entries round-robin over the groups for {@code --warmup} + {@code --duration} seconds, each submitted to the
 * group's leader in its own JVM, as a shard owner would; then the threads after the load and the entries each
 * node applied. Figures go to {@code --summary-out} as {@code key=value} lines. Options: profile
 * ({@link RaftGroupsProfile} labels), groups, idle, warmup, duration, concurrency, entry-bytes, node-jvm-opts
 * (space separated), election-timeout (seconds to wait for every leader, 150), summary-out.
 *
 * <p>{@code --mode report}: writes {@code --out} from the summary files named by {@code --runs} (comma list,
 * in {@code --summaries}), with {@code --command} and {@code --machine-info} (see {@link RaftGroupsReport}).
 */
public final class RaftGroupsBenchmark {
  private static final int NODES = 3;
  /** Where the questions to the nodes wait for their answers (one blocked thread each). */
  private static final ExecutorService ASKING = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "raft-groups-ask");
    thread.setDaemon(true);
    return thread;
  });

  private final Map<String, String> options;

  private RaftGroupsBenchmark(Map<String, String> options) {
    this.options = options;
  }

  private String option(String name, String fallback) {
    return BenchSupport.option(options, name, fallback);
  }

  private int intOption(String name, int fallback) {
    return Integer.parseInt(option(name, String.valueOf(fallback)));
  }

  public static void main(String[] args) {
    BenchSupport.exitWith(() -> {
      RaftGroupsBenchmark bench = new RaftGroupsBenchmark(BenchSupport.options(args, 0));
      return bench.option("mode", "run").equals("report") ? bench.report() : bench.run();
    });
  }

  static void log(String format, Object... args) {
    System.out.printf(Locale.ROOT, "%s [raft-groups] %s%n", LocalTime.now().truncatedTo(ChronoUnit.MILLIS),
        String.format(Locale.ROOT, format, args));
  }

  private int report() throws IOException {
    Path dir = Path.of(option("summaries", "target/raft-groups-bench"));
    List<Map<String, String>> runs = new ArrayList<>();
    for (String name : option("runs", "").split(",")) {
      Path file = dir.resolve(name.trim() + ".txt");
      if (Files.exists(file)) runs.add(readSummary(file));
      else log("no figures for %s (%s): left out of the report", name, file);
    }
    Path out = Path.of(option("out", "loadtest/results/raft-groups.md"));
    if (out.getParent() != null) Files.createDirectories(out.getParent());
    String existing = Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : null;
    Files.writeString(out, new RaftGroupsReport(options, runs).render(existing), StandardCharsets.UTF_8);
    log("results written to %s", out.toAbsolutePath());
    return 0;
  }

  static Map<String, String> readSummary(Path file) throws IOException {
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      int equals = line.indexOf('=');
      if (equals > 0) values.put(line.substring(0, equals), line.substring(equals + 1));
    }
    return values;
  }

  // ---- one run ------------------------------------------------------------------------------------

  private int run() throws Exception {
    RaftGroupsProfile profile = RaftGroupsProfile.of(option("profile", "bounded"));
    int groups = intOption("groups", 100);
    int idle = intOption("idle", 30);
    int warmup = intOption("warmup", 5);
    int duration = intOption("duration", 20);
    int concurrency = intOption("concurrency", 12);
    int entryBytes = intOption("entry-bytes", 1024);
    int electionTimeout = intOption("election-timeout", 150);
    List<String> jvmOptions = List.of(option("node-jvm-opts", "-Xmx768m -XX:MaxDirectMemorySize=2g").split(" +"));
    Path summaryOut = Path.of(option("summary-out", "target/raft-groups-bench/" + profile.label() + "-" + groups + ".txt"));
    Files.createDirectories(summaryOut.toAbsolutePath().getParent());
    Path work = Files.createTempDirectory("raft-groups-bench");
    Map<String, String> summary = new LinkedHashMap<>();
    summary.put("profile", profile.label());
    summary.put("groups", String.valueOf(groups));
    summary.put("node_jvm_opts", String.join(" ", jvmOptions));
    summary.put("idle_s", String.valueOf(idle));
    summary.put("warmup_s", String.valueOf(warmup));
    summary.put("duration_s", String.valueOf(duration));
    summary.put("concurrency", String.valueOf(concurrency));
    summary.put("entry_bytes", String.valueOf(entryBytes));
    List<NodeProcess> nodes = new ArrayList<>();
    // Killed (a timeout's SIGTERM): the nodes go too, and their files.
    Thread cleanUp = new Thread(() -> {
      nodes.forEach(NodeProcess::kill);
      try {
        deleteTree(work);
      } catch (IOException e) {
        // left in the temp dir
      }
    });
    Runtime.getRuntime().addShutdownHook(cleanUp);
    try {
      StringBuilder peers = new StringBuilder();
      for (int i = 0; i < NODES; i++) {
        if (i > 0) peers.append(',');
        peers.append('n').append(i).append("=127.0.0.1:").append(freePort());
      }
      log("%s, %d groups: starting %d node JVMs (%s)", profile.label(), groups, NODES, String.join(" ", jvmOptions));
      for (int i = 0; i < NODES; i++) {
        nodes.add(NodeProcess.start("n" + i, peers.toString(), work, profile, jvmOptions));
      }
      for (NodeProcess node : nodes) node.awaitLine("ready", 60);
      record(summary, "empty", all(nodes, "stats"));

      long start = System.nanoTime();
      all(nodes, "groups " + groups);
      long leadersAt = -1;
      long addedAt = -1;
      long deadline = start + TimeUnit.SECONDS.toNanos(electionTimeout);
      List<Map<String, String>> status = List.of();
      while (System.nanoTime() < deadline) {
        Thread.sleep(100);
        status = all(nodes, "status");
        if (addedAt < 0 && status.stream().allMatch(s -> !s.get("added").equals("-1"))) {
          if (status.stream().anyMatch(s -> s.get("added").equals("-2"))) throw new IllegalStateException("a group add failed");
          addedAt = System.nanoTime();
          for (int i = 0; i < NODES; i++) summary.put("n" + i + ".add_ms", status.get(i).get("added"));
        }
        if (addedAt >= 0 && sum(status, "leaders") == groups) {
          leadersAt = System.nanoTime();
          break;
        }
      }
      summary.put("add_s", seconds(start, addedAt));
      summary.put("leaders_s", seconds(start, leadersAt));
      if (leadersAt < 0) {
        log("not every group had a ready leader within %d s: groups added per node %s, leaders per node %s",
            electionTimeout, column(status, "divisions"), column(status, "leaders"));
        summary.put("failed", String.format(Locale.ROOT, "after %d s: groups added per node %s, ready leaders %d of %d",
            electionTimeout, column(status, "divisions"), sum(status, "leaders"), groups));
        record(summary, "stuck", all(nodes, "stats"));
        return 2;
      }
      List<Map<String, String>> leading = all(nodes, "status");
      for (int i = 0; i < NODES; i++) summary.put("n" + i + ".leaders", leading.get(i).get("leaders"));
      log("groups added on every node in %s s; every group has a ready leader after %s s (leaders per node %s)",
          summary.get("add_s"), summary.get("leaders_s"), column(leading, "leaders"));

      Thread.sleep(3000);
      record(summary, "idle", all(nodes, "stats"));
      String kindsBefore = all(nodes, "kinds").get(0).get("kinds");
      List<Map<String, String>> cpuBefore = all(nodes, "cpu");
      List<Map<String, String>> termsBefore = all(nodes, "status");
      log("idle: threads %s, heap %s, direct %s, RSS %s; measuring CPU for %d s", column(summary, "idle.threads"),
          column(summary, "idle.heap"), column(summary, "idle.direct"), column(summary, "idle.rss"), idle);
      Thread.sleep(TimeUnit.SECONDS.toMillis(idle));
      List<Map<String, String>> cpuAfter = all(nodes, "cpu");
      List<Map<String, String>> termsAfter = all(nodes, "status");
      summary.put("kinds", idleKinds(kindsBefore, all(nodes, "kinds").get(0).get("kinds")));
      for (int i = 0; i < NODES; i++) {
        double busy = (Long.parseLong(cpuAfter.get(i).get("cpu")) - Long.parseLong(cpuBefore.get(i).get("cpu")))
            / (double) (Long.parseLong(cpuAfter.get(i).get("nanos")) - Long.parseLong(cpuBefore.get(i).get("nanos")));
        summary.put("n" + i + ".idle_cores", String.format(Locale.ROOT, "%.4f", busy));
        summary.put("n" + i + ".idle_term_increase", String.valueOf(
            Long.parseLong(termsAfter.get(i).get("terms")) - Long.parseLong(termsBefore.get(i).get("terms"))));
        summary.put("n" + i + ".leaders_after_idle", termsAfter.get(i).get("leaders"));
      }
      log("idle CPU (cores) %s; term increases during idle %s", column(summary, "idle_cores"),
          column(summary, "idle_term_increase"));

      int[] writers = split(concurrency, termsAfter.stream().mapToInt(s -> Integer.parseInt(s.get("leaders"))).toArray());
      log("write: %d writers (%s per node), %d B entries, %d s warm-up + %d s", concurrency,
          Arrays.toString(writers), entryBytes, warmup, duration);
      List<CompletableFuture<Map<String, String>>> writes = new ArrayList<>();
      for (int i = 0; i < NODES; i++) {
        writes.add(nodes.get(i).askAsync("write " + duration + " " + warmup + " " + writers[i] + " " + entryBytes));
      }
      Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
      long ok = 0;
      long errors = 0;
      for (int i = 0; i < NODES; i++) {
        Map<String, String> result = writes.get(i).get(warmup + duration + 60, TimeUnit.SECONDS);
        ok += Long.parseLong(result.get("ok"));
        errors += Long.parseLong(result.get("errors"));
        if (result.containsKey("error")) summary.put("n" + i + ".write_error", result.get("error"));
        if (!result.get("hist").equals("-")) {
          latency.add(Histogram.decodeFromCompressedByteBuffer(
              ByteBuffer.wrap(Base64.getDecoder().decode(result.get("hist"))), 0));
        }
      }
      summary.put("write.entries", String.valueOf(ok));
      summary.put("write.errors", String.valueOf(errors));
      summary.put("write.entries_per_s", String.format(Locale.ROOT, "%.1f", ok / (double) duration));
      summary.put("write.p50_ms", millis(latency, 50));
      summary.put("write.p99_ms", millis(latency, 99));
      summary.put("write.max_ms", String.format(Locale.ROOT, "%.2f", latency.getMaxValue() / 1000.0));
      log("write: %,d entries committed = %s /s, p50 %s ms, p99 %s ms, errors %d", ok,
          summary.get("write.entries_per_s"), summary.get("write.p50_ms"), summary.get("write.p99_ms"), errors);
      record(summary, "loaded", all(nodes, "stats"));
      Thread.sleep(2000);
      List<Map<String, String>> applied = all(nodes, "applied");
      for (int i = 0; i < NODES; i++) summary.put("n" + i + ".applied", applied.get(i).get("applied"));
      log("after the load: threads %s; entries applied per node %s", column(summary, "loaded.threads"),
          column(applied, "applied"));
      return errors > 0 ? 3 : 0;
    } finally {
      for (NodeProcess node : nodes) node.quit();
      for (NodeProcess node : nodes) node.keepLog(summaryOut.toAbsolutePath().getParent(), profile.label() + "-" + groups);
      deleteTree(work);
      Runtime.getRuntime().removeShutdownHook(cleanUp);
      Files.writeString(summaryOut, summary.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() + "\n")
          .reduce("", String::concat), StandardCharsets.UTF_8);
      log("figures written to %s", summaryOut);
    }
  }

  /** The writers per node, proportional to the groups each leads (largest remainder), at least one where it leads any. */
  static int[] split(int writers, int[] leaders) {
    final int total = Arrays.stream(leaders).sum();
    int[] shares = new int[leaders.length];
    if (total == 0) return shares;
    int given = 0;
    Integer[] order = new Integer[leaders.length];
    for (int i = 0; i < leaders.length; i++) {
      shares[i] = (int) ((long) writers * leaders[i] / total);
      if (shares[i] == 0 && leaders[i] > 0) shares[i] = 1;
      given += shares[i];
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> -((double) writers * leaders[i] / total - shares[i])));
    for (int k = 0; given < writers && k < order.length; k++) {
      if (leaders[order[k]] > 0) {
        shares[order[k]]++;
        given++;
      }
    }
    return shares;
  }

  /**
   * Node n0's threads by kind after the idle window, with the CPU each kind's threads used in it:
   * {@code kind:threads:cpuMillis,...} (a thread that started or ended in the window counts from or to then).
   */
  static String idleKinds(String before, String after) {
    Map<String, Long> cpuBefore = new LinkedHashMap<>();
    for (String kind : before.split(",")) {
      String[] parts = kind.split(":");
      if (parts.length == 3) cpuBefore.put(parts[0], Long.parseLong(parts[2]));
    }
    List<String> kinds = new ArrayList<>();
    for (String kind : after.split(",")) {
      String[] parts = kind.split(":");
      if (parts.length != 3) continue;
      long cpu = Math.max(0, Long.parseLong(parts[2]) - cpuBefore.getOrDefault(parts[0], 0L));
      kinds.add(parts[0] + ":" + parts[1] + ":" + TimeUnit.NANOSECONDS.toMillis(cpu));
    }
    return String.join(",", kinds);
  }

  private static void record(Map<String, String> summary, String phase, List<Map<String, String>> stats) {
    for (int i = 0; i < stats.size(); i++) {
      for (String key : List.of("threads", "heap", "direct", "rss")) {
        summary.put("n" + i + "." + phase + "." + key, stats.get(i).get(key));
      }
    }
  }

  private static String column(Map<String, String> summary, String key) {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      String value = summary.get("n" + i + "." + key);
      if (value != null && value.matches("[0-9]{7,}")) value = (Long.parseLong(value) >> 20) + "M";
      values.add(value);
    }
    return String.join(" / ", values);
  }

  private static String column(List<Map<String, String>> answers, String key) {
    return String.join(" / ", answers.stream().map(a -> a.get(key)).toList());
  }

  private static int sum(List<Map<String, String>> answers, String key) {
    return answers.stream().mapToInt(a -> Integer.parseInt(a.get(key))).sum();
  }

  private static List<Map<String, String>> all(List<NodeProcess> nodes, String command) {
    List<CompletableFuture<Map<String, String>>> answers = nodes.stream().map(n -> n.askAsync(command)).toList();
    return answers.stream().map(CompletableFuture::join).toList();
  }

  private static String seconds(long from, long to) {
    return to < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", (to - from) / 1e9);
  }

  private static String millis(Histogram histogram, double percentile) {
    return histogram.getTotalCount() == 0 ? "n/a"
        : String.format(Locale.ROOT, "%.2f", histogram.getValueAtPercentile(percentile) / 1000.0);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) return;
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(path);
    }
  }

  /** A {@link RaftGroupsNode} JVM and its command pipe: one command at a time, one answer line each. */
  private static final class NodeProcess {
    private final String id;
    private final Process process;
    private final PrintStream commands;
    private final BufferedReader answers;
    private final Path log;

    private NodeProcess(String id, Process process, Path log) {
      this.id = id;
      this.process = process;
      this.log = log;
      commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
      answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    static NodeProcess start(String id, String peers, Path work, RaftGroupsProfile profile, List<String> jvmOptions)
        throws IOException {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmOptions);
      command.addAll(List.of("-XX:+ExitOnOutOfMemoryError",
          // Ratis logs a few lines per group and election at INFO: thousands of lines at 500 groups.
          "-Dorg.slf4j.simpleLogger.log.org.apache.ratis=warn",
          "-cp", System.getProperty("java.class.path"), RaftGroupsNode.class.getName(),
          "--id", id, "--peers", peers, "--dir", work.resolve(id).toString(), "--profile", profile.label()));
      Path log = work.resolve(id + ".log");
      ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.to(log.toFile()));
      return new NodeProcess(id, builder.start(), log);
    }

    void awaitLine(String expected, int seconds) throws Exception {
      String line = CompletableFuture.supplyAsync(this::readLine, ASKING).get(seconds, TimeUnit.SECONDS);
      if (!expected.equals(line)) throw new IllegalStateException(id + " said " + line + ", not " + expected);
    }

    CompletableFuture<Map<String, String>> askAsync(String command) {
      return CompletableFuture.supplyAsync(() -> ask(command), ASKING);
    }

    private synchronized Map<String, String> ask(String command) {
      commands.println(command);
      String line = readLine();
      if (line == null) throw new IllegalStateException(id + " exited; its log: " + log);
      Map<String, String> answer = new LinkedHashMap<>();
      for (String pair : line.split(" ")) {
        int equals = pair.indexOf('=');
        answer.put(equals > 0 ? pair.substring(0, equals) : pair, equals > 0 ? pair.substring(equals + 1) : "");
      }
      if (answer.containsKey("failed")) throw new IllegalStateException(id + ": " + command + " failed: " + line);
      return answer;
    }

    private String readLine() {
      try {
        return answers.readLine();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    void quit() {
      commands.println("quit");
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }

    void kill() {
      process.destroyForcibly();
    }

    void keepLog(Path dir, String run) {
      try {
        Files.copy(log, dir.resolve(run + "-" + id + ".log"), StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        log("could not keep %s: %s", log, e);
      }
    }
  }
}
