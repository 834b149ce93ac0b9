package io.tributary.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server-wide budget of SubscribeToShard events built but not yet flushed to their sockets
 * ({@code limits.subscription.buffer.bytes}). A subscription reserves room before it reads the shard for
 * its next event and gives it back once that event is written out, so stalled readers together hold at
 * most the budget; a subscription that finds no room waits, and a new SubscribeToShard is refused.
 */
public final class SubscriptionBuffers {
  private final long limit;
  private final AtomicLong buffered = new AtomicLong();
  private final Counter deferred;

  public SubscriptionBuffers(long limit, MeterRegistry meters) {
    this.limit = limit;
    Gauge.builder("tributary.subscriptions.buffered.bytes", buffered, AtomicLong::get)
        .description("Bytes of SubscribeToShard events reserved or waiting to be flushed").baseUnit("bytes")
        .register(meters);
    Gauge.builder("tributary.subscriptions.buffer.limit.bytes", () -> limit)
        .description("limits.subscription.buffer.bytes").baseUnit("bytes").register(meters);
    this.deferred = Counter.builder("tributary.subscriptions.events.deferred")
        .description("Times a subscription waited for room in limits.subscription.buffer.bytes").register(meters);
  }

  /** The budget from the setting; 0 means an eighth of the maximum heap. */
  public static long limitFromSetting(long setting) {
    return setting > 0 ? setting : Runtime.getRuntime().maxMemory() / 8;
  }

  /** Takes the bytes if they fit within the budget; counts a deferral if not. */
  public boolean tryReserve(long bytes) {
    long now;
    do {
      now = buffered.get();
      if (now + bytes > limit) {
        deferred.increment();
        return false;
      }
    } while (!buffered.compareAndSet(now, now + bytes));
    return true;
  }

  /** Changes a reservation to what the event really takes (more or less than reserved). */
  public void resize(long reserved, long actual) {
    buffered.addAndGet(actual - reserved);
  }

  public void release(long bytes) {
    buffered.addAndGet(-bytes);
  }

  /** Whether a new subscription should be refused: not even one more event fits. */
  public boolean full(long eventBytes) {
    return buffered.get() + eventBytes > limit;
  }

  public long bytes() {
    return buffered.get();
  }

  public long limit() {
    return limit;
  }
}
