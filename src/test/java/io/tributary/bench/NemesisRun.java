package io.tributary.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * A Jepsen-style run against replicated shard logs: three node JVMs ({@link NemesisCluster}) with
 * {@code replication.factor=3}, one stream, producers putting unique ids through every node ({@link NemesisProducer}),
 * and a nemesis killing or pausing one node at a time ({@link Nemesis}). Once the run is over and every node is back,
 * every shard is read through every node and held against what was acknowledged ({@link NemesisCheck}).
 *
 * <p>Options ({@code --name value}): dir (where the nodes keep their data and logs; default a new temp dir),
 * duration (seconds of producing, 120), interval (seconds of calm between faults, 5), fault-length (seconds a node
 * stays killed or paused, 8: longer than the failover timeout), failover-timeout-ms (4000), shards (6),
 * producers-per-node (1), batch (largest PutRecords; 1: PutRecord only; 5), call-timeout (seconds a put may take
 * before the client gives up, 30), order ({@code random} or {@code alternate}: pauses and kills taking turns), seed,
 * out (Markdown report file; none: printed only), command and commit (shown in the report). Exits 1 if a record was lost or duplicated, read out of order or
 * differently through different nodes, or if the cluster could not be mended.
 */
public final class NemesisRun {
  static final String STREAM = "nemesis";
  /** A snapshot of each shard group every this many entries (the server's default is 10,000). */
  static final int SNAPSHOT_ENTRIES = 200;
  private static final Duration READY_WAIT = Duration.ofSeconds(120);
  private static final Duration LEADERS_WAIT = Duration.ofSeconds(90);

  /** What a run does; see the class comment for each option. */
  public record Settings(Path directory, Duration duration, Duration interval, Duration faultLength,
      int failoverTimeoutMs, int shards, int producersPerNode, int batch, Duration callTimeout, boolean alternate,
      long seed) {

    static Settings of(Map<String, String> options) throws java.io.IOException {
      String dir = BenchSupport.option(options, "dir", "");
      return new Settings(
          dir.isEmpty() ? Files.createTempDirectory("tributary-nemesis") : Path.of(dir),
          Duration.ofSeconds(Long.parseLong(BenchSupport.option(options, "duration", "120"))),
          Duration.ofMillis(Math.round(1000 * Double.parseDouble(BenchSupport.option(options, "interval", "5")))),
          Duration.ofMillis(Math.round(1000 * Double.parseDouble(BenchSupport.option(options, "fault-length", "8")))),
          Integer.parseInt(BenchSupport.option(options, "failover-timeout-ms", "4000")),
          Integer.parseInt(BenchSupport.option(options, "shards", "6")),
          Integer.parseInt(BenchSupport.option(options, "producers-per-node", "1")),
          Integer.parseInt(BenchSupport.option(options, "batch", "5")),
          Duration.ofSeconds(Long.parseLong(BenchSupport.option(options, "call-timeout", "30"))),
          BenchSupport.option(options, "order", "random").equals("alternate"),
          Long.parseLong(BenchSupport.option(options, "seed", String.valueOf(System.currentTimeMillis()))));
    }
  }

  /**
   * What a run found. {@code mended} is false when a node could not be brought back or the shards did not all get
   * live leaders again; the records were then not checked.
   */
  public record Outcome(Settings settings, long attempts, long acknowledged, Map<String, Long> failures,
      List<Nemesis.Fault> faults, List<Long> putFailoverMillis, List<String> longestSurvivorCalls,
      NemesisCheck.Findings findings, boolean mended,
      long producingMillis, long totalMillis) {

    public long lost() {
      return findings.lost();
    }

    public long duplicated() {
      return findings.duplicated();
    }

    public long unacknowledgedPresent() {
      return findings.unacknowledgedPresent();
    }

    /** Sequence numbers read out of order, acknowledged records read out of order, and ones read with another sequence number. */
    public long orderViolations() {
      return findings.orderViolations() + findings.sequenceMismatches();
    }

    public long disagreements() {
      return findings.disagreements();
    }

    public long kills() {
      return faults.stream().filter(fault -> fault.kind() == Nemesis.Kind.KILL).count();
    }

    public long pauses() {
      return faults.stream().filter(fault -> fault.kind() == Nemesis.Kind.PAUSE).count();
    }

    /** Failover times (new live leaders seen by a survivor) of the faults of nodes that led shards, in milliseconds; -1: not seen. */
    public List<Long> failoverMillis() {
      return faults.stream().filter(fault -> !fault.ledShards().isEmpty()).map(Nemesis.Fault::failoverMillis).toList();
    }

    /** The first few violations found, described. */
    public List<String> examples() {
      return findings.examples();
    }

    /** The figures in a line, for a log or a failure message. */
    public String summary() {
      return String.format(Locale.ROOT, "acknowledged %d of %d attempted, failures %s, lost %d, duplicated %d, "
          + "unacknowledged but present %d, order violations %d, disagreements %d, %d kills, %d pauses, "
          + "failover %s, mended %s", acknowledged, attempts, failures, lost(), duplicated(), unacknowledgedPresent(),
          orderViolations(), disagreements(), kills(), pauses(), NemesisReport.percentiles(failoverMillis()), mended);
    }

    public boolean passed() {
      return mended && findings.clean();
    }
  }

  private NemesisRun() { }

  public static void main(String[] args) {
    // Stopped by a timeout's SIGTERM: the node JVMs go too (SIGKILL also ends a paused one).
    Runtime.getRuntime().addShutdownHook(new Thread(() ->
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly)));
    BenchSupport.exitWith(() -> {
      Map<String, String> options = BenchSupport.options(args, 0);
      Outcome outcome = run(Settings.of(options));
      String report = NemesisReport.render(outcome, BenchSupport.option(options, "command", "NemesisRun"),
          BenchSupport.option(options, "commit", "unknown"));
      System.out.println(report);
      String out = BenchSupport.option(options, "out", "");
      if (!out.isEmpty()) {
        Path file = Path.of(out);
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        Files.writeString(file, report, StandardCharsets.UTF_8);
        log("report written to %s", file.toAbsolutePath());
      }
      return outcome.passed() ? 0 : 1;
    });
  }

  static void log(String format, Object... args) {
    System.out.printf(Locale.ROOT, "%s [nemesis] %s%n", LocalTime.now().truncatedTo(ChronoUnit.MILLIS),
        String.format(Locale.ROOT, format, args));
  }

  /** Runs the cluster, the producers and the nemesis, mends the cluster and checks what every node holds. */
  public static Outcome run(Settings settings) throws Exception {
    long started = System.nanoTime();
    Files.createDirectories(settings.directory());
    log("starting 3 nodes in %s (seed %d)", settings.directory(), settings.seed());
    // Snapshots every SNAPSHOT_ENTRIES entries: the groups force their shard logs, snapshot and purge their
    // Raft logs many times over a run, under the faults, and restarted nodes replay from a snapshot.
    try (NemesisCluster cluster = NemesisCluster.start(settings.directory(), 3, Map.of(
        "TRIBUTARY_REPLICATION_FACTOR", "3",
        "TRIBUTARY_REPLICATION_SNAPSHOT_ENTRIES", String.valueOf(SNAPSHOT_ENTRIES),
        "TRIBUTARY_CLUSTER_FAILOVER_TIMEOUT_MS", String.valueOf(settings.failoverTimeoutMs())))) {
      List<Shard> shards = createStream(cluster, settings.shards());
      awaitLeaders(cluster, 0, shards);

      NemesisLedger ledger = new NemesisLedger();
      AtomicBoolean stopProducers = new AtomicBoolean();
      AtomicBoolean stopFaults = new AtomicBoolean();
      List<Thread> producers = new ArrayList<>();
      for (int node = 0; node < cluster.size(); node++) {
        for (int k = 0; k < settings.producersPerNode(); k++) {
          int id = producers.size();
          producers.add(started(new NemesisProducer(id, node, cluster, STREAM, settings.batch(),
              settings.callTimeout(), settings.seed() + 1 + id, ledger, stopProducers), "producer-" + id));
        }
      }
      Nemesis nemesis = new Nemesis(cluster, settings.interval(), settings.faultLength(),
          settings.alternate() ? Nemesis.Order.ALTERNATE : Nemesis.Order.RANDOM, settings.seed(), stopFaults,
          System.nanoTime() + settings.duration().toNanos());
      Thread faults = started(nemesis, "nemesis");
      log("%d producers and the nemesis run for %d s", producers.size(), settings.duration().toSeconds());
      long producing = System.nanoTime();
      Thread.sleep(settings.duration().toMillis());
      stopFaults.set(true);
      faults.join(); // the fault under way, if any, is mended first
      stopProducers.set(true);
      for (Thread producer : producers) producer.join();
      long producingMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - producing);
      List<NemesisLedger.Ack> acks = ledger.acks();
      log("produced for %d ms: %d records acknowledged of %d attempted; failures %s", producingMillis, acks.size(),
          ledger.attempts(), ledger.failures());

      boolean mended = mend(cluster, shards);
      NemesisCheck.Findings findings = mended
          ? NemesisCheck.check(acks, readEverything(cluster, shards))
          : new NemesisCheck.Findings(0, 0, 0, 0, 0, 0, 0, List.of("not checked: the cluster could not be mended"));
      log("checked what the nodes in %s hold", cluster.directory());
      log("checked: %s", findings);
      List<Long> putFailovers = nemesis.faults().stream().filter(fault -> !fault.ledShards().isEmpty())
          .map(fault -> putFailover(fault, acks)).toList();
      List<String> longestCalls = nemesis.faults().stream().map(fault -> longestSurvivorCall(fault, ledger.calls()))
          .toList();
      return new Outcome(settings, ledger.attempts(), acks.size(), ledger.failures(), nemesis.faults(), putFailovers,
          longestCalls, findings, mended, producingMillis, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }
  }

  private static Thread started(Runnable task, String name) {
    Thread thread = new Thread(task, name);
    thread.start();
    return thread;
  }

  private static List<Shard> createStream(NemesisCluster cluster, int shards) throws InterruptedException {
    try (KinesisClient client = NemesisProducer.client(cluster.node(0).endpoint())) {
      client.createStream(b -> b.streamName(STREAM).shardCount(shards));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (client.describeStreamSummary(b -> b.streamName(STREAM)).streamDescriptionSummary().streamStatus()
          != StreamStatus.ACTIVE) {
        if (System.nanoTime() > deadline) throw new IllegalStateException(STREAM + " did not turn ACTIVE");
        Thread.sleep(100);
      }
      return client.listShards(b -> b.streamName(STREAM)).shards();
    }
  }

  /** Waits until node {@code index}'s GET /cluster names a live leader for every shard. */
  private static void awaitLeaders(NemesisCluster cluster, int index, List<Shard> shards) throws InterruptedException {
    long deadline = System.nanoTime() + LEADERS_WAIT.toNanos();
    Map<String, String> leaders = Map.of();
    while (System.nanoTime() < deadline) {
      try {
        leaders = cluster.leaders(index);
        Map<String, String> seen = leaders;
        if (shards.stream().allMatch(shard -> seen.containsKey(shard.shardId()))) return;
      } catch (java.io.IOException busy) {
        // ask again
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("node " + index + " does not see a leader for every shard within " + LEADERS_WAIT
        + ": " + leaders);
  }

  /** Brings back every node that is not ready (resumed, or started again) and waits until every node sees every shard led. */
  private static boolean mend(NemesisCluster cluster, List<Shard> shards) throws InterruptedException {
    try {
      for (int i = 0; i < cluster.size(); i++) {
        try {
          cluster.resume(i);
          cluster.awaitReady(i, READY_WAIT);
        } catch (Exception notRunning) {
          log("node %d is not running (%s): starting it again", i, notRunning.getMessage());
          cluster.restart(i);
        }
      }
      for (int i = 0; i < cluster.size(); i++) awaitLeaders(cluster, i, shards);
      log("every node is ready and sees a leader for every shard: %s", cluster.leaders(0));
      return true;
    } catch (Exception failed) {
      log("the cluster could not be mended: %s", failed.getMessage());
      return false;
    }
  }

  /** Per node, per shard id, every record read through that node. */
  private static List<Map<String, List<NemesisCheck.Read>>> readEverything(NemesisCluster cluster, List<Shard> shards)
      throws InterruptedException {
    List<Map<String, List<NemesisCheck.Read>>> reads = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      Map<String, List<NemesisCheck.Read>> byShard = new java.util.TreeMap<>();
      try (KinesisClient client = NemesisProducer.client(cluster.node(i).endpoint())) {
        for (Shard shard : shards) byShard.put(shard.shardId(), NemesisCheck.readAll(client, STREAM, shard.shardId()));
      }
      log("read through node %d: %s", i, byShard.entrySet().stream()
          .map(entry -> entry.getKey() + "=" + entry.getValue().size()).toList());
      reads.add(byShard);
    }
    return reads;
  }

  /**
   * The longest put call through a survivor that was under way at the fault or sent in the {@link Nemesis#FAILOVER_WAIT}
   * after it, as "milliseconds outcome": whether puts through the survivors waited out the election and succeeded,
   * or hung until the client gave up.
   */
  private static String longestSurvivorCall(Nemesis.Fault fault, List<NemesisLedger.Call> calls) {
    long until = fault.atNanos() + Nemesis.FAILOVER_WAIT.toNanos();
    return calls.stream()
        .filter(call -> call.node() != fault.node() && call.endedNanos() >= fault.atNanos() && call.sentNanos() <= until)
        .max(java.util.Comparator.comparingLong(call -> call.endedNanos() - call.sentNanos()))
        .map(call -> TimeUnit.NANOSECONDS.toMillis(call.endedNanos() - call.sentNanos()) + " " + call.outcome())
        .orElse("none");
  }

  /**
   * Milliseconds from the fault until every shard its node led had a put acknowledged through a survivor that was
   * sent after the fault; -1 if one had none.
   */
  private static long putFailover(Nemesis.Fault fault, List<NemesisLedger.Ack> acks) {
    long worst = 0;
    for (String shard : fault.ledShards()) {
      long first = acks.stream()
          .filter(ack -> ack.shardId().equals(shard) && ack.node() != fault.node() && ack.sentNanos() >= fault.atNanos())
          .mapToLong(NemesisLedger.Ack::ackedNanos).min().orElse(-1);
      if (first < 0) return -1;
      worst = Math.max(worst, first - fault.atNanos());
    }
    return TimeUnit.NANOSECONDS.toMillis(worst);
  }
}
