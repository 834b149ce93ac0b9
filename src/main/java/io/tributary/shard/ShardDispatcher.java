package io.tributary.shard;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * Where another node's requests to this node's shards arrive: {@code tributary.shards.<node>}, the shard's
 * address in the {@value #SHARD_HEADER} header. Each is handed to the shard's verticle here (a local
 * consumer), and its answer or failure code relayed back. A shard that does not run here is answered at once
 * with {@link ShardRequest#ABSENT_FAILURE}, so that the caller looks for it again.
 *
 * <p>Why not a clustered consumer per shard: a message the clustered event bus sends to a node whose consumer
 * has just gone (a shard that moved, a node's stale view of the registrations) is dropped there without an
 * answer, and its caller waits for the whole send timeout. A node's dispatcher is there as long as the node,
 * and it answers every request.
 */
public final class ShardDispatcher {
  /** The header that names the shard a request is for. */
  public static final String SHARD_HEADER = "shard";
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true).setSendTimeout(30_000);
  private final Vertx vertx;
  private final String node;
  private MessageConsumer<Object> consumer;

  public ShardDispatcher(Vertx vertx, String node) {
    this.vertx = vertx;
    this.node = node;
  }

  public static String addressOf(String node) {
    return "tributary.shards." + node;
  }

  /** Starts taking requests; completes once every node can reach this one. */
  public Future<Void> listen() {
    consumer = vertx.eventBus().consumer(addressOf(node), this::dispatch);
    return consumer.completion();
  }

  public Future<Void> close() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  private void dispatch(Message<Object> message) {
    String shard = message.headers().get(SHARD_HEADER);
    if (shard == null || !shard.startsWith(ShardAddress.PREFIX)) {
      message.fail(ShardRequest.ABSENT_FAILURE, "no shard named in the request");
      return;
    }
    if (message.replyAddress() == null) {
      vertx.eventBus().send(shard, message.body(), LOCAL);
      return;
    }
    vertx.eventBus().request(shard, message.body(), LOCAL).onComplete(answered -> {
      if (answered.succeeded()) {
        message.reply(answered.result().body());
      } else if (answered.cause() instanceof ReplyException failure && failure.failureType() == ReplyFailure.NO_HANDLERS) {
        message.fail(ShardRequest.ABSENT_FAILURE, shard + " does not run on " + node);
      } else if (answered.cause() instanceof ReplyException failure && failure.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        message.fail(failure.failureCode(), failure.getMessage());
      } else {
        message.fail(500, shard + " on " + node + ": " + answered.cause().getMessage());
      }
    });
  }
}
