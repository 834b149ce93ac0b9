package io.tributary.stream;

import io.tributary.DomainException;
import io.tributary.shard.ShardClient;
import io.tributary.shard.ShardPlacement;
import io.tributary.shard.ShardRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Creates, deletes, reshards and restores streams. Every change follows one order: the intent is kept in
 * the catalog first ({@link MetadataWriter}: a new stream CREATING, a stream UPDATING with its reshard plan,
 * a stream DELETING), then it is carried out (shards started or closed by the {@link ShardPlacement}, data removed), then the
 * outcome is kept and published in one step (ACTIVE with the new shards routed to; gone). A caller is
 * answered once the intent is kept. The steps that carry a change out are retried until they succeed
 * ({@link RetriedSteps}), and on start {@link #restore} finishes whatever a stopped server left under way,
 * so no stream stays CREATING, UPDATING or DELETING for ever.
 */
public final class StreamLifecycle {
  private static final char[] UID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  /** How long before a CreateStream its shards are stamped created, as AWS's StartingSequenceNumbers show. */
  private static final long SHARD_STAMP_LEAD_MILLIS = 3000;

  private final Vertx vertx;
  private final StreamRegistry registry;
  private final MetadataWriter metadata;
  private final ShardPlacement placement;
  private final ShardClient shards;
  private final Clock clock;
  private final long createDelayMillis;
  private final long deleteDelayMillis;
  private final long updateDelayMillis;
  private final RetriedSteps steps;
  private final SecureRandom random = new SecureRandom();

  public StreamLifecycle(Vertx vertx, StreamRegistry registry, MetadataWriter metadata, ShardPlacement placement,
      ShardClient shards, Clock clock, long createDelayMillis, long deleteDelayMillis, long updateDelayMillis) {
    this.vertx = vertx;
    this.registry = registry;
    this.metadata = metadata;
    this.placement = placement;
    this.shards = shards;
    this.clock = clock;
    this.createDelayMillis = createDelayMillis;
    this.deleteDelayMillis = deleteDelayMillis;
    this.updateDelayMillis = updateDelayMillis;
    this.steps = new RetriedSteps(vertx);
  }

  public Clock clock() { return clock; }

  /**
   * Applies a change to a stream that takes effect at once (tags, policies, monitoring, limits) and keeps
   * it; fails with ResourceNotFoundException if the stream was deleted or replaced meanwhile.
   */
  public Future<StreamDescriptor> update(StreamDescriptor stream, UnaryOperator<StreamDescriptor.Builder> change) {
    return update(stream, change, current -> { });
  }

  /** As {@link #update}, after a check of the stream as it is when the change applies, which may refuse it. */
  private Future<StreamDescriptor> update(StreamDescriptor stream, UnaryOperator<StreamDescriptor.Builder> change,
      Consumer<StreamDescriptor> check) {
    return metadata.commit(() -> registry.update(stream.key(), stream.uid(), s -> {
          check.accept(s);
          return change.apply(s.toBuilder()).build();
        }))
        .compose(updated -> updated != null ? Future.succeededFuture(updated)
            : Future.failedFuture(DomainException.streamNotFound(stream.name(), stream.key().account())));
  }

  /**
   * Carries out a split, merge or scaling. First the plan is kept with the stream UPDATING (its new shard ids
   * taken for good); after the update delay the new shards are deployed, the closing shards stop taking
   * appends (every append they took is durable), and one last change makes the new shards routable, closes
   * the old ones and makes the stream ACTIVE. With no delay the future waits for that; otherwise it
   * completes once the plan is kept.
   */
  public Future<Void> reshard(StreamDescriptor stream, Resharding.Plan plan) {
    Future<StreamDescriptor> decided = update(stream, b -> b.status(StreamStatus.UPDATING).pendingReshard(plan),
        current -> {
          // Another reshard may have been decided since the caller looked.
          if (current.status() != StreamStatus.ACTIVE || current.pendingReshard() != null) {
            throw DomainException.inUse("Stream " + stream.name() + " under account "
                + stream.key().account() + " not ACTIVE, instead in state " + current.status());
          }
          int added = (int) plan.created().stream().filter(ShardDescriptor::isOpen).count() - plan.closing().size();
          if (added > 0) registry.checkShardLimit(stream.key(), added);
        });
    Future<Void> done = decided.compose(v -> after(updateDelayMillis)).compose(v -> finishReshard(stream.key(), stream.uid()));
    return updateDelayMillis <= 0 ? done : decided.mapEmpty();
  }

  private Future<Void> finishReshard(StreamKey key, String uid) {
    return steps.run("resharding of " + key, () -> {
      StreamDescriptor current = registry.find(key);
      if (current == null || !current.uid().equals(uid) || current.pendingReshard() == null
          || current.status() != StreamStatus.UPDATING) {
        return Future.succeededFuture();
      }
      Resharding.Plan plan = current.pendingReshard();
      return startShards(current, plan.created())
          .compose(v -> closeShards(current, plan.closing()))
          .compose(v -> metadata.commit(() -> registry.update(key, uid, s -> s.pendingReshard() == null ? s
              : applyReshard(s, clock.millis()))))
          .mapEmpty();
    });
  }

  /** The stream once its pending reshard is done: new shards listed and routed to, old ones closed. */
  private static StreamDescriptor applyReshard(StreamDescriptor stream, long now) {
    Resharding.Plan plan = stream.pendingReshard();
    // As AWS's: a parent's EndingSequenceNumber bears the second before its children were made.
    long endingArrival = plan.created().isEmpty() ? now : plan.created().get(0).createdMillis() - 1000;
    List<ShardDescriptor> shards = new ArrayList<>();
    for (ShardDescriptor shard : stream.shards()) {
      shards.add(plan.closing().contains(shard.shardId())
          ? shard.closed(Resharding.endingSequenceNumber(shard, endingArrival), now) : shard);
    }
    shards.addAll(plan.created());
    shards.sort(Comparator.comparingInt(ShardDescriptor::index));
    List<Long> scalings = new ArrayList<>(stream.scalingTimes());
    if (plan.scaling()) scalings.add(now);
    return stream.toBuilder().shards(shards).pendingReshard(null).scalingTimes(scalings).status(StreamStatus.ACTIVE)
        .build();
  }

  private Future<Void> closeShards(StreamDescriptor stream, List<String> shardIds) {
    List<Future<ShardRequest.Closed>> closed = new ArrayList<>();
    for (String shardId : shardIds) closed.add(shards.close(stream, stream.shard(shardId)));
    return Future.all(closed).mapEmpty();
  }

  /**
   * Drops closed shards whose every record is past retention, as AWS stops listing them, and removes their
   * logs; runs periodically. A log left behind by a crash is set aside at the next start.
   */
  public Future<Void> expireClosedShards() {
    long now = clock.millis();
    List<Future<Void>> expired = new ArrayList<>();
    for (StreamDescriptor stream : registry.all()) {
      long retention = stream.retentionHours() * 3_600_000L;
      List<ShardDescriptor> gone = stream.shards().stream()
          .filter(shard -> !shard.isOpen() && shard.closedMillis() + retention < now)
          .toList();
      if (gone.isEmpty() || stream.status() != StreamStatus.ACTIVE) continue;
      expired.add(metadata.commit(() -> registry.update(stream.key(), stream.uid(), s -> s.toBuilder()
          .shards(s.shards().stream().filter(shard -> !gone.contains(shard)).toList()).build()))
          .compose(updated -> {
            if (updated == null) return Future.succeededFuture();
            return placement.remove(stream.uid(), gone.stream().map(ShardDescriptor::shardId).toList());
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
   * ACTIVE; otherwise it completes once UPDATING is kept.
   */
  public Future<StreamDescriptor> updateThroughUpdating(StreamDescriptor stream,
      UnaryOperator<StreamDescriptor.Builder> change) {
    Future<StreamDescriptor> updating = update(stream, b -> change.apply(b).status(StreamStatus.UPDATING));
    Future<StreamDescriptor> active = updating
        .compose(updated -> after(updateDelayMillis))
        .compose(v -> steps.run("update of " + stream.key(), () -> activate(stream)))
        .map(v -> registry.find(stream.key()));
    return updateDelayMillis <= 0 ? active : updating;
  }

  /**
   * Registers a new stream as CREATING, then deploys its shards; it turns ACTIVE once they are up and the
   * create delay has passed. With no delay the returned future waits for ACTIVE, so the caller sees the
   * stream usable at once; otherwise it completes once the new stream is kept.
   */
  public Future<Void> create(StreamKey key, StreamMode mode, int shardCount, int retentionHours, int maxRecordSizeKiB,
      Integer warmThroughputMiBps, Map<String, String> tags, RecordDistributionStrategy recordDistributionStrategy) {
    // Checked again within the change; first here, before a count past the limit is laid out in memory.
    registry.checkAddable(key, mode, shardCount);
    long now = clock.millis();
    List<HashKeyRange> ranges = HashKeyRange.split(shardCount);
    List<ShardDescriptor> shards = new ArrayList<>(shardCount);
    // As AWS's: a new stream's shards are stamped created a few seconds before it was asked for.
    long shardsCreated = now - SHARD_STAMP_LEAD_MILLIS;
    for (int i = 0; i < shardCount; i++) shards.add(ShardDescriptor.open(i, ranges.get(i), null, null, shardsCreated));
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
    Future<Void> kept = metadata.commit(() -> {
      registry.add(stream);
      return null;
    });
    Future<Void> active = kept
        .compose(v -> startShards(stream).otherwiseEmpty())
        .compose(v -> after(createDelayMillis))
        .compose(v -> steps.run("creation of " + key, () -> startShards(stream).compose(d -> activate(stream))));
    return createDelayMillis <= 0 ? active : kept;
  }

  /**
   * Marks the stream DELETING, and its consumers with it; after the delay its shards stop, its data is
   * removed and it is gone.
   */
  public Future<Void> delete(StreamDescriptor stream) {
    Future<StreamDescriptor> kept = metadata.commit(() -> registry.update(stream.key(), stream.uid(), s -> s.toBuilder()
        .status(StreamStatus.DELETING)
        .deletedWhileCreating(s.deletedWhileCreating() || s.status() == StreamStatus.CREATING)
        .consumers(s.consumers().stream().map(c -> c.withStatus(ConsumerStatus.DELETING)).toList())
        .build()));
    Future<Void> gone = kept.compose(v -> after(deleteDelayMillis)).compose(v -> finishDeleting(stream));
    return deleteDelayMillis <= 0 ? gone : kept.mapEmpty();
  }

  /**
   * The shard directories the catalog lists for each stream incarnation (by uid): its shards, and the new
   * shards of a reshard under way. Anything else in the data directory is not adopted.
   */
  public static Map<String, Set<String>> listedShards(List<StreamDescriptor> streams) {
    Map<String, Set<String>> listed = new HashMap<>();
    for (StreamDescriptor stream : streams) {
      Set<String> ids = new HashSet<>();
      for (ShardDescriptor shard : stream.shards()) ids.add(shard.shardId());
      if (stream.pendingReshard() != null) {
        for (ShardDescriptor shard : stream.pendingReshard().created()) ids.add(shard.shardId());
      }
      listed.put(stream.uid(), ids);
    }
    return listed;
  }

  /**
   * Brings back the streams kept from an earlier run and finishes what was under way: a stream being
   * created turns ACTIVE, a reshard is carried out, a deletion completes. A shard whose log cannot be
   * opened stays offline (its calls fail) and is tried again; the rest of the server is served meanwhile.
   * Completes once the first attempt at each stream is over.
   */
  public Future<Void> restore(List<StreamDescriptor> kept, List<AccountSettings> accounts) {
    registry.restore(kept, accounts);
    List<Future<Void>> restored = new ArrayList<>();
    for (StreamDescriptor stream : kept) {
      if (stream.status() == StreamStatus.DELETING) {
        restored.add(finishDeleting(stream));
      } else if (stream.pendingReshard() != null) {
        restored.add(steps.run("restart of " + stream.key(), () -> startShards(stream))
            .compose(v -> finishReshard(stream.key(), stream.uid())));
      } else {
        restored.add(steps.run("restart of " + stream.key(), () -> startShards(stream).compose(v -> activate(stream))));
      }
    }
    return Future.all(restored).mapEmpty();
  }

  private Future<Void> startShards(StreamDescriptor stream) {
    return startShards(stream, stream.shards());
  }

  /** Starts those shards that are not running yet; a shard that fails to start does not stop the others. */
  private Future<Void> startShards(StreamDescriptor stream, List<ShardDescriptor> toDeploy) {
    return placement.start(stream, toDeploy).transform(all -> {
      StreamDescriptor current = registry.find(stream.key());
      if (current == null || !current.uid().equals(stream.uid())) {
        return placement.stop(stream.uid());  // deleted while its shards were starting
      }
      return all.succeeded() ? Future.succeededFuture() : Future.failedFuture(all.cause());
    });
  }

  /**
   * Ends CREATING or UPDATING; a stream that turns ACTIVE has reached its warm throughput target. A stream
   * with a reshard under way stays UPDATING: the reshard ends it.
   */
  private Future<Void> activate(StreamDescriptor stream) {
    StreamDescriptor current = registry.find(stream.key());
    if (current == null || !current.uid().equals(stream.uid()) || !activates(current)) return Future.succeededFuture();
    return metadata.commit(() -> registry.update(stream.key(), stream.uid(), s -> activates(s)
        ? s.toBuilder().status(StreamStatus.ACTIVE).warmThroughputCurrentMiBps(s.warmThroughputMiBps()).build()
        : s)).mapEmpty();
  }

  private static boolean activates(StreamDescriptor stream) {
    return (stream.status() == StreamStatus.CREATING || stream.status() == StreamStatus.UPDATING)
        && stream.pendingReshard() == null;
  }

  private Future<Void> finishDeleting(StreamDescriptor stream) {
    return steps.run("deletion of " + stream.key(), () -> placement.removeStream(stream.uid())
        .compose(v -> metadata.commit(() -> {
          registry.remove(stream.key(), stream.uid());
          return null;
        })));
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
