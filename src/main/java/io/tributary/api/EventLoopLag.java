package io.tributary.api;

import io.vertx.core.Context;

/**
 * How far behind one event loop runs: a timer due every {@value #TICK_MILLIS} ms on the loop's context
 * measures how late it fires. When the loop is so busy that its timers run more than the threshold late
 * {@value #LATE_TICKS} times in a row, requests wait about as long in its socket buffers before anyone looks
 * at them; the API then answers new data-plane calls at once with a throttling error instead of serving them
 * late (overload is answered, not queued), until a timer runs less than half the threshold late. One late
 * timer alone (a garbage collection, classes loading at start) is not overload. Read and written on the
 * loop's own thread only.
 */
final class EventLoopLag {
  static final long TICK_MILLIS = 20;
  static final int LATE_TICKS = 3;

  private final long thresholdNanos;
  private boolean overloaded;
  private int lateTicks;

  private EventLoopLag(long thresholdMillis) {
    this.thresholdNanos = thresholdMillis * 1_000_000;
  }

  /** Measures the loop of the current context; never overloaded when there is none or the threshold is 0. */
  static EventLoopLag ofCurrentLoop(long thresholdMillis) {
    EventLoopLag lag = new EventLoopLag(thresholdMillis);
    Context context = io.vertx.core.Vertx.currentContext();
    if (thresholdMillis > 0 && context != null && context.isEventLoopContext()) lag.tick(context, System.nanoTime());
    return lag;
  }

  private void tick(Context context, long scheduledNanos) {
    long due = scheduledNanos + TICK_MILLIS * 1_000_000;
    context.owner().setTimer(TICK_MILLIS, id -> {
      long now = System.nanoTime();
      long lagNanos = now - due;
      if (lagNanos > thresholdNanos) {
        overloaded = ++lateTicks >= LATE_TICKS;
      } else if (lagNanos < thresholdNanos / 2) {
        lateTicks = 0;
        overloaded = false;
      }
      tick(context, now);
    });
  }

  /** Whether calls arriving now should be throttled rather than served. */
  boolean overloaded() {
    return overloaded;
  }
}
