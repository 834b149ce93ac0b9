package io.tributary.replication;

import io.tributary.shard.ShardAddress;
import io.tributary.shard.ShardLogCopy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Function;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a member of a shard group catches up when it lacks entries the leader no longer keeps: a node back with
 * an empty disk, or one added to the group after the others moved on. It installs the leader's latest snapshot
 * of the group, whose contents are the shard logs themselves ({@link ShardGroupStateMachine}): each shard's log
 * is copied from the leader's node as a shard's move copies it ({@link ShardLogCopy}), then the snapshot's
 * description (the ends, the entries applied lately, the sealed shards) is taken as this member's own.
 *
 * <p>Each node answers for the groups it is a member of on {@code tributary.shard-group-snapshots.<node>}:
 * <pre>
 *   {"group": "&lt;group id&gt;"}
 *     → {"term": t, "index": n, "ends": {address: end}, "applied": {...}, "sealed": [address, ...]}
 * </pre>
 * failing with {@value #NO_SNAPSHOT} when it has no snapshot of the group. A copied log may hold more than
 * the snapshot's end (the leader went on appending): the entries after the snapshot then skip what it holds
 * ({@link ShardReplica}).
 */
final class ReplicaCatchUp implements ShardGroupStateMachine.LeaderSnapshots {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaCatchUp.class);
  static final String ADDRESS_PREFIX = "tributary.shard-group-snapshots.";
  static final int NO_SNAPSHOT = 404;
  private static final long SEND_TIMEOUT_MILLIS = 30_000;

  private final Vertx vertx;
  private final ShardLogCopy copy;
  private MessageConsumer<JsonObject> consumer;

  ReplicaCatchUp(Vertx vertx, ShardLogCopy copy) {
    this.vertx = vertx;
    this.copy = copy;
  }

  static String address(String node) {
    return ADDRESS_PREFIX + node;
  }

  /**
   * Answers for this node's groups from now on; completes once the cluster can reach the address.
   *
   * @param machines the state machine of each group this node is a member of, by group id (null: none here)
   */
  Future<Void> serve(String self, Function<String, ShardGroupStateMachine> machines) {
    consumer = vertx.eventBus().consumer(address(self), message -> answer(message, machines));
    return consumer.completion();
  }

  Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  private void answer(Message<JsonObject> message, Function<String, ShardGroupStateMachine> machines) {
    String group = message.body() == null ? null : message.body().getString("group");
    ShardGroupStateMachine machine = group == null ? null : machines.apply(group);
    if (machine == null) {
      message.fail(NO_SNAPSHOT, "no shard group " + group + " here");
      return;
    }
    // The snapshot's description is a file: read off the event loop.
    vertx.executeBlocking(machine::latestSnapshot, false).onComplete(read -> {
      if (read.failed()) {
        LOG.warn("Could not read the latest snapshot of shard group {}", group, read.cause());
        message.fail(500, String.valueOf(read.cause()));
      } else if (read.result() == null) {
        message.fail(NO_SNAPSHOT, "no snapshot of shard group " + group + " yet");
      } else {
        message.reply(read.result());
      }
    });
  }

  @Override
  public Future<JsonObject> latest(RaftPeerId leader, RaftGroupId group) {
    return vertx.eventBus().<JsonObject>request(address(nodeOf(leader)), new JsonObject().put("group", group.toString()),
        new DeliveryOptions().setSendTimeout(SEND_TIMEOUT_MILLIS)).map(Message::body);
  }

  /**
   * Copies the shard's log from the leader's node into this node's copy of it, with the seal marker when the
   * snapshot has the shard sealed; both copy phases run while the leader goes on appending, since whatever
   * the copy holds past the snapshot is skipped when applied again.
   */
  @Override
  public Future<Void> copy(RaftPeerId leader, String shardAddress, boolean sealed) {
    String node = nodeOf(leader);
    String uid = ShardAddress.streamUid(shardAddress);
    String shardId = ShardAddress.shardId(shardAddress);
    Future<Void> copied = copy.copySealed(node, uid, shardId).compose(v -> copy.copyRest(node, uid, shardId));
    if (!sealed) return copied;
    Path marker = copy.incoming(uid, shardId).resolve(ShardReplica.SEALED_FILE);
    return copied.compose(v -> vertx.executeBlocking(() -> {
      if (!Files.exists(marker)) {
        try (FileChannel channel = FileChannel.open(marker, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
          channel.force(true);
        }
      }
      return null;
    }, false));
  }

  /** Installs the copy in place of the shard's log here, which must not be open (see {@link ShardLogCopy#install}). */
  @Override
  public Future<Void> install(String shardAddress) {
    return copy.install(ShardAddress.streamUid(shardAddress), ShardAddress.shardId(shardAddress));
  }

  private static String nodeOf(RaftPeerId peer) {
    return ShardGroupPlan.nodeOf(peer.toString());
  }
}
