package io.tributary.shard;

import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.tributary.stream.StreamStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shards spread over the nodes of a cluster: each runs on the node the {@link ShardOwnership} names for it,
 * in that node's {@link LocalShardPlacement}, with its log on that node's disk. Any node may be asked to
 * start, stop or remove shards; it does its own part and asks the other nodes for theirs on the clustered
 * event bus.
 *
 * <p>Placement requests are JSON on {@code tributary.placement.<node>}: {@code {"op": "start" | "stop" |
 * "remove" | "removeStream" | "hold", "uid": <stream uid>, "shards": [shard ids], "version": metadata
 * version}}. A node asked to start shards first applies the metadata up to the version the asking node
 * placed them at, then starts those it owns, finding the stream in its own registry. {@code hold} comes from
 * the node a shard is moving to: the owner holds the shard's appends once it sees the handover in the
 * metadata, and answers with the log's end offset when every append it took is acknowledged.
 *
 * <p>A node follows the ownership ({@link #reconcile}): it starts the shards it owns, holds those it is
 * handing over, and stops and deletes those that finished moving to another node (their readers told to
 * follow them there).
 *
 * <p>A node that is down (no placement consumer anywhere in the cluster) is left alone: every node starts the
 * shards it owns when it starts, from the metadata as it then is, so it starts the shards it was to start,
 * runs none it was to stop, and sets aside as unlisted the data of shards removed meanwhile. It listens for
 * placement requests before it loads the metadata, so none falls between the two.
 */
public final class ClusterShardPlacement implements ShardPlacement {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterShardPlacement.class);
  /** How long a node waits for its registry to show a stream it is asked to start shards of. */
  static final long METADATA_WAIT_MILLIS = 15_000;
  private static final long METADATA_POLL_MILLIS = 20;
  private static final DeliveryOptions REQUESTS = new DeliveryOptions().setSendTimeout(60_000);

  private final Vertx vertx;
  private final String self;
  private final Supplier<ShardOwnership> ownership;
  private final LocalShardPlacement local;
  private final Function<String, StreamDescriptor> streamsByUid;
  private final LongSupplier metadataVersion;
  /** In a replicated cluster, the nodes that keep each shard (each runs its verticle); null: each shard's owner. */
  private final ShardReplicaSets replicas;
  /** Shards running here whose appends this node holds for a handover. */
  private final Set<String> holding = ConcurrentHashMap.newKeySet();
  private MessageConsumer<JsonObject> requests;

  /**
   * @param self this node's name
   * @param ownership the shard ownership as this node has applied it, at its metadata version
   * @param streamsByUid this node's view of the streams, by stream incarnation uid (null when unknown)
   * @param metadataVersion the metadata version this node's registries are at (a change it made included)
   */
  public ClusterShardPlacement(Vertx vertx, String self, Supplier<ShardOwnership> ownership, LocalShardPlacement local,
      Function<String, StreamDescriptor> streamsByUid, LongSupplier metadataVersion) {
    this(vertx, self, ownership, local, streamsByUid, metadataVersion, null);
  }

  /** @param replicas in a replicated cluster, the nodes that keep each shard's log; null when shards have owners */
  public ClusterShardPlacement(Vertx vertx, String self, Supplier<ShardOwnership> ownership, LocalShardPlacement local,
      Function<String, StreamDescriptor> streamsByUid, LongSupplier metadataVersion, ShardReplicaSets replicas) {
    this.replicas = replicas;
    this.vertx = vertx;
    this.self = self;
    this.ownership = ownership;
    this.local = local;
    this.streamsByUid = streamsByUid;
    this.metadataVersion = metadataVersion;
  }

  static String addressOf(String node) {
    return "tributary.placement." + node;
  }

  /** Whether this node runs the shard: it owns it, or keeps one of its replicas. */
  private boolean ownsHere(ShardOwnership owners, String streamUid, String shardId) {
    return nodesOf(owners, ShardAddress.of(streamUid, shardId)).contains(self);
  }

  /** The nodes that run a shard: its replicas, or its owner (none while no node takes shards). */
  private List<String> nodesOf(ShardOwnership owners, String address) {
    if (replicas != null) return replicas.nodesOf(address);
    String owner = owners.ownerOf(address);
    return owner == null ? List.of() : List.of(owner);
  }

  /** Starts answering other nodes' placement requests; completes once the whole cluster can reach it. */
  public Future<Void> listen() {
    requests = vertx.eventBus().consumer(addressOf(self), this::handle);
    return requests.completion();
  }

  public Future<Void> close() {
    return requests == null ? Future.succeededFuture() : requests.unregister();
  }

  /**
   * Starts every shard the metadata gives this node that is not running: those of streams it learned of
   * while it was starting or while a request to start them could not reach it. Run at start and then
   * periodically; a stream being deleted is left to its deletion.
   */
  public Future<Void> reconcile(List<StreamDescriptor> streams) {
    ShardOwnership owners = ownership.get();
    List<Future<?>> done = new ArrayList<>();
    for (StreamDescriptor stream : streams) {
      if (stream.status() == StreamStatus.DELETING) continue;
      List<ShardDescriptor> mine = all(stream).filter(shard -> ownsHere(owners, stream.uid(), shard.shardId())).toList();
      if (!mine.isEmpty()) done.add(local.start(stream, mine));
    }
    if (replicas != null) {
      // A replicated shard stays on its replicas; a node that left the shard's group stops it and deletes its log.
      for (String address : local.runningShards()) {
        if (replicas.nodesOf(address).contains(self)) continue;
        LOG.info("this node keeps no replica of shard {} any more; stopping it here and deleting its log", address);
        done.add(local.movedAway(ShardAddress.streamUid(address), ShardAddress.shardId(address)));
      }
      return Future.join(done).mapEmpty();
    }
    for (String address : local.runningShards()) {
      String owner = owners.ownerOf(address);
      boolean held = self.equals(owner) && owners.held(address);
      if (held && holding.add(address)) {
        done.add(local.hold(address, true).onFailure(failure -> holding.remove(address)));
      } else if (!held && self.equals(owner) && holding.remove(address)) {
        done.add(local.hold(address, false));
      } else if (owner != null && !self.equals(owner) && owners.pinned().containsKey(address)) {
        // Moved: the new owner holds the copy the metadata says it finished.
        holding.remove(address);
        LOG.info("shard {} moved to {}; stopping it here and deleting its log", address, owner);
        done.add(local.movedAway(ShardAddress.streamUid(address), ShardAddress.shardId(address)));
      }
    }
    return Future.join(done).mapEmpty();
  }

  /**
   * Starts each shard on its owner, as the ownership is at the metadata version this node's registries are
   * at (so at least at the change that made the shards): this node may have kept a change before applying
   * the entries before it.
   */
  @Override
  public Future<Void> start(StreamDescriptor stream, List<ShardDescriptor> shards) {
    long version = metadataVersion.getAsLong();
    return applied(version, System.currentTimeMillis() + METADATA_WAIT_MILLIS).compose(owners -> {
      Map<String, List<ShardDescriptor>> byNode = new LinkedHashMap<>();
      for (ShardDescriptor shard : shards) {
        List<String> nodes = nodesOf(owners, ShardAddress.of(stream.uid(), shard.shardId()));
        if (nodes.isEmpty()) {
          LOG.warn("no node takes shards yet; shard {} of {} starts when one joins", shard.shardId(), stream.key());
        }
        for (String node : nodes) byNode.computeIfAbsent(node, n -> new ArrayList<>()).add(shard);
      }
      List<Future<Void>> started = new ArrayList<>();
      byNode.forEach((node, owned) -> started.add(node.equals(self)
          ? local.start(stream, owned)
          : unlessDown(node, "start", stream.uid(), owned.stream().map(ShardDescriptor::shardId).toList(), version)));
      return Future.join(started).mapEmpty();
    });
  }

  @Override
  public Future<Void> stop(String streamUid) {
    return everywhere("stop", streamUid, List.of(), () -> local.stop(streamUid));
  }

  @Override
  public Future<Void> remove(String streamUid, List<String> shardIds) {
    return everywhere("remove", streamUid, shardIds, () -> local.remove(streamUid, shardIds));
  }

  @Override
  public Future<Void> removeStream(String streamUid) {
    return everywhere("removeStream", streamUid, List.of(), () -> local.removeStream(streamUid));
  }

  /** Does it here and on every other node that is up. */
  private Future<Void> everywhere(String op, String streamUid, List<String> shardIds,
      Supplier<Future<Void>> here) {
    List<Future<Void>> done = new ArrayList<>();
    done.add(here.get());
    for (String node : replicas != null ? replicas.allNodes() : ownership.get().allNodes()) {
      if (!node.equals(self)) done.add(unlessDown(node, op, streamUid, shardIds, metadataVersion.getAsLong()));
    }
    return Future.join(done).mapEmpty();
  }

  /** Asks a node to do its part; a node that is down does it when it starts (see above). */
  private Future<Void> unlessDown(String node, String op, String streamUid, List<String> shardIds, long version) {
    return request(node, op, streamUid, shardIds, version).recover(failure -> {
      if (failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS) {
        LOG.info("node {} is down; it will {} its shards of stream {} when it starts", node, op, streamUid);
        return Future.succeededFuture();
      }
      return Future.failedFuture(failure);
    });
  }

  private Future<Void> request(String node, String op, String streamUid, List<String> shardIds, long version) {
    JsonObject body = new JsonObject().put("op", op).put("uid", streamUid).put("shards", new JsonArray(shardIds))
        .put("version", version);
    return vertx.eventBus().<Object>request(addressOf(node), body, REQUESTS).mapEmpty();
  }

  /**
   * Asks a shard's owner to hold its appends for the handover this node's metadata shows at {@code version};
   * completes with the shard's end offset once the owner holds them.
   */
  public Future<Long> requestHold(String owner, String streamUid, String shardId, long version) {
    JsonObject body = new JsonObject().put("op", "hold").put("uid", streamUid)
        .put("shards", new JsonArray().add(shardId)).put("version", version);
    return vertx.eventBus().<Long>request(addressOf(owner), body, REQUESTS).map(Message::body);
  }

  /** The ownership once this node has applied the metadata up to the version. */
  private Future<ShardOwnership> applied(long version, long deadlineMillis) {
    ShardOwnership owners = ownership.get();
    if (owners.version() >= version) return Future.succeededFuture(owners);
    if (System.currentTimeMillis() >= deadlineMillis) {
      return Future.failedFuture("metadata version " + version + " did not reach " + self + " in time");
    }
    Promise<ShardOwnership> reached = Promise.promise();
    vertx.setTimer(METADATA_POLL_MILLIS, t -> applied(version, deadlineMillis).onComplete(reached));
    return reached.future();
  }

  private void handle(Message<JsonObject> message) {
    JsonObject body = message.body();
    String uid = body.getString("uid");
    List<String> shardIds = body.getJsonArray("shards", new JsonArray()).stream().map(String.class::cast).toList();
    long deadline = System.currentTimeMillis() + METADATA_WAIT_MILLIS;
    Future<?> done = switch (body.getString("op", "")) {
      case "start" -> applied(body.getLong("version", 0L), deadline)
          .compose(owners -> whenKnown(uid, shardIds, deadline).compose(stream -> local.start(stream,
              named(stream, shardIds).stream().filter(shard -> ownsHere(owners, uid, shard.shardId())).toList())));
      case "hold" -> applied(body.getLong("version", 0L), deadline)
          .compose(owners -> hold(owners, uid, shardIds.get(0), deadline));
      case "stop" -> local.stop(uid);
      case "remove" -> local.remove(uid, shardIds);
      case "removeStream" -> local.removeStream(uid);
      default -> Future.failedFuture("unknown placement request " + body.getString("op"));
    };
    done.onComplete(result -> {
      if (result.succeeded()) {
        message.reply(result.result() instanceof Long offset ? offset : null);
      } else {
        message.fail(500, self + ": " + result.cause().getMessage());
      }
    });
  }

  /** Holds a shard this node owns and is handing over, starting it first if it does not run yet. */
  private Future<Long> hold(ShardOwnership owners, String uid, String shardId, long deadline) {
    String address = ShardAddress.of(uid, shardId);
    if (!ownsHere(owners, uid, shardId) || !owners.held(address)) {
      return Future.failedFuture("shard " + address + " is not being handed over by " + self);
    }
    holding.add(address);
    return whenKnown(uid, List.of(shardId), deadline)
        .compose(stream -> local.start(stream, named(stream, List.of(shardId))))
        .compose(v -> local.hold(address, true));
  }

  /**
   * The stream as this node's registry has it, once the metadata change that named these shards has been
   * applied here.
   */
  private Future<StreamDescriptor> whenKnown(String uid, List<String> shardIds, long deadlineMillis) {
    StreamDescriptor stream = streamsByUid.apply(uid);
    if (stream != null && named(stream, shardIds).size() == new HashSet<>(shardIds).size()) {
      return Future.succeededFuture(stream);
    }
    if (System.currentTimeMillis() >= deadlineMillis) {
      return Future.failedFuture("shards " + shardIds + " of stream incarnation " + uid + " are not known on " + self);
    }
    Promise<StreamDescriptor> known = Promise.promise();
    vertx.setTimer(METADATA_POLL_MILLIS, t -> whenKnown(uid, shardIds, deadlineMillis).onComplete(known));
    return known.future();
  }

  /** The stream's shards with these ids, among its shards and those of a reshard under way. */
  private static List<ShardDescriptor> named(StreamDescriptor stream, List<String> shardIds) {
    Set<String> wanted = new HashSet<>(shardIds);
    return all(stream).filter(shard -> wanted.contains(shard.shardId())).distinct().toList();
  }

  /** The stream's shards and those of a reshard under way. */
  private static Stream<ShardDescriptor> all(StreamDescriptor stream) {
    return stream.pendingReshard() == null ? stream.shards().stream()
        : Stream.concat(stream.shards().stream(), stream.pendingReshard().created().stream());
  }
}
