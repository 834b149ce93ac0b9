package io.tributary.shard;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads the fields {@link WireWriter} wrote, from a position in a buffer on. A length that runs past the end
 * of the buffer fails at once, before anything of that length is allocated.
 */
final class WireReader {
  private final Buffer buffer;
  private int position;

  WireReader(Buffer buffer, int position) {
    this.buffer = buffer;
    this.position = position;
  }

  int u8() {
    return buffer.getByte(position++) & 0xFF;
  }

  int i32() {
    int value = buffer.getInt(position);
    position += Integer.BYTES;
    return value;
  }

  long i64() {
    long value = buffer.getLong(position);
    position += Long.BYTES;
    return value;
  }

  double f64() {
    double value = buffer.getDouble(position);
    position += Double.BYTES;
    return value;
  }

  long varint() {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = buffer.getByte(position++);
      value |= (long) (b & 0x7F) << shift;
      if (b >= 0) return value;
    }
    throw new IllegalStateException("varint longer than 10 bytes at " + (position - 10));
  }

  long zigzag() {
    long encoded = varint();
    return (encoded >>> 1) ^ -(encoded & 1);
  }

  /** A count of things that each take at least one byte: no more than the bytes left. */
  int count() {
    long count = varint();
    if (count < 0 || count > buffer.length() - position) {
      throw new IllegalStateException("count " + count + " at " + position + " runs past the buffer's " + buffer.length() + " bytes");
    }
    return (int) count;
  }

  byte[] bytes() {
    int length = count();
    byte[] value = buffer.getBytes(position, position + length);
    position += length;
    return value;
  }

  String string() {
    int length = count();
    if (length == 0) return "";
    String value = buffer.getString(position, position + length, StandardCharsets.UTF_8.name());
    position += length;
    return value;
  }
}
