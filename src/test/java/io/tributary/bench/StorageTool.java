package io.tributary.bench;

import io.tributary.bench.KinesisWire.Api;
import io.tributary.bench.KinesisWire.Op;
import io.tributary.bench.KinesisWire.Page;
import io.tributary.bench.KinesisWire.Reply;
import io.tributary.bench.LoadRunner.Lane;
import io.tributary.bench.LoadRunner.Stats;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fixed-size load steps for {@code loadtest/storage-bench.sh}: where {@link ApiBenchmark} runs for a time,
 * these put or read a given number of records, so the script can measure the server between steps (its
 * memory after N records, its recovery after a fill of a given size).
 *
 * <pre>
 *   StorageTool create --stream S --shards N
 *   StorageTool put    --stream S --records N [--record-bytes 100] [--records-per-call 500] [--concurrency 32]
 *                      [--max-seconds 120] [--summary-out FILE]
 *   StorageTool drain  --stream S [--limit 10000] [--expect N] [--summary-out FILE]
 * </pre>
 *
 * Common options: --host (127.0.0.1), --port, --lanes (client event loops, 2).
 *
 * <p>{@code put} issues PutRecords calls of {@code records-per-call} records (pre-encoded CBOR bodies with
 * random 16-character partition keys, as {@link ApiBenchmark} sends them), {@code concurrency} in flight,
 * until {@code records} are acknowledged. When the server goes away (a transport error, e.g. after a
 * SIGKILL) it stops issuing calls, waits for those in flight and reports what was acknowledged, exiting 0:
 * that is how the recovery measurement kills the server mid-write. An HTTP error or failed record makes
 * the exit status 3.
 *
 * <p>{@code drain} reads every shard from TRIM_HORIZON with GetRecords until caught up, shards concurrently
 * over the lanes, and checks the count against {@code --expect}.
 *
 * <p>Summaries are {@code key=value} lines (to stdout and, with --summary-out, to a file) for the script to
 * pick up.
 */
public final class StorageTool {
  private final Map<String, String> options;
  private final String host;
  private final int port;
  private final int lanes;

  private StorageTool(Map<String, String> options) {
    this.options = options;
    host = option("host", "127.0.0.1");
    port = Integer.parseInt(option("port", "4567"));
    lanes = Integer.parseInt(option("lanes", "2"));
  }

  private String option(String name, String fallback) {
    return BenchSupport.option(options, name, fallback);
  }

  private String required(String name) {
    String value = options.get(name);
    if (value == null || value.isBlank()) throw new IllegalArgumentException("--" + name + " is required");
    return value.trim();
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 0) throw new IllegalArgumentException("usage: StorageTool create|put|drain --name value ...");
    String command = args[0];
    Map<String, String> options = BenchSupport.options(args, 1);
    BenchSupport.exitWith(() -> new StorageTool(options).run(command));
  }

  private int run(String command) throws Exception {
    int concurrency = Integer.parseInt(option("concurrency", "32"));
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(lanes));
    try {
      List<Lane> laneList = startLanes(vertx, concurrency);
      return switch (command) {
        case "create" -> create(laneList.get(0));
        case "put" -> put(laneList, concurrency);
        case "drain" -> drain(laneList);
        default -> throw new IllegalArgumentException("unknown command " + command);
      };
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private List<Lane> startLanes(Vertx vertx, int concurrency) throws Exception {
    List<Context> contexts = LoadRunner.eventLoopContexts(vertx, lanes);
    int perLane = (concurrency + lanes - 1) / lanes;
    List<Lane> result = new ArrayList<>();
    for (Context context : contexts) {
      HttpClientOptions clientOptions = new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
          .setConnectTimeout(5000).setIdleTimeout(0);
      PoolOptions pool = new PoolOptions().setHttp1MaxSize(perLane + 8);
      result.add(new Lane(context, new Api(vertx.createHttpClient(clientOptions, pool), host, port)));
    }
    return result;
  }

  // ---- create ------------------------------------------------------------------------------------

  private int create(Lane lane) throws InterruptedException {
    String stream = required("stream");
    int shards = Integer.parseInt(required("shards"));
    LoadRunner.createStreamAndWait(lane.context, lane.api, stream, shards);
    log("stream %s ACTIVE with %d shard(s)", stream, shards);
    return 0;
  }

  // ---- put ---------------------------------------------------------------------------------------

  private int put(List<Lane> laneList, int concurrency) throws Exception {
    String stream = required("stream");
    long records = Long.parseLong(required("records"));
    int recordBytes = Integer.parseInt(option("record-bytes", "100"));
    int perCall = Integer.parseInt(option("records-per-call", "500"));
    long maxNanos = TimeUnit.MILLISECONDS.toNanos((long) (Double.parseDouble(option("max-seconds", "120")) * 1000));
    SplittableRandom random = new SplittableRandom(20260102L);
    List<Buffer> bodies = new ArrayList<>();
    for (int i = 0; i < 64; i++) bodies.add(KinesisWire.putRecords(stream, perCall, recordBytes, random));
    long totalCalls = (records + perCall - 1) / perCall;
    log("put: %,d records (%,d calls of %d x %d B) to %s, %d in flight", totalCalls * perCall, totalCalls, perCall,
        recordBytes, stream, concurrency);

    AtomicLong issued = new AtomicLong();
    AtomicBoolean serverGone = new AtomicBoolean();
    long started = System.nanoTime();
    long deadline = started + maxNanos;
    List<CompletableFuture<Stats>> done = new ArrayList<>();
    for (int l = 0; l < laneList.size(); l++) {
      Lane lane = laneList.get(l);
      int share = concurrency / laneList.size() + (l < concurrency % laneList.size() ? 1 : 0);
      CompletableFuture<Stats> laneDone = new CompletableFuture<>();
      done.add(laneDone);
      lane.context.runOnContext(v -> new PutLoop(lane, share, totalCalls, perCall, bodies, issued, serverGone, deadline,
          laneDone).start());
    }
    Stats all = new Stats();
    for (CompletableFuture<Stats> laneDone : done) all.add(laneDone.join());
    double seconds = (System.nanoTime() - started) / 1e9;
    boolean timedOut = !serverGone.get() && all.calls + all.errors < totalCalls;
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("acked_records", all.records);
    summary.put("calls", all.calls);
    summary.put("seconds", fmt(seconds));
    summary.put("records_per_s", fmt(all.records / seconds));
    summary.put("p50_ms", fmt(all.percentileMillis(50)));
    summary.put("p99_ms", fmt(all.percentileMillis(99)));
    summary.put("max_ms", fmt(all.maxMillis()));
    summary.put("errors", all.errors);
    summary.put("server_gone", serverGone.get());
    summary.put("timed_out", timedOut);
    all.errorTypes.forEach((type, count) -> log("  error %s: %d", type, count));
    writeSummary(summary);
    long httpErrors = all.errorTypes.entrySet().stream().filter(e -> !e.getKey().startsWith("transport"))
        .mapToLong(Map.Entry::getValue).sum();
    return httpErrors > 0 || timedOut ? 3 : 0;
  }

  /** The PutRecords workers of one lane: runs only on the lane's context. */
  private static final class PutLoop {
    private final Lane lane;
    private final int workers;
    private final long totalCalls;
    private final int perCall;
    private final List<Buffer> bodies;
    private final AtomicLong issued;
    private final AtomicBoolean serverGone;
    private final long deadline;
    private final CompletableFuture<Stats> done;
    private final Stats stats = new Stats();
    private int running;

    PutLoop(Lane lane, int workers, long totalCalls, int perCall, List<Buffer> bodies, AtomicLong issued,
        AtomicBoolean serverGone, long deadline, CompletableFuture<Stats> done) {
      this.lane = lane;
      this.workers = workers;
      this.totalCalls = totalCalls;
      this.perCall = perCall;
      this.bodies = bodies;
      this.issued = issued;
      this.serverGone = serverGone;
      this.deadline = deadline;
      this.done = done;
    }

    void start() {
      running = workers;
      if (workers == 0) {
        done.complete(stats);
        return;
      }
      for (int i = 0; i < workers; i++) next();
    }

    private void next() {
      long sequence;
      if (serverGone.get() || System.nanoTime() > deadline || (sequence = issued.getAndIncrement()) >= totalCalls) {
        if (--running == 0) done.complete(stats);
        return;
      }
      long started = System.nanoTime();
      lane.api.call(Op.PutRecords, bodies.get((int) (sequence % bodies.size()))).onComplete(ar -> {
        long latency = System.nanoTime() - started;
        if (ar.failed()) {
          stats.error("transport: " + ar.cause().getClass().getSimpleName());
          serverGone.set(true);
          next();
          return;
        }
        Reply reply = ar.result();
        if (!reply.ok()) {
          stats.error("PutRecords " + reply.error());
        } else if (KinesisWire.failedRecordCount(reply.body()) != 0) {
          stats.error("PutRecords FailedRecordCount != 0");
        } else {
          stats.ok(latency, perCall);
        }
        next();
      });
    }
  }

  // ---- drain -------------------------------------------------------------------------------------

  private int drain(List<Lane> laneList) {
    String stream = required("stream");
    int limit = Integer.parseInt(option("limit", "10000"));
    long expect = Long.parseLong(option("expect", "-1"));
    Lane first = laneList.get(0);
    Reply listed = LoadRunner.onLane(first, () -> first.api.call(Op.ListShards, KinesisWire.streamName(stream)));
    if (!listed.ok()) throw new IllegalStateException("ListShards " + stream + ": " + listed.error());
    List<String> shardIds = KinesisWire.shardIds(listed.body());
    for (Lane lane : laneList) lane.stats = new Stats();
    long started = System.nanoTime();
    List<CompletableFuture<Long>> perShard = new ArrayList<>();
    for (int i = 0; i < shardIds.size(); i++) {
      Lane lane = laneList.get(i % laneList.size());
      String shardId = shardIds.get(i);
      perShard.add(LoadRunner.onContextAsync(lane.context, () -> drainShard(lane, stream, shardId, limit)));
    }
    long records = 0;
    for (CompletableFuture<Long> shard : perShard) records += shard.join();
    double seconds = (System.nanoTime() - started) / 1e9;
    Stats all = new Stats();
    for (Lane lane : laneList) all.add(lane.stats);
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("drained_records", records);
    summary.put("shards", shardIds.size());
    summary.put("calls", all.calls);
    summary.put("seconds", fmt(seconds));
    summary.put("records_per_s", fmt(records / seconds));
    summary.put("p50_ms", fmt(all.percentileMillis(50)));
    summary.put("p99_ms", fmt(all.percentileMillis(99)));
    summary.put("errors", all.errors);
    summary.put("complete", expect < 0 || records == expect);
    writeSummary(summary);
    return all.errors > 0 || (expect >= 0 && records != expect) ? 3 : 0;
  }

  private Future<Long> drainShard(Lane lane, String stream, String shardId, int limit) {
    return lane.api.call(Op.GetShardIterator, KinesisWire.getShardIterator(stream, shardId)).compose(reply -> {
      if (!reply.ok()) {
        lane.stats.error("GetShardIterator " + reply.error());
        return Future.failedFuture("GetShardIterator " + shardId + ": " + reply.error());
      }
      Promise<Long> done = Promise.promise();
      readPage(lane, KinesisWire.stringMember(reply.body(), "ShardIterator"), limit, 0, done);
      return done.future();
    });
  }

  private void readPage(Lane lane, String iterator, int limit, long drained, Promise<Long> done) {
    long issued = System.nanoTime();
    lane.api.call(Op.GetRecords, KinesisWire.getRecords(iterator, limit)).onComplete(ar -> {
      long latency = System.nanoTime() - issued;
      if (ar.failed() || !ar.result().ok()) {
        String error = ar.failed() ? "GetRecords transport: " + ar.cause().getMessage() : "GetRecords " + ar.result().error();
        lane.stats.error(error);
        done.fail(error);
        return;
      }
      Page page = KinesisWire.page(ar.result().body());
      lane.stats.ok(latency, page.records());
      long total = drained + page.records();
      if (page.records() == 0 || page.nextIterator() == null || (page.millisBehind() == 0 && page.records() < limit)) {
        done.complete(total);
      } else {
        readPage(lane, page.nextIterator(), limit, total, done);
      }
    });
  }

  // ---- output ------------------------------------------------------------------------------------

  private void writeSummary(Map<String, Object> summary) throws RuntimeException {
    StringBuilder text = new StringBuilder();
    summary.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    System.out.print(text);
    String out = options.get("summary-out");
    if (out != null) {
      try {
        Files.writeString(Path.of(out), text.toString(), StandardCharsets.UTF_8);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  private static String fmt(double value) {
    return Double.isNaN(value) ? "NaN" : String.format(Locale.ROOT, "%.2f", value);
  }

  private static void log(String format, Object... args) {
    System.out.println("[storage-tool " + LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + "] "
        + String.format(Locale.ROOT, format, args));
  }
}
