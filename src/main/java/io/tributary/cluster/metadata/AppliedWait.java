package io.tributary.cluster.metadata;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Waits for this node's member of the metadata group to apply what the group kept: the leader answers a write
 * once it applied it, and this node applies it a moment later.
 */
final class AppliedWait {
  private static final long POLL_MILLIS = 10;

  private AppliedWait() { }

  /** Completes once {@code applied} holds, or fails with a timeout naming {@code what} past the deadline. */
  static Future<Void> until(Vertx vertx, BooleanSupplier applied, long deadlineMillis, String what) {
    if (applied.getAsBoolean()) return Future.succeededFuture();
    if (System.currentTimeMillis() > deadlineMillis) {
      return Future.failedFuture(new TimeoutException("this node did not apply " + what + " in time"));
    }
    Promise<Void> done = Promise.promise();
    vertx.setTimer(POLL_MILLIS, t -> until(vertx, applied, deadlineMillis, what).onComplete(done));
    return done.future();
  }
}
