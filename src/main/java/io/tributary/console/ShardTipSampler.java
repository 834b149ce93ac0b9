package io.tributary.console;

import io.tributary.Services;
import io.tributary.bridge.BridgeVerticle;
import io.tributary.shard.ShardRecord;
import io.tributary.shard.ShardPage;
import io.tributary.shard.ShardRequest.Position;
import io.tributary.stream.ConsumerDescriptor;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link TrafficSource} built on what the server has without per-stream meters. Once a second it reads, for
 * every open shard of the streams the console looked at in the last {@link #WATCH_MILLIS}, what was
 * appended since its last look (at most {@link #SAMPLE_RECORDS} records and {@link #SAMPLE_BYTES} bytes, the
 * rest counted by offset and sized by the average of what was read): records and bytes over the time
 * between two looks is the shard's rate. Streams nobody looks at cost nothing.
 *
 * <p>Iterator ages come from the readers that have a position: each live SubscribeToShard subscription's
 * last MillisBehindLatest, and each stream-to-topic Kafka mirror's next offset per shard (the age of the
 * record there). GetRecords readers keep no position on the server and are not shown.
 *
 * <p>Runs on the context that created it; its state is touched there only.
 */
final class ShardTipSampler implements TrafficSource {
  static final long SAMPLE_MILLIS = 1000;
  static final long WATCH_MILLIS = 60_000;
  static final int SAMPLE_RECORDS = 100;
  static final long SAMPLE_BYTES = 16 * 1024;
  private static final long MIRROR_ASK_MILLIS = 5000;

  /** One shard's last look: the offset the next record gets, when it was read, and the rate found. */
  private record Look(long endOffset, long nanos, ShardRate rate) { }

  private final Services services;
  private final Map<String, Long> watchedUntil = new ConcurrentHashMap<>();
  private final Map<String, Look> looks = new ConcurrentHashMap<>();
  private boolean sampling;

  ShardTipSampler(Services services) {
    this.services = services;
    // A timer of the management verticle's context: it ends with the verticle.
    services.vertx().setPeriodic(SAMPLE_MILLIS, t -> sample());
  }

  /** The console shows this stream: keep its rates current for a while. */
  private void watch(StreamDescriptor stream) {
    watchedUntil.put(stream.uid(), System.currentTimeMillis() + WATCH_MILLIS);
  }

  @Override
  public ShardRate incoming(StreamDescriptor stream, String shardId) {
    watch(stream);
    Look look = looks.get(key(stream, shardId));
    return look == null || look.rate() == null ? ShardRate.NONE : look.rate();
  }

  private void sample() {
    if (sampling) return;  // the previous round is still reading
    long now = System.currentTimeMillis();
    watchedUntil.values().removeIf(until -> until < now);
    looks.keySet().removeIf(key -> !watchedUntil.containsKey(key.substring(0, key.indexOf('/'))));
    List<Future<?>> reads = new ArrayList<>();
    for (StreamDescriptor stream : services.registry().all()) {
      if (!watchedUntil.containsKey(stream.uid()) || !stream.acceptsData()) continue;
      for (ShardDescriptor shard : stream.openShards()) reads.add(sample(stream, shard));
    }
    if (reads.isEmpty()) return;
    sampling = true;
    Future.join(reads).onComplete(done -> sampling = false);
  }

  private Future<?> sample(StreamDescriptor stream, ShardDescriptor shard) {
    String key = key(stream, shard.shardId());
    Look last = looks.get(key);
    if (last == null) {
      return services.shards().locate(stream, shard, Position.LATEST, 0)
          .onSuccess(end -> looks.put(key, new Look(end, System.nanoTime(), null)));
    }
    return services.shards().read(stream, shard, last.endOffset(), SAMPLE_RECORDS, SAMPLE_BYTES).onSuccess(page -> {
      long nanos = System.nanoTime();
      double seconds = Math.max(1e-3, (nanos - last.nanos()) / 1e9);
      long appended = Math.max(0, page.endOffset() - last.endOffset());
      looks.put(key, new Look(page.endOffset(), nanos,
          new ShardRate(appended / seconds, estimatedBytes(page, appended) / seconds)));
    });
  }

  /** The bytes of the appended records: those read, and the rest at their average size. */
  private static double estimatedBytes(ShardPage page, long appended) {
    List<ShardRecord> records = page.records();
    if (records.isEmpty()) return 0;
    long read = 0;
    for (ShardRecord record : records) read += record.size();
    return read + (double) read / records.size() * Math.max(0, appended - records.size());
  }

  @Override
  public Future<List<ReaderAge>> iteratorAges(StreamDescriptor stream) {
    List<ReaderAge> ages = new ArrayList<>();
    for (ConsumerDescriptor consumer : stream.consumers()) {
      services.subscriptions().millisBehindLatest(consumer.arn()).forEach((shardId, behind) -> {
        if (behind >= 0) ages.add(new ReaderAge(consumer.name(), "enhanced fan-out", shardId, behind));
      });
    }
    return mirrorAges(stream).map(mirrors -> {
      ages.addAll(mirrors);
      return ages;
    });
  }

  /** The age of the record at each stream-to-topic mirror's next offset of each open shard. */
  private Future<List<ReaderAge>> mirrorAges(StreamDescriptor stream) {
    JsonObject ask = new JsonObject().put("action", "list");
    return services.vertx().eventBus().<JsonObject>request(BridgeVerticle.ADDRESS, ask,
            new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(MIRROR_ASK_MILLIS))
        .compose(reply -> {
          List<Future<ReaderAge>> ages = new ArrayList<>();
          JsonArray mirrors = reply.body().getJsonArray("mirrors", new JsonArray());
          for (int i = 0; i < mirrors.size(); i++) {
            JsonObject mirror = mirrors.getJsonObject(i);
            if (!"STREAM_TO_TOPIC".equals(mirror.getString("direction")) || !mirrorOf(mirror, stream)) continue;
            JsonObject positions = mirror.getJsonObject("positions", new JsonObject());
            for (ShardDescriptor shard : stream.shards()) {
              JsonObject position = positions.getJsonObject(shard.shardId());
              if (position == null || position.getBoolean("done", false)) continue;
              ages.add(ageAt(stream, shard, position.getLong("nextOffset", 0L))
                  .map(age -> new ReaderAge(mirror.getString("name"), "kafka mirror", shard.shardId(), age)));
            }
          }
          return Future.join(ages).map(all -> {
            List<ReaderAge> found = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) if (all.succeeded(i)) found.add(all.resultAt(i));
            return found;
          });
        })
        .otherwise(List.of());  // no bridge deployed, or it did not answer: no mirror to show
  }

  private static boolean mirrorOf(JsonObject mirror, StreamDescriptor stream) {
    return stream.key().account().equals(mirror.getString("account"))
        && stream.key().region().equals(mirror.getString("region"))
        && stream.name().equals(mirror.getString("stream"));
  }

  private Future<Long> ageAt(StreamDescriptor stream, ShardDescriptor shard, long offset) {
    return services.shards().read(stream, shard, offset, 1, SAMPLE_BYTES).map(page -> page.records().isEmpty()
        ? 0L : Math.max(0, services.clock().millis() - page.records().get(0).arrivalMillis()));
  }

  private static String key(StreamDescriptor stream, String shardId) {
    return stream.uid() + '/' + shardId;
  }
}
