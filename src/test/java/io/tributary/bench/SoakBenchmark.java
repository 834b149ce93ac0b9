package io.tributary.bench;

import io.tributary.bench.KinesisWire.Api;
import io.tributary.bench.KinesisWire.Op;
import io.tributary.bench.KinesisWire.Reply;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A soak run: PutRecords at a fixed rate (an open model: calls go out on schedule whatever the answers'
 * latency, and latency counts from the scheduled moment, so a stalled server cannot hide its stall) with a
 * GetRecords poller per shard, and {@link AbusiveClients} beside them, for many minutes. Every window it
 * records throughput, latency percentiles, errors, and the server's resident memory, heap, threads and
 * file descriptors, then writes a report saying whether memory and p99 stayed flat.
 *
 * <p>Options: --host, --port, --management-port, --server-pid, --rate records/s, --capacity (the records/s
 * the rate was derived from, for the report), --records-per-call 500, --record-bytes 100, --shards 4,
 * --duration 600 s, --window 60 s, --poll-ms 200, --max-in-flight 256, --abuse true, --out, --command,
 * --server-info.
 */
public final class SoakBenchmark {
  private final Map<String, String> options;
  private final String host;
  private final int port;
  private final int managementPort;
  private final long serverPid;
  private final double rate;
  private final int recordsPerCall;
  private final int recordBytes;
  private final int shards;
  private final long durationMillis;
  private final long windowMillis;
  private final long pollMillis;
  private final int maxInFlight;
  private final boolean abuse;
  private final String stream = "soak-" + Long.toString(System.currentTimeMillis(), 36);

  private SoakBenchmark(Map<String, String> options) {
    this.options = options;
    host = option("host", "127.0.0.1");
    port = Integer.parseInt(option("port", "4567"));
    managementPort = Integer.parseInt(option("management-port", "4569"));
    serverPid = Long.parseLong(option("server-pid", "0"));
    rate = Double.parseDouble(option("rate", "100000"));
    recordsPerCall = Integer.parseInt(option("records-per-call", "500"));
    recordBytes = Integer.parseInt(option("record-bytes", "100"));
    shards = Integer.parseInt(option("shards", "4"));
    durationMillis = (long) (Double.parseDouble(option("duration", "600")) * 1000);
    windowMillis = (long) (Double.parseDouble(option("window", "60")) * 1000);
    pollMillis = Long.parseLong(option("poll-ms", "200"));
    maxInFlight = Integer.parseInt(option("max-in-flight", "256"));
    abuse = Boolean.parseBoolean(option("abuse", "true"));
  }

  private String option(String name, String fallback) {
    return BenchSupport.option(options, name, fallback);
  }

  public static void main(String[] args) throws Exception {
    BenchSupport.exitWith(() -> new SoakBenchmark(BenchSupport.options(args, 0)).run());
  }

  // ---- what one window measured ------------------------------------------------------------------

  /** Counts of one lane in one window; touched only on the lane's event loop until handed over. */
  static final class Window {
    final Histogram latencyMicros = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
    long calls;
    long records;
    long throttledRecords;
    long skipped;
    long consumed;
    long pollErrors;
    final Map<String, Long> errors = new TreeMap<>();

    void add(Window other) {
      latencyMicros.add(other.latencyMicros);
      calls += other.calls;
      records += other.records;
      throttledRecords += other.throttledRecords;
      skipped += other.skipped;
      consumed += other.consumed;
      pollErrors += other.pollErrors;
      other.errors.forEach((k, v) -> errors.merge(k, v, Long::sum));
    }

    long errorCount() {
      return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    double millis(double percentile) {
      return latencyMicros.getTotalCount() == 0 ? Double.NaN : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }
  }

  /** One window's row: the client's view and the server's process figures at its end. */
  record Row(int index, double seconds, Window window, ServerSample server, CpuUsage.Usage cpu) { }

  /** The server process at one moment. */
  record ServerSample(double rssMiB, double peakRssMiB, double heapUsedMiB, int threads, int fds) { }

  // ---- the lanes: producer and pollers -----------------------------------------------------------

  /** One client event loop with its HTTP client, producing its share of the rate and polling its shards. */
  private final class Lane {
    final Context context;
    final Api api;
    final List<Buffer> bodies;
    final double callsPerSecond;
    Window window = new Window();
    long startNanos;
    long issued;
    int inFlight;
    boolean stopped;

    Lane(Context context, Api api, List<Buffer> bodies, double callsPerSecond) {
      this.context = context;
      this.api = api;
      this.bodies = bodies;
      this.callsPerSecond = callsPerSecond;
    }

    void start(List<String> shardIds) {
      context.runOnContext(v -> {
        startNanos = System.nanoTime();
        context.owner().setPeriodic(1, t -> {
          if (stopped) {
            context.owner().cancelTimer(t);
          } else {
            produce();
          }
        });
        for (String shardId : shardIds) poll(shardId, null);
      });
    }

    /** Sends every call whose scheduled moment has come; calls over the in-flight cap are counted as skipped. */
    private void produce() {
      long now = System.nanoTime();
      long due = (long) ((now - startNanos) * callsPerSecond / 1e9);
      while (issued < due) {
        long scheduled = startNanos + (long) (issued * 1e9 / callsPerSecond);
        Buffer body = bodies.get((int) (issued % bodies.size()));
        issued++;
        if (inFlight >= maxInFlight) {
          window.skipped++;
          continue;
        }
        inFlight++;
        api.call(Op.PutRecords, body).onComplete(result -> {
          inFlight--;
          long latencyMicros = Math.max(1, (System.nanoTime() - scheduled) / 1000);
          Window w = window;
          if (result.failed()) {
            w.errors.merge("transport: " + result.cause().getClass().getSimpleName(), 1L, Long::sum);
          } else if (!result.result().ok()) {
            w.errors.merge("PutRecords " + result.result().error(), 1L, Long::sum);
          } else {
            int failed = KinesisWire.failedRecordCount(result.result().body());
            w.calls++;
            w.records += recordsPerCall - Math.max(0, failed);
            w.throttledRecords += Math.max(0, failed);
            w.latencyMicros.recordValue(Math.min(w.latencyMicros.getHighestTrackableValue(), latencyMicros));
          }
        });
      }
    }

    /** GetRecords on one shard every pollMillis, from LATEST; a failure starts over with a new iterator. */
    private void poll(String shardId, String iterator) {
      if (stopped) return;
      Future<String> next = iterator != null
          ? api.call(Op.GetRecords, KinesisWire.getRecords(iterator, 10_000)).map(reply -> {
              if (!reply.ok()) throw new IllegalStateException(reply.error());
              KinesisWire.Page page = KinesisWire.page(reply.body());
              window.consumed += page.records();
              return page.nextIterator();
            })
          : api.call(Op.GetShardIterator, KinesisWire.getShardIterator(stream, shardId, "LATEST")).map(reply -> {
              if (!reply.ok()) throw new IllegalStateException(reply.error());
              return KinesisWire.stringMember(reply.body(), "ShardIterator");
            });
      next.onComplete(result -> {
        if (result.succeeded()) {
          context.owner().setTimer(pollMillis, t -> poll(shardId, result.result()));
        } else {
          window.pollErrors++;
          context.owner().setTimer(1000, t -> poll(shardId, null));
        }
      });
    }

    /** Hands over this window's counts and starts the next; runs on the lane's context. */
    Window swap() {
      Window done = window;
      window = new Window();
      return done;
    }
  }

  // ---- the run -----------------------------------------------------------------------------------

  private int run() throws Exception {
    Path out = Path.of(option("out", "loadtest/results/soak.md"));
    int laneCount = 2;
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(laneCount));
    HttpClient management = HttpClient.newHttpClient();
    CpuUsage cpu = new CpuUsage(serverPid);
    try {
      List<Context> contexts = LoadRunner.eventLoopContexts(vertx, laneCount);
      SplittableRandom random = new SplittableRandom(20261122L);
      List<Buffer> bodies = new ArrayList<>();
      for (int i = 0; i < 64; i++) bodies.add(KinesisWire.putRecords(stream, recordsPerCall, recordBytes, random));
      double callsPerSecond = rate / recordsPerCall;
      List<Lane> lanes = new ArrayList<>();
      for (Context context : contexts) {
        HttpClientOptions clientOptions = new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
            .setConnectTimeout(5000).setIdleTimeout(0);
        PoolOptions pool = new PoolOptions().setHttp1MaxSize(maxInFlight / laneCount + shards);
        lanes.add(new Lane(context, new Api(vertx.createHttpClient(clientOptions, pool), host, port), bodies,
            callsPerSecond / laneCount));
      }
      Lane first = lanes.get(0);
      LoadRunner.createStreamAndWait(first.context, first.api, stream, shards);
      log("stream %s (%d shards); %,.0f records/s = %,.1f PutRecords calls/s of %d x %d B for %d s, windows of %d s,"
              + " abusive clients %s", stream, shards, rate, callsPerSecond, recordsPerCall, recordBytes,
          durationMillis / 1000, windowMillis / 1000, abuse ? "on" : "off");

      AbusiveClients abusers = null;
      if (abuse) {
        abusers = new AbusiveClients(host, port, () -> trimHorizonGetRecordsJson(first), durationMillis);
      }
      for (int l = 0; l < lanes.size(); l++) {
        List<String> shardIds = new ArrayList<>();
        for (int s = l; s < shards; s += lanes.size()) shardIds.add(String.format("shardId-%012d", s));
        lanes.get(l).start(shardIds);
      }
      if (abusers != null) abusers.start();

      List<Row> rows = new ArrayList<>();
      long start = System.nanoTime();
      int windows = (int) Math.max(1, durationMillis / windowMillis);
      CpuUsage.Snapshot cpuFrom = cpu.take();
      for (int w = 1; w <= windows; w++) {
        long windowEnd = start + TimeUnit.MILLISECONDS.toNanos(windowMillis * w);
        sleepUntil(windowEnd);
        Window total = new Window();
        for (Lane lane : lanes) total.add(onContext(lane.context, lane::swap));
        CpuUsage.Snapshot cpuTo = cpu.take();
        ServerSample sample = sample(management);
        Row row = new Row(w, windowMillis / 1000.0, total, sample, CpuUsage.between(cpuFrom, cpuTo));
        cpuFrom = cpuTo;
        rows.add(row);
        log("window %d/%d: %,.0f records/s put, %,.0f consumed, p50 %.1f ms, p99 %.1f ms, max %.1f ms, errors %d,"
                + " throttled %d, skipped %d; server RSS %.1f MiB, heap %.1f MiB, %d threads, %d fds", w, windows,
            total.records / row.seconds, total.consumed / row.seconds, total.millis(50), total.millis(99),
            total.millis(100), total.errorCount(), total.throttledRecords, total.skipped, sample.rssMiB(),
            sample.heapUsedMiB(), sample.threads(), sample.fds());
      }
      for (Lane lane : lanes) runOn(lane.context, () -> lane.stopped = true);
      if (abusers != null) abusers.join();
      Verdict verdict = verdict(rows);
      String report = report(rows, abusers, verdict);
      if (out.getParent() != null) Files.createDirectories(out.getParent());
      Files.writeString(out, report, StandardCharsets.UTF_8);
      log("%s; results written to %s", verdict.summary(), out.toAbsolutePath());
      return verdict.flat() ? 0 : 3;
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** A JSON GetRecords body from a TRIM_HORIZON iterator of shard 0: as large an answer as the stream gives. */
  private String trimHorizonGetRecordsJson(Lane lane) {
    Reply reply = LoadRunner.onContextAsync(lane.context,
        () -> lane.api.call(Op.GetShardIterator, KinesisWire.getShardIterator(stream, "shardId-000000000000", "TRIM_HORIZON"))).join();
    return "{\"ShardIterator\":\"" + KinesisWire.stringMember(reply.body(), "ShardIterator") + "\",\"Limit\":10000}";
  }

  // ---- the server's process --------------------------------------------------------------------

  private ServerSample sample(HttpClient management) {
    double rss = -1;
    double peak = -1;
    int threads = -1;
    int fds = -1;
    if (serverPid > 0) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/" + serverPid + "/status"))) {
          if (line.startsWith("VmRSS:")) rss = kib(line) / 1024.0;
          if (line.startsWith("VmHWM:")) peak = kib(line) / 1024.0;
          if (line.startsWith("Threads:")) threads = (int) kib(line);
        }
        try (var entries = Files.list(Path.of("/proc/" + serverPid + "/fd"))) {
          fds = (int) entries.count();
        }
      } catch (IOException | RuntimeException e) {
        // the server is gone: the row says so with negative figures
      }
    }
    return new ServerSample(rss, peak, heapUsedMiB(management), threads, fds);
  }

  private static long kib(String statusLine) {
    return Long.parseLong(statusLine.replaceAll("[^0-9]", ""));
  }

  /** The sum of jvm_memory_used_bytes{area="heap"} on the server's /metrics. */
  private double heapUsedMiB(HttpClient management) {
    try {
      HttpResponse<String> metrics = management.send(HttpRequest.newBuilder(
          URI.create("http://" + host + ":" + managementPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      double bytes = 0;
      for (String line : metrics.body().split("\n")) {
        if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
          bytes += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return bytes / (1024 * 1024);
    } catch (IOException | RuntimeException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  // ---- verdict and report ----------------------------------------------------------------------

  /**
   * Flat means: the server's RSS at the end is within 10 % of where it stood after the second window (the
   * first is warm-up: JIT, heap growing to its working size), and the p99 of the last three windows is
   * within 1.5 x (or 5 ms of) the p99 of windows 2 to 4.
   */
  record Verdict(double rssEarly, double rssLate, double p99Early, double p99Late, boolean rssFlat, boolean p99Flat) {
    boolean flat() {
      return rssFlat && p99Flat;
    }

    String summary() {
      return String.format(Locale.ROOT, "RSS %.1f -> %.1f MiB (%s), p99 %.1f -> %.1f ms (%s)", rssEarly, rssLate,
          rssFlat ? "flat" : "grew", p99Early, p99Late, p99Flat ? "flat" : "grew");
    }
  }

  private static Verdict verdict(List<Row> rows) {
    Row early = rows.get(Math.min(1, rows.size() - 1));
    Row last = rows.get(rows.size() - 1);
    double p99Early = p99(rows.subList(Math.min(1, rows.size() - 1), Math.min(4, rows.size())));
    double p99Late = p99(rows.subList(Math.max(0, rows.size() - 3), rows.size()));
    boolean rssFlat = last.server().rssMiB() <= early.server().rssMiB() * 1.10;
    boolean p99Flat = p99Late <= Math.max(p99Early * 1.5, p99Early + 5);
    return new Verdict(early.server().rssMiB(), last.server().rssMiB(), p99Early, p99Late, rssFlat, p99Flat);
  }

  private static double p99(List<Row> rows) {
    Window merged = new Window();
    for (Row row : rows) merged.add(row.window());
    return merged.millis(99);
  }

  private String report(List<Row> rows, AbusiveClients abusers, Verdict verdict) {
    StringBuilder md = new StringBuilder();
    md.append("# Tributary soak run\n\n")
        .append("Generated by `loadtest/soak.sh` (client: `io.tributary.bench.SoakBenchmark` with ")
        .append("`io.tributary.bench.AbusiveClients`; server: `target/tributary.jar` in its own JVM). Client and server share the machine.\n\n")
        .append("Reproduce: `").append(option("command", "loadtest/soak.sh")).append("`\n\n## Machine\n\n| fact | value |\n| --- | --- |\n");
    BenchSupport.machineRows(md);
    BenchSupport.row(md, "server", option("server-info", "?"));
    md.append("\n## Load\n\n| parameter | value |\n| --- | --- |\n");
    BenchSupport.row(md, "capacity measured first", option("capacity", "?") + " records/s (PutRecords, closed loop, see soak.sh)");
    BenchSupport.row(md, "rate", String.format(Locale.ROOT, "%,.0f records/s (%s of capacity) = %,.1f PutRecords calls/s of %d x %d B,"
        + " scheduled evenly (open model), at most %d in flight", rate, option("capacity-share", "?"), rate / recordsPerCall,
        recordsPerCall, recordBytes, maxInFlight));
    BenchSupport.row(md, "stream", shards + " shards, one GetRecords poller per shard every " + pollMillis + " ms from LATEST");
    BenchSupport.row(md, "duration", durationMillis / 1000 + " s in windows of " + windowMillis / 1000 + " s");
    BenchSupport.row(md, "latency", "from the call's scheduled moment to its answer (client queueing included)");
    md.append("\n## Per window\n\n")
        .append("| window | records/s put | records/s consumed | p50 ms | p99 ms | max ms | errors | throttled records | skipped calls | poll errors | server RSS MiB | heap used MiB | threads | fds | busy cores: server / client / other |\n")
        .append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
    for (Row row : rows) {
      Window w = row.window();
      md.append(String.format(Locale.ROOT, "| %d | %,.0f | %,.0f | %.1f | %.1f | %.1f | %d | %d | %d | %d | %.1f | %.1f | %d | %d | %s / %s / %s |%n",
          row.index(), w.records / row.seconds(), w.consumed / row.seconds(), w.millis(50), w.millis(99), w.millis(100),
          w.errorCount(), w.throttledRecords, w.skipped, w.pollErrors, row.server().rssMiB(), row.server().heapUsedMiB(),
          row.server().threads(), row.server().fds(), BenchSupport.cores(row.cpu().server()),
          BenchSupport.cores(row.cpu().client()), BenchSupport.cores(row.cpu().other())));
    }
    Window all = new Window();
    for (Row row : rows) all.add(row.window());
    if (!all.errors.isEmpty()) md.append("\nErrors: ").append(all.errors).append('\n');
    md.append(String.format(Locale.ROOT, "%nServer peak RSS (VmHWM) at the end: %.1f MiB.%n",
        rows.get(rows.size() - 1).server().peakRssMiB()));
    md.append("\n## Verdict\n\n").append(verdict.summary()).append(": ")
        .append(verdict.flat() ? "**flat**" : "**not flat**")
        .append(". RSS is compared between the end of window 2 and the end of the run (limit +10 %); p99 between ")
        .append("windows 2-4 and the last three (limit 1.5 x or +5 ms).\n");
    if (abusers != null) {
      md.append("\n## Abusive clients\n\n| kind | what it does | attempts | closed by the server | mean / max held s | answers |\n")
          .append("| --- | --- | ---: | ---: | --- | --- |\n");
      abusers.tallies().forEach((kind, tally) -> {
        long attempts = tally.attempts.sum();
        md.append(String.format(Locale.ROOT, "| %s | %s | %,d | %,d | %.1f / %.1f | %s |%n", kind, kind.description,
            attempts, tally.closedByServer.sum(), attempts == 0 ? 0 : tally.heldMillis.sum() / 1000.0 / attempts,
            tally.maxHeldMillis.get() / 1000.0, tally.answerCounts()));
      });
    }
    return md.toString();
  }

  // ---- plumbing ----------------------------------------------------------------------------------

  private static <T> T onContext(Context context, java.util.function.Supplier<T> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> result.complete(task.get()));
    return result.join();
  }

  private static void runOn(Context context, Runnable task) {
    onContext(context, () -> {
      task.run();
      return null;
    });
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left;
    while ((left = nanoTime - System.nanoTime()) > 0) TimeUnit.NANOSECONDS.sleep(left);
  }

  private static void log(String format, Object... args) {
    System.out.println("[soak " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "] " + String.format(Locale.ROOT, format, args));
  }
}
