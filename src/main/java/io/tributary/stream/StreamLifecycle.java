package io.tributary.stream;

import io.tributary.shard.ShardAddress;
import io.tributary.shard.ShardClient;
import io.tributary.shard.ShardRequest;
import io.tributary.shard.ShardStorage;
import io.tributary.shard.ShardVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import io.tributary.api.KinesisException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, deletes and restores streams: records each change in the registry and saves the catalog,
 * deploys or undeploys one {@link ShardVerticle} per shard, and moves a stream through CREATING → ACTIVE
 * and DELETING → gone after the configured delays. A change is acknowledged only once the catalog holds it.
 */
public final class StreamLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(StreamLifecycle.class);
  private static final char[] UID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private final Vertx vertx;
  private final StreamRegistry registry;
  private final StreamCatalog catalog;
  private final ShardStorage storage;
  private final ShardClient shards;
  private final Clock clock;
  private final long createDelayMillis;
  private final long deleteDelayMillis;
  private final long updateDelayMillis;
  private final SecureRandom random = new SecureRandom();
  /** Deployment id of each shard verticle, by shard address. */
  private final Map<String, String> deploymentIds = new ConcurrentHashMap<>();

  public StreamLifecycle(Vertx vertx, StreamRegistry registry, StreamCatalog catalog, ShardStorage storage,
      ShardClient shards, Clock clock, long createDelayMillis, long deleteDelayMillis, long updateDelayMillis) {
    this.vertx = vertx;
    this.registry = registry;
    this.catalog = catalog;
    this.storage = storage;
    this.shards = shards;
    this.clock = clock;
    this.createDelayMillis = createDelayMillis;
    this.deleteDelayMillis = deleteDelayMillis;
    this.updateDelayMillis = updateDelayMillis;
  }

  public Clock clock() { return clock; }

  /**
   * Applies a change to a stream that takes effect at once (tags, policies, monitoring, limits) and saves
   * it; fails with ResourceNotFoundException if the stream was deleted or replaced meanwhile.
   */
  public Future<StreamDescriptor> update(StreamDescriptor stream, UnaryOperator<StreamDescriptor.Builder> change) {
    StreamDescriptor updated = registry.update(stream.key(), stream.uid(), s -> change.apply(s.toBuilder()).build());
    if (updated == null) return Future.failedFuture(KinesisException.streamNotFound(stream.name(), stream.key().account()));
    return catalog.save().map(updated);
  }

  /**
   * Carries out a split, merge or scaling: the stream is UPDATING until, after the update delay, the new
   * shards are up, the closing shards have stopped taking appends (every append they took is durable),
   * and the registry switches routing to the new shards in one step. With no delay the future waits for
   * ACTIVE; otherwise it completes once UPDATING is saved.
   */
  public Future<Void> reshard(StreamDescriptor stream, Resharding.Plan plan, boolean countsAsScaling) {
    Future<StreamDescriptor> updating = update(stream, b -> b.status(StreamStatus.UPDATING));
    Future<Void> done = updating
        .compose(v -> after(updateDelayMillis))
        .compose(v -> deployShards(stream, plan.created()))
        .compose(v -> closeShards(stream, plan.closing()))
        .compose(v -> {
          long now = clock.millis();
          StreamDescriptor updated = registry.update(stream.key(), stream.uid(), s -> {
            List<ShardDescriptor> shards = new ArrayList<>();
            for (ShardDescriptor shard : s.shards()) {
              shards.add(plan.closing().contains(shard.shardId())
                  ? shard.closed(Resharding.endingSequenceNumber(shard, now), now) : shard);
            }
            shards.addAll(plan.created());
            shards.sort(java.util.Comparator.comparingInt(ShardDescriptor::index));
            List<Long> scalings = new ArrayList<>(s.scalingTimes());
            if (countsAsScaling) scalings.add(now);
            return s.toBuilder().shards(shards).scalingTimes(scalings).status(StreamStatus.ACTIVE).build();
          });
          return updated == null ? Future.succeededFuture() : catalog.save();
        });
    done.onFailure(failure -> LOG.error("resharding of {} failed", stream.key(), failure));
    return updateDelayMillis <= 0 ? done : updating.mapEmpty();
  }

  private Future<Void> closeShards(StreamDescriptor stream, List<String> shardIds) {
    List<Future<ShardRequest.Closed>> closed = new ArrayList<>();
    for (String shardId : shardIds) closed.add(shards.close(stream, stream.shard(shardId)));
    return Future.all(closed).mapEmpty();
  }

  /**
   * Drops closed shards whose every record is past retention, as AWS stops listing them, and removes their
   * logs; runs periodically.
   */
  public Future<Void> expireClosedShards() {
    long now = clock.millis();
    List<Future<Void>> expired = new ArrayList<>();
    for (StreamDescriptor stream : registry.all()) {
      long retention = stream.retentionHours() * 3_600_000L;
      List<ShardDescriptor> gone = stream.shards().stream()
          .filter(shard -> !shard.isOpen() && shard.closedMillis() + retention < now)
          .toList();
      if (gone.isEmpty() || !stream.acceptsData()) continue;
      StreamDescriptor updated = registry.update(stream.key(), stream.uid(), s -> s.toBuilder()
          .shards(s.shards().stream().filter(shard -> !gone.contains(shard)).toList()).build());
      if (updated == null) continue;
      expired.add(catalog.save().compose(v -> {
        List<Future<Void>> removed = new ArrayList<>();
        for (ShardDescriptor shard : gone) {
          String id = deploymentIds.remove(ShardAddress.of(stream.uid(), shard.shardId()));
          removed.add((id == null ? Future.<Void>succeededFuture() : vertx.undeploy(id))
              .compose(u -> storage.deleteShard(stream.uid(), shard.shardId())));
        }
        return Future.join(removed).mapEmpty();
      }));
    }
    return Future.join(expired).mapEmpty();
  }

  /** Sets a stream's retention and tells each of its shard logs, so reads and deletion follow it. */
  public Future<StreamDescriptor> changeRetention(StreamDescriptor stream, int retentionHours) {
    return update(stream, b -> b.retentionHours(retentionHours)).compose(updated -> {
      List<Future<Void>> told = new ArrayList<>();
      for (ShardDescriptor shard : updated.shards()) {
        told.add(shards.setRetention(updated, shard, retentionHours * 3_600_000L));
      }
      return Future.all(told).map(updated);
    });
  }

  /**
   * Applies a change that AWS carries out asynchronously (encryption, stream mode): the stream is UPDATING
   * with the change made, and ACTIVE again after the update delay. With no delay the future waits for
   * ACTIVE; otherwise it completes once UPDATING is saved.
   */
  public Future<StreamDescriptor> updateThroughUpdating(StreamDescriptor stream,
      UnaryOperator<StreamDescriptor.Builder> change) {
    Future<StreamDescriptor> updating = update(stream, b -> change.apply(b).status(StreamStatus.UPDATING));
    Future<StreamDescriptor> active = updating
        .compose(updated -> after(updateDelayMillis))
        .compose(v -> activate(stream))
        .map(v -> registry.find(stream.key()));
    return updateDelayMillis <= 0 ? active : updating;
  }

  /**
   * Registers a new stream as CREATING and deploys its shards; it turns ACTIVE once they are up and the
   * create delay has passed. With no delay the returned future waits for ACTIVE, so the caller sees the
   * stream usable at once; otherwise it completes once the new stream is saved.
   */
  public Future<Void> create(StreamKey key, StreamMode mode, int shardCount, int retentionHours, int maxRecordSizeKiB,
      Integer warmThroughputMiBps, Map<String, String> tags, RecordDistributionStrategy recordDistributionStrategy) {
    long now = clock.millis();
    List<HashKeyRange> ranges = HashKeyRange.split(shardCount);
    List<ShardDescriptor> shards = new ArrayList<>(shardCount);
    for (int i = 0; i < shardCount; i++) shards.add(ShardDescriptor.open(i, ranges.get(i), null, null, now));
    StreamDescriptor stream = StreamDescriptor.builder(key, newUid())
        .mode(mode)
        .createdMillis(now)
        .retentionHours(retentionHours)
        .maxRecordSizeKiB(maxRecordSizeKiB)
        .warmThroughputMiBps(warmThroughputMiBps)
        .shards(shards)
        .tags(tags)
        .recordDistributionStrategy(recordDistributionStrategy)
        .build();
    registry.add(stream);
    Future<Void> saved = catalog.save();
    Future<Void> active = saved
        .compose(v -> deployShards(stream))
        .compose(v -> after(createDelayMillis))
        .compose(v -> activate(stream));
    active.onFailure(failure -> LOG.error("stream {} did not become ACTIVE", key, failure));
    return createDelayMillis <= 0 ? active : saved;
  }

  /**
   * Marks the stream DELETING, and its consumers with it; after the delay its shards stop, its data is
   * removed and it is gone.
   */
  public Future<Void> delete(StreamDescriptor stream) {
    registry.update(stream.key(), stream.uid(), s -> s.toBuilder()
        .status(StreamStatus.DELETING)
        .consumers(s.consumers().stream().map(c -> c.withStatus(ConsumerStatus.DELETING)).toList())
        .build());
    Future<Void> saved = catalog.save();
    Future<Void> gone = saved.compose(v -> after(deleteDelayMillis)).compose(v -> finishDeleting(stream));
    gone.onFailure(failure -> LOG.error("stream {} was not fully deleted", stream.key(), failure));
    return deleteDelayMillis <= 0 ? gone : saved;
  }

  /** Brings back the streams kept from an earlier run: shards deployed, unfinished changes finished. */
  public Future<Void> restore(List<StreamDescriptor> kept) {
    registry.restore(kept);
    List<Future<Void>> restored = new ArrayList<>();
    for (StreamDescriptor stream : kept) {
      restored.add(stream.status() == StreamStatus.DELETING
          ? finishDeleting(stream)
          : deployShards(stream).compose(v -> activate(stream)));
    }
    return Future.all(restored).mapEmpty();
  }

  private Future<Void> deployShards(StreamDescriptor stream) {
    return deployShards(stream, stream.shards());
  }

  private Future<Void> deployShards(StreamDescriptor stream, List<ShardDescriptor> toDeploy) {
    List<Future<String>> deployed = new ArrayList<>();
    for (ShardDescriptor shard : toDeploy) {
      String address = ShardAddress.of(stream.uid(), shard.shardId());
      deployed.add(vertx.deployVerticle(new ShardVerticle(address, () -> storage.open(stream, shard), clock, !shard.isOpen()))
          .onSuccess(id -> deploymentIds.put(address, id)));
    }
    return Future.all(deployed).compose(all -> {
      StreamDescriptor current = registry.find(stream.key());
      if (current == null || !current.uid().equals(stream.uid())) {
        return undeployShards(stream.uid());  // deleted while its shards were starting
      }
      return Future.succeededFuture();
    });
  }

  /** Ends CREATING or UPDATING; a stream that turns ACTIVE has reached its warm throughput target. */
  private Future<Void> activate(StreamDescriptor stream) {
    StreamDescriptor updated = registry.update(stream.key(), stream.uid(),
        s -> s.status() == StreamStatus.CREATING || s.status() == StreamStatus.UPDATING
            ? s.toBuilder().status(StreamStatus.ACTIVE).warmThroughputCurrentMiBps(s.warmThroughputMiBps()).build()
            : s);
    return updated == null ? Future.succeededFuture() : catalog.save();
  }

  private Future<Void> finishDeleting(StreamDescriptor stream) {
    return undeployShards(stream.uid())
        .compose(v -> storage.deleteStream(stream.uid()))
        .compose(v -> {
          registry.remove(stream.key(), stream.uid());
          return catalog.save();
        });
  }

  private Future<Void> undeployShards(String uid) {
    String prefix = ShardAddress.of(uid, "");
    List<Future<Void>> undeployed = new ArrayList<>();
    for (String address : List.copyOf(deploymentIds.keySet())) {
      if (!address.startsWith(prefix)) continue;
      String id = deploymentIds.remove(address);
      if (id != null) undeployed.add(vertx.undeploy(id));
    }
    return Future.join(undeployed).mapEmpty();
  }

  private Future<Void> after(long delayMillis) {
    return delayMillis <= 0 ? Future.succeededFuture() : vertx.timer(delayMillis).mapEmpty();
  }

  private String newUid() {
    char[] uid = new char[20];
    for (int i = 0; i < uid.length; i++) uid[i] = UID_CHARS[random.nextInt(UID_CHARS.length)];
    return new String(uid);
  }
}
