package io.tributary.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * For values the server settles a moment after a client has its answer (a budget released once an answer
 * is written): waits up to a bound for the expected value, then asserts it.
 */
public final class Eventually {
  private Eventually() { }

  public static void assertEqualsWithin(Duration bound, long expected, LongSupplier actual, String message) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (actual.getAsLong() != expected && System.nanoTime() < deadline) Thread.onSpinWait();
    assertEquals(expected, actual.getAsLong(), message);
  }
}
