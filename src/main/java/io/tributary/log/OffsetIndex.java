package io.tributary.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Sparse map from offset to file position in one segment: an entry for a batch whenever more than the
 * index interval of bytes were appended since the previous entry (or the segment's start), so a lookup is
 * followed by a scan of at most that many bytes of batch headers.
 *
 * <p>Entry layout, 8 bytes, big-endian, ascending in both fields:
 * <pre>
 *   relativeOffset  int32  batch base offset minus the segment's base offset
 *   position        int32  where the batch starts in the .log file
 * </pre>
 * Thread-safe: see {@link MappedIndex}.
 */
final class OffsetIndex extends MappedIndex {
  static final int ENTRY_BYTES = 8;

  /** An offset and where its batch starts. */
  record OffsetPosition(long offset, long position) { }

  OffsetIndex(Path file, long baseOffset) throws IOException {
    super(file, baseOffset, ENTRY_BYTES);
  }

  synchronized void append(long offset, long position) throws IOException {
    int at = nextEntryPosition();
    ByteBuffer entries = entriesBuffer();
    entries.putInt(at, (int) (offset - baseOffset));
    entries.putInt(at + 4, (int) position);
    entryAdded();
  }

  /** The last entry at or before the offset, or the segment's start when there is none. */
  synchronized OffsetPosition lookup(long offset) throws IOException {
    int found = floorEntry(offset - baseOffset, false, (buffer, at) -> buffer.getInt(at));
    return found < 0 ? new OffsetPosition(baseOffset, 0) : entry(found);
  }

  /** The last entry, or the segment's start when there is none. */
  synchronized OffsetPosition last() throws IOException {
    return entries() == 0 ? new OffsetPosition(baseOffset, 0) : entry(entries() - 1);
  }

  /** Drops the entries at or after the offset. */
  synchronized void truncateTo(long offset) throws IOException {
    keepEntries(floorEntry(offset - baseOffset, true, (buffer, at) -> buffer.getInt(at)) + 1);
  }

  /**
   * Whether the entries are in order and within the segment: relative offsets and positions strictly
   * ascending, offsets below {@code endOffset} and positions below {@code logSize}.
   */
  synchronized boolean isSane(long endOffset, long logSize) throws IOException {
    ByteBuffer entries = entriesBuffer();
    long previousOffset = -1;
    long previousPosition = -1;
    for (int i = 0; i < entries(); i++) {
      long relative = entries.getInt(entryAt(i));
      long position = entries.getInt(entryAt(i) + 4);
      if (relative <= previousOffset || position <= previousPosition) return false;
      if (baseOffset + relative >= endOffset || position >= logSize) return false;
      previousOffset = relative;
      previousPosition = position;
    }
    return true;
  }

  private OffsetPosition entry(int i) throws IOException {
    ByteBuffer entries = entriesBuffer();
    return new OffsetPosition(baseOffset + entries.getInt(entryAt(i)), entries.getInt(entryAt(i) + 4));
  }
}
