package io.tributary.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An event loop kept busy past the threshold reads as overloaded, and no longer once it has caught up. */
class EventLoopLagTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void aBusyLoopIsOverloadedUntilItCatchesUp() throws Exception {
    Context context = vertx.getOrCreateContext();
    EventLoopLag lag = onContext(context, () -> EventLoopLag.ofCurrentLoop(100));
    Thread.sleep(200);
    assertFalse(onContext(context, lag::overloaded), "an idle loop is not overloaded");

    // Work that keeps the loop 150 ms behind, turn after turn, as a backlog of requests does.
    long busyTimer = onContext(context, () -> vertx.setPeriodic(1, id -> busy(150)));
    vertx.setTimer(1500, id -> vertx.cancelTimer(busyTimer));
    boolean seen = false;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (!seen && System.nanoTime() < deadline) {
      seen = onContext(context, lag::overloaded);
    }
    assertTrue(seen, "overloaded while the loop stays behind");

    Thread.sleep(1500);
    assertFalse(onContext(context, lag::overloaded), "no longer overloaded once its timers run on time");
  }

  @Test
  void oneLongPauseIsNotOverload() throws Exception {
    Context context = vertx.getOrCreateContext();
    EventLoopLag lag = onContext(context, () -> EventLoopLag.ofCurrentLoop(100));
    context.runOnContext(v -> busy(500));
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
    while (System.nanoTime() < deadline) {
      assertFalse(onContext(context, lag::overloaded), "a single late timer does not shed calls");
    }
  }

  @Test
  void aZeroThresholdNeverSheds() throws Exception {
    Context context = vertx.getOrCreateContext();
    EventLoopLag lag = onContext(context, () -> EventLoopLag.ofCurrentLoop(0));
    long busyTimer = onContext(context, () -> vertx.setPeriodic(1, id -> busy(150)));
    Thread.sleep(800);
    vertx.cancelTimer(busyTimer);
    assertFalse(onContext(context, lag::overloaded));
  }

  private static void busy(long millis) {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < end) Thread.onSpinWait();
  }

  private static <T> T onContext(Context context, java.util.function.Supplier<T> work) throws Exception {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> result.complete(work.get()));
    return result.future().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }
}
