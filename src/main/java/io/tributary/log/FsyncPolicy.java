package io.tributary.log;

import java.util.Locale;

/**
 * When an append is acknowledged relative to fsync. Written as a string in settings:
 * <ul>
 *   <li>{@code always}: acknowledged once the batch is fsynced. Appends that arrive while a write and
 *       fsync are in progress are written together and share the next fsync (group commit).</li>
 *   <li>{@code interval:<ms>}: acknowledged once the write reaches the operating system; the active
 *       segment is fsynced every {@code ms} milliseconds. A machine crash loses at most that window.</li>
 *   <li>{@code never}: acknowledged once written to the page cache; the log fsyncs only when a segment
 *       rolls and on close.</li>
 * </ul>
 */
public sealed interface FsyncPolicy {

  record Always() implements FsyncPolicy {
    @Override
    public String toString() {
      return "always";
    }
  }

  record Interval(long millis) implements FsyncPolicy {
    public Interval {
      if (millis <= 0) throw new IllegalArgumentException("fsync interval must be positive: " + millis);
    }

    @Override
    public String toString() {
      return "interval:" + millis;
    }
  }

  record Never() implements FsyncPolicy {
    @Override
    public String toString() {
      return "never";
    }
  }

  /** Parses {@code always}, {@code interval:<ms>} or {@code never}. */
  static FsyncPolicy parse(String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    if (value.equals("always")) return new Always();
    if (value.equals("never")) return new Never();
    if (value.startsWith("interval:")) {
      try {
        return new Interval(Long.parseLong(value.substring("interval:".length()).trim()));
      } catch (NumberFormatException e) {
        // falls through to the error below
      }
    }
    throw new IllegalArgumentException("fsync policy must be always, interval:<ms> or never, not '" + text + "'");
  }
}
