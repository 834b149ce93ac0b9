package io.tributary.bench;

import io.tributary.bench.KinesisWire.Op;
import io.tributary.bench.KinesisWire.Page;
import io.tributary.bench.KinesisWire.Reply;
import io.tributary.bench.LoadRunner.Lane;
import io.tributary.bench.LoadRunner.Stats;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The GetRecords drain of the benchmarks: every shard of a stream read from TRIM_HORIZON until caught up,
 * shards concurrently, each on a lane in turn. A GetRecords that fails is tried again after 50 ms, up to
 * four times in a row.
 */
final class ShardDrain {
  /** What a drain read, how long it took, and its calls. */
  static final class Result {
    final Stats stats = new Stats();
    long records;
    /** How many records the drain should have read, when the caller knows; -1 otherwise. */
    long expected = -1;
    double seconds;
    int shardCount;
    CpuUsage.Usage cpu = CpuUsage.Usage.UNKNOWN;
  }

  private final int limit;

  private ShardDrain(int limit) {
    this.limit = limit;
  }

  /** Drains the stream with GetRecords calls of this Limit, measuring the CPU it took. */
  static Result run(List<Lane> laneList, String stream, int limit, CpuUsage cpu) {
    return new ShardDrain(limit).drain(laneList, stream, cpu);
  }

  private Result drain(List<Lane> laneList, String stream, CpuUsage cpu) {
    Reply listed = LoadRunner.onLane(laneList.get(0), () -> laneList.get(0).api.call(Op.ListShards,
        KinesisWire.streamName(stream)));
    if (!listed.ok()) throw new IllegalStateException("ListShards " + stream + ": " + listed.error());
    List<String> shardIds = KinesisWire.shardIds(listed.body());
    for (Lane lane : laneList) lane.stats = new Stats();
    Result result = new Result();
    result.shardCount = shardIds.size();
    CpuUsage.Snapshot cpuFrom = cpu.take();
    long started = System.nanoTime();
    List<CompletableFuture<Long>> perShard = new ArrayList<>();
    for (int i = 0; i < shardIds.size(); i++) {
      Lane lane = laneList.get(i % laneList.size());
      String shardId = shardIds.get(i);
      perShard.add(LoadRunner.onContextAsync(lane.context, () -> drainShard(lane, stream, shardId)));
    }
    for (CompletableFuture<Long> shard : perShard) result.records += shard.join();
    result.seconds = (System.nanoTime() - started) / 1e9;
    result.cpu = CpuUsage.between(cpuFrom, cpu.take());
    for (Lane lane : laneList) result.stats.add(lane.stats);
    return result;
  }

  private Future<Long> drainShard(Lane lane, String stream, String shardId) {
    return lane.api.call(Op.GetShardIterator, KinesisWire.getShardIterator(stream, shardId)).compose(reply -> {
      if (!reply.ok()) {
        lane.stats.error("GetShardIterator " + reply.error());
        return Future.failedFuture("GetShardIterator " + shardId + ": " + reply.error());
      }
      Promise<Long> done = Promise.promise();
      readPage(lane, KinesisWire.stringMember(reply.body(), "ShardIterator"), 0, 0, done);
      return done.future();
    });
  }

  private void readPage(Lane lane, String iterator, long drained, int consecutiveErrors, Promise<Long> done) {
    long issued = System.nanoTime();
    lane.api.call(Op.GetRecords, KinesisWire.getRecords(iterator, limit)).onComplete(ar -> {
      long latency = System.nanoTime() - issued;
      String error = ar.failed() ? "GetRecords transport: " + ar.cause().getMessage()
          : !ar.result().ok() ? "GetRecords " + ar.result().error() : null;
      if (error != null) {
        lane.stats.error(error);
        if (consecutiveErrors >= 4) {
          done.fail(error);
        } else {
          lane.context.owner().setTimer(50, t -> readPage(lane, iterator, drained, consecutiveErrors + 1, done));
        }
        return;
      }
      Page page = KinesisWire.page(ar.result().body());
      lane.stats.ok(latency, page.records());
      long total = drained + page.records();
      boolean caughtUp = page.records() == 0 || page.nextIterator() == null
          || (page.millisBehind() == 0 && page.records() < limit);
      if (caughtUp) {
        done.complete(total);
      } else {
        readPage(lane, page.nextIterator(), total, 0, done);
      }
    });
  }
}
