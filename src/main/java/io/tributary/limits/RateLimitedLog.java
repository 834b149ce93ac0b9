package io.tributary.limits;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Log lines for failures that can repeat thousands of times a second (every append to a failing disk):
 * at most one line per cause per interval, without a stack trace; the next line of that cause says how
 * many were left out since the last. A cause is a short fixed name (an exception's class), so the
 * number of causes tracked stays small. Thread-safe.
 */
public final class RateLimitedLog {
  private final Consumer<String> out;
  private final Clock clock;
  private final long intervalMillis;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  /** When a cause was last written, and how many of it were left out since. */
  private static final class Window {
    long writtenMillis;
    long suppressed;
  }

  public RateLimitedLog(Consumer<String> out, Clock clock, long intervalMillis) {
    this.out = out;
    this.clock = clock;
    this.intervalMillis = intervalMillis;
  }

  /** Writes the line unless a line of the same cause was written within the interval; returns whether it was. */
  public boolean log(String cause, String line) {
    Window window = windows.computeIfAbsent(cause, key -> new Window());
    long suppressed;
    synchronized (window) {
      long now = clock.millis();
      if (window.writtenMillis != 0 && now - window.writtenMillis < intervalMillis) {
        window.suppressed++;
        return false;
      }
      suppressed = window.suppressed;
      window.writtenMillis = Math.max(1, now);
      window.suppressed = 0;
    }
    out.accept(suppressed == 0 ? line : line + " (" + suppressed + " more of " + cause + " not logged since the last)");
    return true;
  }
}
