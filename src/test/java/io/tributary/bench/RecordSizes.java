package io.tributary.bench;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The sizes of the records a benchmark puts: one size ({@code "100"}) or sizes drawn evenly from a range
 * ({@code "100-1000"}, both ends included). Keeps count of the bytes it drew, so that a run can turn the
 * records it had acknowledged into bytes.
 */
final class RecordSizes {
  final int min;
  final int max;
  private long drawn;
  private long drawnBytes;

  private RecordSizes(int min, int max) {
    if (min < 1 || max < min) throw new IllegalArgumentException("record sizes: " + min + "-" + max);
    this.min = min;
    this.max = max;
  }

  /** {@code N} or {@code MIN-MAX}, in bytes. */
  static RecordSizes parse(String spec) {
    String[] ends = spec.trim().split("-");
    int min = Integer.parseInt(ends[0].trim());
    return new RecordSizes(min, ends.length > 1 ? Integer.parseInt(ends[1].trim()) : min);
  }

  static RecordSizes of(int bytes) {
    return new RecordSizes(bytes, bytes);
  }

  /** The next record's size. */
  int next(SplittableRandom random) {
    int size = min == max ? min : random.nextInt(min, max + 1);
    drawn++;
    drawnBytes += size;
    return size;
  }

  /** The mean size of the records drawn so far; the middle of the range before any. */
  double meanBytes() {
    return drawn == 0 ? (min + max) / 2.0 : (double) drawnBytes / drawn;
  }

  /** The middle of the range, rounded down: the size of a benchmark's single records. */
  int middle() {
    return (min + max) / 2;
  }

  @Override
  public String toString() {
    return min == max ? min + " B" : String.format(Locale.ROOT, "%d-%d B (evenly drawn)", min, max);
  }
}
