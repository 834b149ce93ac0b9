package io.tributary.shard;

import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Every shard on this node: a {@link ShardVerticle} per shard, its log in this node's {@link ShardStorage}. */
public final class LocalShardPlacement implements ShardPlacement {
  private final Vertx vertx;
  private final ShardStorage storage;
  private final Clock clock;
  /** Deployment ids of the running shard verticles, by shard address. */
  private final Map<String, String> deploymentIds = new ConcurrentHashMap<>();

  public LocalShardPlacement(Vertx vertx, ShardStorage storage, Clock clock) {
    this.vertx = vertx;
    this.storage = storage;
    this.clock = clock;
  }

  /** The addresses of the shards running on this node. */
  public java.util.Set<String> runningShards() {
    return java.util.Set.copyOf(deploymentIds.keySet());
  }

  @Override
  public Future<Void> start(StreamDescriptor stream, List<ShardDescriptor> shards) {
    List<Future<String>> deployed = new ArrayList<>();
    for (ShardDescriptor shard : shards) {
      String address = ShardAddress.of(stream.uid(), shard.shardId());
      if (deploymentIds.containsKey(address)) continue;
      deployed.add(vertx.deployVerticle(new ShardVerticle(address, () -> storage.open(stream, shard), clock, !shard.isOpen()))
          .onSuccess(id -> deploymentIds.put(address, id))
          .recover(failure -> Future.failedFuture(new IllegalStateException("shard " + shard.shardId() + " of "
              + stream.key() + " did not start: " + failure.getMessage(), failure))));
    }
    return Future.join(deployed).mapEmpty();
  }

  @Override
  public Future<Void> stop(String streamUid) {
    String prefix = ShardAddress.of(streamUid, "");
    List<Future<Void>> undeployed = new ArrayList<>();
    for (String address : List.copyOf(deploymentIds.keySet())) {
      if (!address.startsWith(prefix)) continue;
      String id = deploymentIds.remove(address);
      if (id != null) undeployed.add(vertx.undeploy(id));
    }
    return Future.join(undeployed).mapEmpty();
  }

  @Override
  public Future<Void> remove(String streamUid, List<String> shardIds) {
    List<Future<Void>> removed = new ArrayList<>();
    for (String shardId : shardIds) {
      String id = deploymentIds.remove(ShardAddress.of(streamUid, shardId));
      removed.add((id == null ? Future.<Void>succeededFuture() : vertx.undeploy(id))
          .compose(u -> storage.deleteShard(streamUid, shardId)));
    }
    return Future.join(removed).mapEmpty();
  }

  @Override
  public Future<Void> removeStream(String streamUid) {
    return stop(streamUid).compose(v -> storage.deleteStream(streamUid));
  }
}
