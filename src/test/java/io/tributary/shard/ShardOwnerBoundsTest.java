package io.tributary.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.shard.ShardRequest.Append;
import io.tributary.shard.ShardRequest.Claim;
import io.tributary.shard.ShardRequest.IncomingRecord;
import io.tributary.shard.ShardRequest.TakenOver;
import io.tributary.shard.ShardRequest.Unsubscribe;
import io.tributary.support.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a shard counts itself, so that it holds whichever nodes the requests come through: the appends and
 * reads it takes in flight, and the SubscribeToShard takeover rule.
 */
class ShardOwnerBoundsTest {
  /** A log whose appends wait until the test lets them finish. */
  private static final class HeldLog extends StubShardLog {
    final List<Promise<Long>> held = new ArrayList<>();

    @Override
    public Future<Long> append(List<Entry> entries) {
      Promise<Long> promise = Promise.promise();
      held.add(promise);
      return promise.future();
    }
  }

  private Vertx vertx;
  private final HeldLog log = new HeldLog();
  private final MutableClock clock = new MutableClock();

  @BeforeEach
  void deploy() throws Exception {
    vertx = Vertx.vertx();
    ShardClient.registerCodecs(vertx);
    vertx.deployVerticle(new ShardVerticle("bounded-shard", () -> Future.succeededFuture(log), clock, false, 3))
        .await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private Future<Message<Object>> append() {
    return vertx.eventBus().request("bounded-shard", new Append(List.of(new IncomingRecord("k", new byte[] {1})), null));
  }

  @Test
  void aShardRefusesAppendsBeyondItsQueueFromEveryCallerTogether() throws Exception {
    List<Future<Message<Object>>> taken = List.of(append(), append(), append());
    Future<Message<Object>> refused = append();
    Throwable cause = refused.otherwiseEmpty().transform(v -> Future.succeededFuture(refused.cause()))
        .await(10, TimeUnit.SECONDS);
    assertTrue(cause instanceof ReplyException reply && reply.failureCode() == ShardRequest.THROTTLED_FAILURE,
        "the fourth in flight is refused as throttled: " + cause);
    for (Future<Message<Object>> append : taken) assertFalse(append.isComplete(), "the three taken are still held");
    vertx.runOnContext(v -> log.held.get(0).complete(0L));
    taken.get(0).await(10, TimeUnit.SECONDS);
    CompletableFuture<Boolean> heldAgain = new CompletableFuture<>();
    Future<Message<Object>> next = append();
    vertx.setTimer(200, t -> heldAgain.complete(!next.isComplete()));
    assertTrue(heldAgain.get(10, TimeUnit.SECONDS), "one finished, one more is taken");
  }

  private boolean claim(String consumer, String address) throws Exception {
    Message<Object> answer = vertx.eventBus().<Object>request("bounded-shard", new Claim(consumer, address, 5000))
        .await(10, TimeUnit.SECONDS);
    return (Boolean) answer.body();
  }

  @Test
  void aSubscriptionTakesOverOnlyAfterTheWindowAndTheOneItReplacesIsTold() throws Exception {
    CompletableFuture<Object> toldFirst = new CompletableFuture<>();
    vertx.eventBus().consumer("subscription-1", message -> toldFirst.complete(message.body())).completion()
        .await(10, TimeUnit.SECONDS);
    assertTrue(claim("consumer-a", "subscription-1"));
    assertFalse(claim("consumer-a", "subscription-2"), "within 5 s of the last one");
    assertTrue(claim("consumer-b", "subscription-3"), "another consumer has a place of its own");
    clock.advance(java.time.Duration.ofMillis(5000));
    assertTrue(claim("consumer-a", "subscription-2"), "after 5 s it takes over");
    assertTrue(toldFirst.get(10, TimeUnit.SECONDS) instanceof TakenOver);

    vertx.eventBus().request("bounded-shard", new Unsubscribe("subscription-2")).await(10, TimeUnit.SECONDS);
    assertTrue(claim("consumer-a", "subscription-4"), "a subscription that ended holds no place");
    assertEquals(false, claim("consumer-a", "subscription-5"));
  }
}
