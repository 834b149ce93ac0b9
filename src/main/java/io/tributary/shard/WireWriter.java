package io.tributary.shard;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Appends the fields of a shard message to a buffer, in the widths {@link ShardCodecs} documents: fixed-width
 * numbers are big-endian; a varint is an unsigned LEB128 (7 bits a byte, least significant group first, the
 * top bit set on every byte but the last: 1 byte below 128, at most 10); a zigzag varint maps a signed value
 * to an unsigned one (0, -1, 1, -2 ... to 0, 1, 2, 3 ...) so that small values of either sign stay short.
 */
final class WireWriter {
  private final Buffer buffer;

  WireWriter(Buffer buffer) {
    this.buffer = buffer;
  }

  WireWriter u8(int value) {
    buffer.appendByte((byte) value);
    return this;
  }

  WireWriter i32(int value) {
    buffer.appendInt(value);
    return this;
  }

  WireWriter i64(long value) {
    buffer.appendLong(value);
    return this;
  }

  WireWriter f64(double value) {
    buffer.appendDouble(value);
    return this;
  }

  WireWriter varint(long value) {
    while ((value & ~0x7FL) != 0) {
      buffer.appendByte((byte) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    buffer.appendByte((byte) value);
    return this;
  }

  WireWriter zigzag(long value) {
    return varint((value << 1) ^ (value >> 63));
  }

  /** A varint count of bytes, then the bytes. */
  WireWriter bytes(byte[] value) {
    varint(value.length);
    buffer.appendBytes(value);
    return this;
  }

  /** A varint count of UTF-8 bytes, then the UTF-8 bytes. */
  WireWriter string(String value) {
    return bytes(value.getBytes(StandardCharsets.UTF_8));
  }
}
