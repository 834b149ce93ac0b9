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
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shards spread over the nodes of a cluster: each runs on the node {@link ShardOwners} names for it, in that
 * node's {@link LocalShardPlacement}, with its log on that node's disk. Any node may be asked to start, stop
 * or remove shards; it does its own part and asks the other nodes for theirs on the clustered event bus.
 *
 * <p>Placement requests are JSON on {@code tributary.placement.<node>}: {@code {"op": "start" | "stop" |
 * "remove" | "removeStream", "uid": <stream uid>, "shards": [shard ids]}}. A node asked to start shards finds
 * the stream in its own registry, waiting for the metadata change that named them to reach it.
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
  private final ShardOwners owners;
  private final LocalShardPlacement local;
  private final Function<String, StreamDescriptor> streamsByUid;
  private MessageConsumer<JsonObject> requests;

  /**
   * @param self this node's name, one of the owners' nodes
   * @param streamsByUid this node's view of the streams, by stream incarnation uid (null when unknown)
   */
  public ClusterShardPlacement(Vertx vertx, String self, ShardOwners owners, LocalShardPlacement local,
      Function<String, StreamDescriptor> streamsByUid) {
    if (!owners.nodes().contains(self)) {
      throw new IllegalArgumentException("this node, " + self + ", is not among the cluster's nodes " + owners.nodes());
    }
    this.vertx = vertx;
    this.self = self;
    this.owners = owners;
    this.local = local;
    this.streamsByUid = streamsByUid;
  }

  static String addressOf(String node) {
    return "tributary.placement." + node;
  }

  public ShardOwners owners() { return owners; }

  /** Whether this node owns the shard. */
  public boolean ownsHere(String streamUid, String shardId) {
    return self.equals(owners.ownerOf(ShardAddress.of(streamUid, shardId)));
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
    List<Future<Void>> started = new ArrayList<>();
    for (StreamDescriptor stream : streams) {
      if (stream.status() == StreamStatus.DELETING) continue;
      List<ShardDescriptor> mine = all(stream).filter(shard -> ownsHere(stream.uid(), shard.shardId())).toList();
      if (!mine.isEmpty()) started.add(local.start(stream, mine));
    }
    return Future.join(started).mapEmpty();
  }

  @Override
  public Future<Void> start(StreamDescriptor stream, List<ShardDescriptor> shards) {
    Map<String, List<ShardDescriptor>> byNode = new LinkedHashMap<>();
    for (ShardDescriptor shard : shards) {
      byNode.computeIfAbsent(owners.ownerOf(ShardAddress.of(stream.uid(), shard.shardId())), n -> new ArrayList<>())
          .add(shard);
    }
    List<Future<Void>> started = new ArrayList<>();
    byNode.forEach((node, owned) -> started.add(node.equals(self)
        ? local.start(stream, owned)
        : unlessDown(node, "start", stream.uid(), owned.stream().map(ShardDescriptor::shardId).toList())));
    return Future.join(started).mapEmpty();
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
    for (String node : owners.nodes()) {
      if (!node.equals(self)) done.add(unlessDown(node, op, streamUid, shardIds));
    }
    return Future.join(done).mapEmpty();
  }

  /** Asks a node to do its part; a node that is down does it when it starts (see above). */
  private Future<Void> unlessDown(String node, String op, String streamUid, List<String> shardIds) {
    return request(node, op, streamUid, shardIds).recover(failure -> {
      if (failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS) {
        LOG.info("node {} is down; it will {} its shards of stream {} when it starts", node, op, streamUid);
        return Future.succeededFuture();
      }
      return Future.failedFuture(failure);
    });
  }

  private Future<Void> request(String node, String op, String streamUid, List<String> shardIds) {
    JsonObject body = new JsonObject().put("op", op).put("uid", streamUid).put("shards", new JsonArray(shardIds));
    return vertx.eventBus().<Object>request(addressOf(node), body, REQUESTS).mapEmpty();
  }

  private void handle(Message<JsonObject> message) {
    JsonObject body = message.body();
    String uid = body.getString("uid");
    List<String> shardIds = body.getJsonArray("shards", new JsonArray()).stream().map(String.class::cast).toList();
    Future<Void> done = switch (body.getString("op", "")) {
      case "start" -> whenKnown(uid, shardIds, System.currentTimeMillis() + METADATA_WAIT_MILLIS)
          .compose(stream -> local.start(stream, named(stream, shardIds)));
      case "stop" -> local.stop(uid);
      case "remove" -> local.remove(uid, shardIds);
      case "removeStream" -> local.removeStream(uid);
      default -> Future.failedFuture("unknown placement request " + body.getString("op"));
    };
    done.onComplete(result -> {
      if (result.succeeded()) {
        message.reply(null);
      } else {
        message.fail(500, self + ": " + result.cause().getMessage());
      }
    });
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
