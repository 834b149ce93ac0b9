package io.tributary.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Sparse map from arrival time to offset in one segment. An entry is added with each offset-index entry
 * whose batch arrived later than the previous time entry, so both fields strictly ascend. Arrival times
 * never decrease along a log, so the first record at or after a time is found by scanning forward from the
 * last entry before it.
 *
 * <p>Entry layout, 12 bytes, big-endian:
 * <pre>
 *   arrivalMillis   int64  arrival of the batch
 *   relativeOffset  int32  its base offset minus the segment's base offset
 * </pre>
 * Thread-safe: see {@link MappedIndex}.
 */
final class TimeIndex extends MappedIndex {
  static final int ENTRY_BYTES = 12;

  TimeIndex(Path file, long baseOffset) throws IOException {
    super(file, baseOffset, ENTRY_BYTES);
  }

  /** Adds an entry unless the arrival is not later than the last entry's. */
  synchronized void maybeAppend(long arrivalMillis, long offset) throws IOException {
    if (entries() > 0 && entriesBuffer().getLong(entryAt(entries() - 1)) >= arrivalMillis) return;
    int at = nextEntryPosition();
    ByteBuffer entries = entriesBuffer();
    entries.putLong(at, arrivalMillis);
    entries.putInt(at + 8, (int) (offset - baseOffset));
    entryAdded();
  }

  /** The offset of the last entry that arrived before the time: a place to scan forward from. */
  synchronized long lookupBefore(long arrivalMillis) throws IOException {
    int found = floorEntry(arrivalMillis, true, (buffer, at) -> buffer.getLong(at));
    return found < 0 ? baseOffset : baseOffset + entriesBuffer().getInt(entryAt(found) + 8);
  }

  /** Drops the entries at or after the offset. */
  synchronized void truncateTo(long offset) throws IOException {
    ByteBuffer entries = entriesBuffer();
    int keep = entries();
    while (keep > 0 && baseOffset + entries.getInt(entryAt(keep - 1) + 8) >= offset) keep--;
    keepEntries(keep);
  }

  /** Whether both fields strictly ascend and the offsets are below {@code endOffset}. */
  synchronized boolean isSane(long endOffset) throws IOException {
    ByteBuffer entries = entriesBuffer();
    long previousArrival = Long.MIN_VALUE;
    long previousOffset = -1;
    for (int i = 0; i < entries(); i++) {
      long arrival = entries.getLong(entryAt(i));
      long relative = entries.getInt(entryAt(i) + 8);
      if (arrival <= previousArrival || relative <= previousOffset || baseOffset + relative >= endOffset) return false;
      previousArrival = arrival;
      previousOffset = relative;
    }
    return true;
  }
}
