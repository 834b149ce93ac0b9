package io.tributary.log;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Where each record of a batch lies in its body and what it counts against read limits, learned from a
 * batch whose whole body was read and its CRC checked. With it, a read with a small limit takes only the
 * records it returns from the file, instead of the whole batch again (a 10 MiB batch read 1 MiB at a
 * time would otherwise be read ten times over).
 *
 * <p>Layout of the arrays: {@code starts[i]} is where record {@code i} begins in the body, and
 * {@code starts[recordCount]} is the body's length; {@code sizes[i]} is its {@link StoredRecord#size()}.
 * Immutable.
 */
final class BatchLayout {
  private final int[] starts;
  private final int[] sizes;

  private BatchLayout(int[] starts, int[] sizes) {
    this.starts = starts;
    this.sizes = sizes;
  }

  /** The layout of a checked body; null when the body does not hold its records as it should. */
  static BatchLayout of(RecordBatch batch, byte[] body) {
    int count = batch.recordCount();
    int[] starts = new int[count + 1];
    int[] sizes = new int[count];
    ByteBuffer buffer = ByteBuffer.wrap(body);
    try {
      buffer.position(RecordBatch.FIXED_BODY_BYTES);
      for (int i = 0; i < count; i++) {
        starts[i] = buffer.position();
        int keyLength = Short.toUnsignedInt(buffer.getShort());
        String key = new String(body, buffer.position(), keyLength, StandardCharsets.UTF_8);
        buffer.position(buffer.position() + keyLength);
        int dataLength = buffer.getInt();
        buffer.position(buffer.position() + dataLength);
        sizes[i] = dataLength + key.length();
      }
    } catch (RuntimeException malformed) {
      return null;
    }
    starts[count] = buffer.position();
    return new BatchLayout(starts, sizes);
  }

  /** Where record {@code i} starts in the body; {@code i} may be the record count, for the body's end. */
  int start(int i) {
    return starts[i];
  }

  int size(int i) {
    return sizes[i];
  }

  /**
   * One past the last record a read from record {@code first} takes: at most {@code maxRecords}, stopping
   * before their sizes pass {@code maxBytes}, though taking the first whatever its size when
   * {@code atLeastOne}.
   */
  int endOfRead(int first, int maxRecords, long maxBytes, boolean atLeastOne) {
    int end = first;
    long bytes = 0;
    while (end < sizes.length && end - first < maxRecords) {
      if (bytes + sizes[end] > maxBytes && !(atLeastOne && end == first)) break;
      bytes += sizes[end];
      end++;
    }
    return end;
  }
}
