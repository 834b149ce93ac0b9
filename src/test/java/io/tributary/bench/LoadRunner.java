package io.tributary.bench;

import io.tributary.bench.KinesisWire.Api;
import io.tributary.bench.KinesisWire.Op;
import io.tributary.bench.KinesisWire.Reply;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * Closed-loop load: a fixed number of calls in flight, each issuing its next call as soon as the last one
 * answers. Calls are spread over lanes; a lane is one Vert.x event-loop context with its own HTTP client,
 * and everything it records stays on that thread until the run ends, so nothing is shared or locked.
 */
final class LoadRunner {

  /** One event-loop context, its HTTP client, and what it measured. */
  static final class Lane {
    final Context context;
    final Api api;
    Stats stats = new Stats();

    Lane(Context context, Api api) {
      this.context = context;
      this.api = api;
    }
  }

  /** The outcome of one call as the workload judges it: records it carried, or an error description. */
  record Outcome(long records, String error) {
    static Outcome ok(long records) {
      return new Outcome(records, null);
    }

    static Outcome failed(String error) {
      return new Outcome(0, error);
    }
  }

  /** Issues one call of a workload from a lane's context. */
  interface Workload {
    Future<Outcome> call(Lane lane, long sequence);
  }

  /** Counts and latencies (microseconds) of one phase. */
  static final class Stats {
    final Histogram latencyMicros = new Histogram(TimeUnit.MINUTES.toMicros(2), 3);
    long calls;
    long records;
    long errors;
    final Map<String, Long> errorTypes = new TreeMap<>();

    void ok(long nanos, long recordCount) {
      calls++;
      records += recordCount;
      latencyMicros.recordValue(Math.min(latencyMicros.getHighestTrackableValue(), Math.max(1, nanos / 1000)));
    }

    void error(String type) {
      errors++;
      errorTypes.merge(type, 1L, Long::sum);
    }

    void add(Stats other) {
      calls += other.calls;
      records += other.records;
      errors += other.errors;
      latencyMicros.add(other.latencyMicros);
      other.errorTypes.forEach((k, v) -> errorTypes.merge(k, v, Long::sum));
    }

    double percentileMillis(double percentile) {
      return latencyMicros.getTotalCount() == 0 ? Double.NaN
          : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }

    double maxMillis() {
      return latencyMicros.getTotalCount() == 0 ? Double.NaN : latencyMicros.getMaxValue() / 1000.0;
    }
  }

  /**
   * What a phase measured. calls/records/latencies count only calls that completed inside the measured
   * window; warm-up counts are kept apart; errors count over the whole phase, warm-up included.
   */
  record PhaseResult(Stats measured, long warmupCalls, long warmupRecords, long errors, Map<String, Long> errorTypes,
                     double seconds, CpuUsage.Usage cpu) {
    double callsPerSecond() {
      return measured.calls / seconds;
    }

    double recordsPerSecond() {
      return measured.records / seconds;
    }
  }

  private LoadRunner() { }

  /** Runs a workload for warm-up plus duration with {@code concurrency} calls in flight over all lanes. */
  static PhaseResult closedLoop(List<Lane> lanes, int concurrency, long warmupMillis, long durationMillis,
      CpuUsage cpu, Workload workload) {
    long start = System.nanoTime();
    long measureFrom = start + TimeUnit.MILLISECONDS.toNanos(warmupMillis);
    long measureTo = measureFrom + TimeUnit.MILLISECONDS.toNanos(durationMillis);
    List<CompletableFuture<Stats[]>> done = new ArrayList<>();
    for (int l = 0; l < lanes.size(); l++) {
      Lane lane = lanes.get(l);
      int share = concurrency / lanes.size() + (l < concurrency % lanes.size() ? 1 : 0);
      CompletableFuture<Stats[]> laneDone = new CompletableFuture<>();
      done.add(laneDone);
      lane.context.runOnContext(v -> new LaneLoop(lane, share, measureFrom, measureTo, workload, laneDone).start());
    }
    sleepUntil(measureFrom);
    CpuUsage.Snapshot cpuFrom = cpu.take();
    sleepUntil(measureTo);
    CpuUsage.Usage usage = CpuUsage.between(cpuFrom, cpu.take());
    Stats measured = new Stats();
    Stats all = new Stats();
    for (CompletableFuture<Stats[]> laneDone : done) {
      Stats[] stats = laneDone.join();
      measured.add(stats[0]);
      all.add(stats[1]);
    }
    return new PhaseResult(measured, all.calls - measured.calls, all.records - measured.records, all.errors,
        all.errorTypes, (measureTo - measureFrom) / 1e9, usage);
  }

  private static void sleepUntil(long nanoTime) {
    long left;
    while ((left = nanoTime - System.nanoTime()) > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** The workers of one lane. Runs only on the lane's context. */
  private static final class LaneLoop {
    private final Lane lane;
    private final int workers;
    private final long measureFrom;
    private final long measureTo;
    private final Workload workload;
    private final CompletableFuture<Stats[]> done;
    private final Stats measured = new Stats();
    private final Stats all = new Stats();
    private int running;
    private long sequence;

    LaneLoop(Lane lane, int workers, long measureFrom, long measureTo, Workload workload,
        CompletableFuture<Stats[]> done) {
      this.lane = lane;
      this.workers = workers;
      this.measureFrom = measureFrom;
      this.measureTo = measureTo;
      this.workload = workload;
      this.done = done;
    }

    void start() {
      running = workers;
      if (workers == 0) {
        done.complete(new Stats[] {measured, all});
        return;
      }
      for (int i = 0; i < workers; i++) next();
    }

    private void next() {
      long issued = System.nanoTime();
      if (issued >= measureTo) {
        if (--running == 0) done.complete(new Stats[] {measured, all});
        return;
      }
      Future<Outcome> call;
      try {
        call = workload.call(lane, sequence++);
      } catch (RuntimeException e) {
        call = Future.failedFuture(e);
      }
      call.onComplete(result -> {
        long answered = System.nanoTime();
        long latency = answered - issued;
        boolean inWindow = answered >= measureFrom && answered < measureTo;
        if (result.succeeded() && result.result().error() == null) {
          all.ok(latency, result.result().records());
          if (inWindow) measured.ok(latency, result.result().records());
          next();
        } else {
          String error = result.succeeded() ? result.result().error()
              : "transport: " + result.cause().getClass().getSimpleName() + ": " + result.cause().getMessage();
          all.error(error);
          // Do not spin on a failing server: back off a little before the next call.
          lane.context.owner().setTimer(5, t -> next());
        }
      });
    }
  }

  /** Runs a task on a context; the returned future completes with the task's future. */
  static <T> CompletableFuture<T> onContextAsync(Context context, Supplier<Future<T>> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> {
      Future<T> future;
      try {
        future = task.get();
      } catch (RuntimeException e) {
        future = Future.failedFuture(e);
      }
      future.onComplete(ar -> {
        if (ar.succeeded()) result.complete(ar.result()); else result.completeExceptionally(ar.cause());
      });
    });
    return result;
  }

  /** Runs a task on a lane's context and waits for the future it returns. */
  static <T> T onLane(Lane lane, Supplier<Future<T>> task) {
    return onContextAsync(lane.context, task).join();
  }

  /** One event-loop context per lane: those of a verticle that does nothing, deployed {@code count} times. */
  static List<Context> eventLoopContexts(Vertx vertx, int count) throws Exception {
    List<Context> contexts = Collections.synchronizedList(new ArrayList<>());
    vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        contexts.add(context);
        return Future.succeededFuture();
      }
    }, new DeploymentOptions().setInstances(count)).await(30, TimeUnit.SECONDS);
    return contexts;
  }

  /** CreateStream from a context, then DescribeStreamSummary until the stream is ACTIVE (30 s at most). */
  static void createStreamAndWait(Context context, Api api, String stream, int shards) throws InterruptedException {
    Reply created = onContextAsync(context, () -> api.call(Op.CreateStream, KinesisWire.createStream(stream, shards))).join();
    if (!created.ok()) throw new IllegalStateException("CreateStream " + stream + ": " + created.error());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      Reply described = onContextAsync(context,
          () -> api.call(Op.DescribeStreamSummary, KinesisWire.streamName(stream))).join();
      if (!described.ok()) throw new IllegalStateException("DescribeStreamSummary " + stream + ": " + described.error());
      if ("ACTIVE".equals(KinesisWire.streamStatus(described.body()))) return;
      if (System.nanoTime() > deadline) throw new IllegalStateException(stream + " did not become ACTIVE in 30 s");
      Thread.sleep(20);
    }
  }
}
