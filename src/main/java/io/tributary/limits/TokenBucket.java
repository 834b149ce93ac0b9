package io.tributary.limits;

import java.time.Clock;

/**
 * A rate limit: tokens flow in at {@code ratePerSecond} up to {@code capacity} (the burst a caller may
 * spend at once), and a call spends what it costs. A cost larger than the capacity is allowed when the
 * bucket is full, and leaves it in debt until the rate has paid it back; a bucket of capacity 0 is
 * therefore a pure debt meter (allowed while nothing is owed). Time comes from the clock, so tests move it
 * by hand.
 *
 * <p>Not thread-safe: a bucket belongs to one shard verticle, or its owner guards it.
 */
public final class TokenBucket {
  private final Clock clock;
  private double ratePerSecond;
  private double capacity;
  private double tokens;
  private long refilledMillis;

  public TokenBucket(Clock clock, double ratePerSecond, double capacity) {
    this.clock = clock;
    this.ratePerSecond = ratePerSecond;
    this.capacity = capacity;
    this.tokens = capacity;
    this.refilledMillis = clock.millis();
  }

  /** Whether a call costing {@code cost} may go ahead now: the bucket holds the cost, or is full. */
  public boolean allows(double cost) {
    refill();
    return tokens >= Math.min(cost, capacity);
  }

  /** Whether the bucket is full: it has not been used for a while, and a new one would do the same. */
  public boolean isFull() {
    refill();
    return tokens >= capacity;
  }

  /** Spends {@code cost}, into debt if need be; callers ask {@link #allows} first. */
  public void spend(double cost) {
    tokens -= cost;
  }

  /** Changes the rate and burst (a stream changed capacity mode), keeping what the bucket holds. */
  public void setRate(double ratePerSecond, double capacity) {
    refill();
    this.ratePerSecond = ratePerSecond;
    this.capacity = capacity;
    tokens = Math.min(tokens, capacity);
  }

  private void refill() {
    long now = clock.millis();
    if (now > refilledMillis) {
      tokens = Math.min(capacity, tokens + (now - refilledMillis) * ratePerSecond / 1000.0);
      refilledMillis = now;
    }
  }
}
