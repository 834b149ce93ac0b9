package io.tributary.trigger;

import io.tributary.DurableJsonFile;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a trigger stands in each shard, kept in {@code <data dir>/triggers/<UUID>.checkpoints.json}:
 * <pre>
 *   {"streamUid": "...", "shards": {"shardId-000000000000": {"done": false,
 *       "lanes": [{"next": 120, "windowStart": 1767225600000, "state": {...}}, ...]}}}
 * </pre>
 * one lane per parallel lane of the shard ({@code next}: the offset of the lane's next record to deliver;
 * {@code windowStart}, epoch ms, and {@code state}: the tumbling window open in the lane, if any);
 * {@code done}: every record of the closed shard delivered. A new position is written after every
 * successful batch, off the event loop; writes asked for while one is under way are folded into the
 * next, so a trigger has at most one write in flight and each caller learns when a write that covers
 * its change is durable. Without a data directory nothing is kept. Not thread-safe: the trigger's event
 * loop owns it.
 */
final class TriggerCheckpoints {
  /** One lane's position; {@code windowStartMillis} is -1 and {@code state} null with no open window. */
  record LanePosition(long next, long windowStartMillis, JsonObject state) {
    static LanePosition at(long next) { return new LanePosition(next, -1, null); }
  }

  /** One shard's lanes and whether it is finished. */
  record ShardPosition(LanePosition[] lanes, boolean done) { }

  private final DurableJsonFile file;
  private final WorkerExecutor workers;
  private String streamUid;
  private final Map<String, ShardPosition> shards = new LinkedHashMap<>();
  private Future<Void> writing;
  /** Completed by the write after the one under way, which callers that came during it wait for. */
  private Promise<Void> queued;

  private TriggerCheckpoints(DurableJsonFile file, WorkerExecutor workers) {
    this.file = file;
    this.workers = workers;
  }

  /** Reads a trigger's checkpoints (none when the file is missing); the read runs on the workers. */
  static Future<TriggerCheckpoints> load(Path directory, String uuid, WorkerExecutor workers) {
    DurableJsonFile file = directory == null ? null : new DurableJsonFile(directory.resolve(uuid + ".checkpoints.json"));
    TriggerCheckpoints checkpoints = new TriggerCheckpoints(file, workers);
    if (file == null) return Future.succeededFuture(checkpoints);
    return workers.executeBlocking(file::read, false).map(json -> {
      if (json != null) checkpoints.restore(json);
      return checkpoints;
    });
  }

  /** Removes a deleted trigger's file; blocking. */
  static void delete(Path directory, String uuid) {
    if (directory != null) new DurableJsonFile(directory.resolve(uuid + ".checkpoints.json")).delete();
  }

  private void restore(JsonObject json) {
    streamUid = json.getString("streamUid");
    JsonObject kept = json.getJsonObject("shards", new JsonObject());
    for (String shardId : kept.fieldNames()) {
      JsonObject shard = kept.getJsonObject(shardId);
      JsonArray lanes = shard.getJsonArray("lanes", new JsonArray());
      LanePosition[] positions = new LanePosition[lanes.size()];
      for (int i = 0; i < positions.length; i++) {
        JsonObject lane = lanes.getJsonObject(i);
        positions[i] = new LanePosition(lane.getLong("next"), lane.getLong("windowStart", -1L), lane.getJsonObject("state"));
      }
      shards.put(shardId, new ShardPosition(positions, shard.getBoolean("done", false)));
    }
  }

  String streamUid() { return streamUid; }

  /** Forgets every position: the stream was created again under the same name. */
  void reset(String uid) {
    streamUid = uid;
    shards.clear();
  }

  boolean isEmpty() { return shards.isEmpty(); }

  boolean knows(String shardId) { return shards.containsKey(shardId); }

  boolean done(String shardId) {
    ShardPosition shard = shards.get(shardId);
    return shard != null && shard.done();
  }

  /**
   * The shard's lanes for a parallelization factor: as kept when the factor is the same, otherwise every
   * lane at the lowest kept position without a window (records between are delivered again); null when
   * the shard is not known.
   */
  LanePosition[] lanes(String shardId, int factor) {
    ShardPosition shard = shards.get(shardId);
    if (shard == null) return null;
    if (shard.lanes().length == factor) return shard.lanes().clone();
    long lowest = Arrays.stream(shard.lanes()).mapToLong(LanePosition::next).min().orElse(0);
    LanePosition[] lanes = new LanePosition[factor];
    Arrays.fill(lanes, LanePosition.at(lowest));
    return lanes;
  }

  void start(String shardId, LanePosition[] lanes, boolean done) {
    shards.put(shardId, new ShardPosition(lanes.clone(), done));
  }

  void advance(String shardId, int lane, LanePosition position) {
    ShardPosition shard = shards.get(shardId);
    LanePosition[] lanes = shard.lanes().clone();
    lanes[lane] = position;
    shards.put(shardId, new ShardPosition(lanes, shard.done()));
  }

  void finish(String shardId) {
    ShardPosition shard = shards.get(shardId);
    shards.put(shardId, new ShardPosition(shard.lanes(), true));
  }

  /** The positions for the status answer. */
  JsonObject toJson() {
    JsonObject json = new JsonObject().put("streamUid", streamUid);
    JsonObject all = new JsonObject();
    shards.forEach((shardId, shard) -> {
      JsonArray lanes = new JsonArray();
      for (LanePosition lane : shard.lanes()) {
        JsonObject entry = new JsonObject().put("next", lane.next());
        if (lane.windowStartMillis() >= 0) entry.put("windowStart", lane.windowStartMillis()).put("state", lane.state());
        lanes.add(entry);
      }
      all.put(shardId, new JsonObject().put("done", shard.done()).put("lanes", lanes));
    });
    return json.put("shards", all);
  }

  /** Makes the current positions durable; completes once a write begun after this call has ended. */
  Future<Void> save() {
    if (file == null) return Future.succeededFuture();
    if (writing == null) return write();
    if (queued == null) queued = Promise.promise();
    return queued.future();
  }

  private Future<Void> write() {
    JsonObject snapshot = toJson();
    writing = workers.executeBlocking(() -> {
      file.write(snapshot);
      return null;
    }, false);
    return writing.andThen(done -> {
      writing = null;
      if (queued != null) {
        Promise<Void> next = queued;
        queued = null;
        write().onComplete(next);
      }
    });
  }
}
