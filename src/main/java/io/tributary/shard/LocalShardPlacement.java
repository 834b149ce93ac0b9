package io.tributary.shard;

import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/** Every shard on this node: a {@link ShardVerticle} per shard, its log in this node's {@link ShardStorage}. */
public final class LocalShardPlacement implements ShardPlacement {
  private final Vertx vertx;
  private final ShardStorage storage;
  private final Clock clock;
  private final int queueLimit;
  /**
   * The deployment of each shard verticle started here, by shard address, from the moment it is asked for:
   * a shard asked for twice at once (a start and a reconciliation) is deployed once, since two verticles on
   * one address would share its requests.
   */
  private final Map<String, Future<String>> deployments = new ConcurrentHashMap<>();
  /**
   * Shards and stream incarnations whose data was removed: never started again, whoever asks (shard ids
   * and stream uids are never reused, so these stay true).
   */
  private final Set<String> removed = ConcurrentHashMap.newKeySet();
  /** The verticle of each shard deployed here, by shard address: told to hold appends during a handover. */
  private final Map<String, ShardVerticle> verticles = new ConcurrentHashMap<>();
  /** Whether a shard starting here starts holding its appends: its handover was under way. */
  private final Predicate<String> heldAtStart;

  public LocalShardPlacement(Vertx vertx, ShardStorage storage, Clock clock) {
    this(vertx, storage, clock, Integer.MAX_VALUE);
  }

  /** @param queueLimit appends and reads each shard takes in flight at most, from every node together */
  public LocalShardPlacement(Vertx vertx, ShardStorage storage, Clock clock, int queueLimit) {
    this(vertx, storage, clock, queueLimit, address -> false);
  }

  /** @param heldAtStart whether a shard starts holding its appends, by address (a cluster's handovers) */
  public LocalShardPlacement(Vertx vertx, ShardStorage storage, Clock clock, int queueLimit,
      Predicate<String> heldAtStart) {
    this.heldAtStart = heldAtStart;
    this.queueLimit = queueLimit;
    this.vertx = vertx;
    this.storage = storage;
    this.clock = clock;
  }

  /** The addresses of the shards running on this node (started, or starting). */
  public Set<String> runningShards() {
    return Set.copyOf(deployments.keySet());
  }

  @Override
  public Future<Void> start(StreamDescriptor stream, List<ShardDescriptor> shards) {
    List<Future<String>> deployed = new ArrayList<>();
    for (ShardDescriptor shard : shards) {
      String address = ShardAddress.of(stream.uid(), shard.shardId());
      if (removed.contains(address) || removed.contains(stream.uid())) continue;
      deployed.add(deployments.computeIfAbsent(address, a -> deploy(stream, shard, a)));
    }
    return Future.join(deployed).mapEmpty();
  }

  private Future<String> deploy(StreamDescriptor stream, ShardDescriptor shard, String address) {
    ShardVerticle verticle = new ShardVerticle(address, () -> storage.open(stream, shard), clock, !shard.isOpen(),
        queueLimit).startHeld(heldAtStart.test(address));
    verticles.put(address, verticle);
    return vertx.deployVerticle(verticle)
        .recover(failure -> {
          verticles.remove(address, verticle);
          deployments.remove(address);  // tried again by the next start
          return Future.failedFuture(new IllegalStateException("shard " + shard.shardId() + " of " + stream.key()
              + " did not start: " + failure.getMessage(), failure));
        });
  }

  @Override
  public Future<Void> stop(String streamUid) {
    String prefix = ShardAddress.of(streamUid, "");
    List<Future<Void>> undeployed = new ArrayList<>();
    for (String address : List.copyOf(deployments.keySet())) {
      if (address.startsWith(prefix)) undeployed.add(undeploy(address));
    }
    return Future.join(undeployed).mapEmpty();
  }

  /**
   * Holds the appends of a shard running here, or takes them again; completes with its log's end offset
   * once every append it took before is acknowledged. Fails when the shard does not run here.
   */
  public Future<Long> hold(String address, boolean hold) {
    Future<String> deployment = deployments.get(address);
    if (deployment == null) return Future.failedFuture("shard " + address + " does not run here");
    return deployment.compose(started -> {
      ShardVerticle verticle = verticles.get(address);
      return verticle == null ? Future.failedFuture("shard " + address + " does not run here") : verticle.hold(hold);
    });
  }

  /**
   * Stops a shard that moved to another node and deletes its log here: its readers are told to follow it
   * there first. Unlike {@link #remove}, the shard may be started here again (it may move back).
   */
  public Future<Void> movedAway(String streamUid, String shardId) {
    String address = ShardAddress.of(streamUid, shardId);
    // Out of the maps at once, so that a reconciliation meanwhile does not stop it twice.
    Future<String> deployment = deployments.remove(address);
    ShardVerticle verticle = verticles.remove(address);
    if (deployment == null) return Future.succeededFuture();
    return deployment.transform(started -> started.failed() ? Future.<Void>succeededFuture()
            : verticle.movedAway().otherwiseEmpty().compose(v -> vertx.undeploy(started.result())))
        .compose(v -> storage.deleteShard(streamUid, shardId));
  }

  /** Stops the shard at the address once its start is over, if it started. */
  private Future<Void> undeploy(String address) {
    Future<String> deployment = deployments.remove(address);
    verticles.remove(address);
    if (deployment == null) return Future.succeededFuture();
    return deployment.transform(started -> started.succeeded() ? vertx.undeploy(started.result()) : Future.succeededFuture());
  }

  @Override
  public Future<Void> remove(String streamUid, List<String> shardIds) {
    List<Future<Void>> deleted = new ArrayList<>();
    for (String shardId : shardIds) {
      String address = ShardAddress.of(streamUid, shardId);
      removed.add(address);
      deleted.add(undeploy(address).compose(u -> storage.deleteShard(streamUid, shardId)));
    }
    return Future.join(deleted).mapEmpty();
  }

  @Override
  public Future<Void> removeStream(String streamUid) {
    removed.add(streamUid);
    return stop(streamUid).compose(v -> storage.deleteStream(streamUid));
  }
}
