package io.tributary.stream;

import io.tributary.log.InMemoryShardLog;
import io.tributary.shard.ShardAddress;
import io.tributary.shard.ShardVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Creates and deletes streams: records the change in the registry, deploys or undeploys one
 * {@link ShardVerticle} per shard, and moves the stream through CREATING → ACTIVE and DELETING → gone
 * after the configured delays.
 */
public final class StreamLifecycle {
  private static final char[] UID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private final Vertx vertx;
  private final StreamRegistry registry;
  private final Clock clock;
  private final long createDelayMillis;
  private final long deleteDelayMillis;
  private final SecureRandom random = new SecureRandom();
  /** Deployment ids of each stream's shard verticles, by stream uid. */
  private final Map<String, List<String>> deployments = new ConcurrentHashMap<>();

  public StreamLifecycle(Vertx vertx, StreamRegistry registry, Clock clock, long createDelayMillis,
      long deleteDelayMillis) {
    this.vertx = vertx;
    this.registry = registry;
    this.clock = clock;
    this.createDelayMillis = createDelayMillis;
    this.deleteDelayMillis = deleteDelayMillis;
  }

  /**
   * Registers a new stream as CREATING and deploys its shards; it turns ACTIVE once they are up and the
   * create delay has passed. With no delay the returned future waits for ACTIVE, so the caller sees the
   * stream usable at once; otherwise it completes as soon as the stream is registered.
   */
  public Future<Void> create(StreamKey key, StreamMode mode, int shardCount, int retentionHours, int maxRecordSizeKiB,
      Map<String, String> tags) {
    long now = clock.millis();
    List<HashKeyRange> ranges = HashKeyRange.split(shardCount);
    List<ShardDescriptor> shards = new ArrayList<>(shardCount);
    for (int i = 0; i < shardCount; i++) {
      shards.add(new ShardDescriptor(ShardDescriptor.idOf(i), i, ranges.get(i), null, null, now, null));
    }
    StreamDescriptor stream = new StreamDescriptor(key, newUid(), StreamStatus.CREATING, mode, now, retentionHours,
        maxRecordSizeKiB, shards, tags);
    registry.add(stream);

    List<Future<String>> deployed = new ArrayList<>();
    for (ShardDescriptor shard : shards) {
      String address = ShardAddress.of(stream.uid(), shard.shardId());
      deployed.add(vertx.deployVerticle(new ShardVerticle(address, new InMemoryShardLog(), clock)));
    }
    Future<Void> active = Future.all(deployed).compose(all -> {
      deployments.put(stream.uid(), all.list());
      if (registry.find(key) == null || !registry.find(key).uid().equals(stream.uid())) {
        undeployShards(stream.uid());  // deleted while its shards were starting
        return Future.succeededFuture();
      }
      return after(createDelayMillis, () -> registry.update(key, stream.uid(), s -> s.withStatus(StreamStatus.ACTIVE)));
    });
    return createDelayMillis <= 0 ? active : Future.succeededFuture();
  }

  /** Marks the stream DELETING; after the delay it is gone and its shards are undeployed. */
  public void delete(StreamDescriptor stream) {
    registry.update(stream.key(), stream.uid(), s -> s.withStatus(StreamStatus.DELETING));
    after(deleteDelayMillis, () -> {
      registry.remove(stream.key(), stream.uid());
      undeployShards(stream.uid());
    });
  }

  private void undeployShards(String uid) {
    List<String> ids = deployments.remove(uid);
    if (ids != null) ids.forEach(vertx::undeploy);
  }

  private Future<Void> after(long delayMillis, Runnable action) {
    if (delayMillis <= 0) {
      action.run();
      return Future.succeededFuture();
    }
    return vertx.timer(delayMillis).map(tick -> {
      action.run();
      return null;
    });
  }

  private String newUid() {
    char[] uid = new char[20];
    for (int i = 0; i < uid.length; i++) uid[i] = UID_CHARS[random.nextInt(UID_CHARS.length)];
    return new String(uid);
  }
}
