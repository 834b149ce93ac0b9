package io.tributary.cluster;

import io.tributary.cluster.metadata.OwnershipWriter;
import io.tributary.shard.ClusterShardPlacement;
import io.tributary.shard.ShardAddress;
import io.tributary.shard.ShardLogCopy;
import io.tributary.shard.ShardOwnership;
import io.tributary.shard.ShardOwnership.MovePhase;
import io.tributary.shard.ShardOwnership.ShardMove;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings to this node the shards the ownership moves to it, one at a time, each in the same steps, each
 * step recorded in the metadata before the next one starts so that a crash anywhere leaves a move that is
 * either finished or taken up again from its start:
 * <ol>
 *   <li>{@code COPY}: copy the shard's sealed segments from its owner, which still takes appends;</li>
 *   <li>record {@code HANDOVER}: the owner holds the shard's appends from when it sees this (and starts it
 *       holding them if it restarts), answering them as moving, which their callers' nodes send again;</li>
 *   <li>ask the owner to confirm the hold (every append it took is then acknowledged and in its log),
 *       copy the rest of the log, and install the copy as this node's log of the shard;</li>
 *   <li>record this node as the owner and drop the move, in one entry: from then on the shard runs here,
 *       the old owner stops it and deletes its log, and held appends reach the shard here.</li>
 * </ol>
 * Readers see no gap: until the switch every request goes to the old owner, whose log is complete, and
 * after it to this node, whose copy holds every record the old owner acknowledged.
 */
public final class ShardMover {
  private static final Logger LOG = LoggerFactory.getLogger(ShardMover.class);
  /** How long a move that failed waits before it is taken up again. */
  static final long RETRY_MILLIS = 1_000;
  /** How long this node keeps asking the owner to hold a shard it is handing over. */
  static final long HOLD_PATIENCE_MILLIS = 15_000;
  private static final long HOLD_RETRY_MILLIS = 100;

  private final Vertx vertx;
  private final String self;
  private final Supplier<ShardOwnership> ownership;
  private final OwnershipWriter writer;
  private final ShardLogCopy copy;
  private final ClusterShardPlacement placement;
  private boolean moving;

  public ShardMover(Vertx vertx, String self, Supplier<ShardOwnership> ownership, OwnershipWriter writer,
      ShardLogCopy copy, ClusterShardPlacement placement) {
    this.vertx = vertx;
    this.self = self;
    this.ownership = ownership;
    this.writer = writer;
    this.copy = copy;
    this.placement = placement;
  }

  /** Takes up the next move to this node, if none is under way; call on the node's context. */
  public void poke() {
    if (moving) return;
    Map.Entry<String, ShardMove> next = ownership.get().moves().entrySet().stream()
        .filter(entry -> entry.getValue().to().equals(self))
        .findFirst().orElse(null);
    if (next == null) return;
    moving = true;
    String address = next.getKey();
    ShardMove move = next.getValue();
    long started = System.nanoTime();
    run(address, move).onComplete(result -> {
      moving = false;
      if (result.succeeded()) {
        LOG.info("moved shard {} from {} to {} in {} ms", address, move.from(), self,
            (System.nanoTime() - started) / 1_000_000);
        poke();
      } else {
        LOG.warn("moving shard {} from {} failed, trying again: {}", address, move.from(), result.cause().getMessage());
        vertx.setTimer(RETRY_MILLIS, t -> poke());
      }
    });
  }

  private Future<Void> run(String address, ShardMove move) {
    String uid = ShardAddress.streamUid(address);
    String shardId = ShardAddress.shardId(address);
    ShardMove handover = move.withPhase(MovePhase.HANDOVER);
    // Sealed segments are copied in either phase: a move taken up again after a restart starts over.
    return copy.copySealed(move.from(), uid, shardId)
        .compose(v -> writer.update((catalog, owners) -> Objects.equals(owners.moves().get(address), move)
            ? owners.withMove(address, handover) : owners))
        .compose(owners -> {
          if (!handover.equals(owners.moves().get(address))) return abandoned(uid, shardId, "its move changed");
          return held(move.from(), uid, shardId, owners.version(), System.currentTimeMillis() + HOLD_PATIENCE_MILLIS)
              .compose(endOffset -> copy.copyRest(move.from(), uid, shardId))
              .compose(v -> copy.install(uid, shardId))
              .compose(v -> writer.update((catalog, current) -> handover.equals(current.moves().get(address))
                  ? current.moved(address, self) : current))
              .compose(current -> self.equals(current.ownerOf(address)) ? Future.<Void>succeededFuture()
                  : abandoned(uid, shardId, "its move changed during the handover"));
        });
  }

  /** Asks the owner to hold the shard until it does, or patience runs out. */
  private Future<Long> held(String owner, String uid, String shardId, long version, long deadlineMillis) {
    return placement.requestHold(owner, uid, shardId, version).recover(failure -> {
      if (System.currentTimeMillis() > deadlineMillis) return Future.failedFuture(failure);
      Promise<Long> later = Promise.promise();
      vertx.setTimer(HOLD_RETRY_MILLIS, t -> held(owner, uid, shardId, version, deadlineMillis).onComplete(later));
      return later.future();
    });
  }

  private Future<Void> abandoned(String uid, String shardId, String why) {
    LOG.info("shard {} of stream {} is not moving here any more ({}); dropping its copy", shardId, uid, why);
    return copy.discard(uid, shardId);
  }
}
