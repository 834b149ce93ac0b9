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

    context.runOnContext(v -> busy(400));
    boolean seen = false;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (!seen && System.nanoTime() < deadline) {
      seen = onContext(context, lag::overloaded);
    }
    assertTrue(seen, "overloaded right after the loop was held for 400 ms");

    Thread.sleep(200);
    assertFalse(onContext(context, lag::overloaded), "no longer overloaded once its timers run on time");
  }

  @Test
  void aZeroThresholdNeverSheds() throws Exception {
    Context context = vertx.getOrCreateContext();
    EventLoopLag lag = onContext(context, () -> EventLoopLag.ofCurrentLoop(0));
    context.runOnContext(v -> busy(300));
    Thread.sleep(100);
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
