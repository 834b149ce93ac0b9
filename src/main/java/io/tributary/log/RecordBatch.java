package io.tributary.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The records of one append, as a segment holds them: they share one arrival time. This value is a
 * batch's fixed fields and its place in the segment; the static methods encode and decode the bytes.
 *
 * <p>Layout, big-endian:
 * <pre>
 *   header  magic          int8    1
 *           bodyLength     int32   bytes after the header
 *           crc            int32   CRC32C of the body
 *   body    baseOffset     int64   offset of the first record
 *           recordCount    int32   at least 1
 *           arrivalMillis  int64   when the shard accepted the append
 *           records        recordCount times:
 *             keyLength    uint16  bytes of the partition key
 *             key          UTF-8
 *             dataLength   int32
 *             data         bytes
 * </pre>
 * The first {@link #SUMMARY_BYTES} bytes are what scans read to walk from batch to batch without the
 * records. A batch is valid when its magic is known, it ends within the file, its CRC matches and its
 * base offset follows the previous batch's last offset.
 */
record RecordBatch(long position, int bodyLength, int crc, long baseOffset, int recordCount, long arrivalMillis) {
  static final byte MAGIC = 1;
  static final int HEADER_BYTES = 9;
  static final int FIXED_BODY_BYTES = 20;
  static final int SUMMARY_BYTES = HEADER_BYTES + FIXED_BODY_BYTES;
  private static final int MAX_KEY_BYTES = 0xFFFF;

  int sizeInBytes() {
    return HEADER_BYTES + bodyLength;
  }

  long endPosition() {
    return position + sizeInBytes();
  }

  /** One past the batch's last offset. */
  long nextOffset() {
    return baseOffset + recordCount;
  }

  boolean contains(long offset) {
    return offset >= baseOffset && offset < nextOffset();
  }

  /** Bytes the entries take encoded as one batch. */
  static long sizeOf(List<ShardLog.Entry> entries) {
    long size = SUMMARY_BYTES;
    for (ShardLog.Entry entry : entries) size += 6 + RecordSize.utf8Length(entry.partitionKey()) + entry.data().length;
    return size;
  }

  /**
   * Encodes entries, which must share one arrival time, as a batch starting at {@code baseOffset}.
   * The buffer is ready to write.
   */
  static ByteBuffer encode(long baseOffset, List<ShardLog.Entry> entries) {
    if (entries.isEmpty()) throw new IllegalArgumentException("a batch holds at least one record");
    long arrival = entries.get(0).arrivalMillis();
    byte[][] keys = new byte[entries.size()][];
    long size = SUMMARY_BYTES;
    for (int i = 0; i < keys.length; i++) {
      ShardLog.Entry entry = entries.get(i);
      if (entry.arrivalMillis() != arrival) throw new IllegalArgumentException("the records of a batch share one arrival time");
      keys[i] = entry.partitionKey().getBytes(StandardCharsets.UTF_8);
      if (keys[i].length > MAX_KEY_BYTES) throw new IllegalArgumentException("partition key over 65535 bytes");
      size += 2 + keys[i].length + 4 + entry.data().length;
    }
    if (size > Integer.MAX_VALUE) throw new IllegalArgumentException("batch over 2 GiB");
    ByteBuffer buffer = ByteBuffer.allocate((int) size);
    buffer.put(MAGIC).putInt((int) size - HEADER_BYTES).putInt(0);
    buffer.putLong(baseOffset).putInt(entries.size()).putLong(arrival);
    for (int i = 0; i < keys.length; i++) {
      byte[] data = entries.get(i).data();
      buffer.putShort((short) keys[i].length).put(keys[i]).putInt(data.length).put(data);
    }
    CRC32C crc = new CRC32C();
    crc.update(buffer.array(), HEADER_BYTES, (int) size - HEADER_BYTES);
    buffer.putInt(5, (int) crc.getValue());
    return buffer.flip();
  }

  /**
   * The batch whose first {@link #SUMMARY_BYTES} bytes are at the buffer's position and which starts at
   * {@code position} in its file, or null when they are not a well-formed batch start.
   */
  static RecordBatch parse(ByteBuffer summary, long position) {
    int at = summary.position();
    if (summary.remaining() < SUMMARY_BYTES || summary.get(at) != MAGIC) return null;
    int bodyLength = summary.getInt(at + 1);
    int recordCount = summary.getInt(at + 17);
    if (bodyLength < FIXED_BODY_BYTES || recordCount <= 0) return null;
    return new RecordBatch(position, bodyLength, summary.getInt(at + 5), summary.getLong(at + 9), recordCount,
        summary.getLong(at + 21));
  }

  /** Whether the body (the {@link #bodyLength} bytes from the buffer's position) matches the CRC. */
  boolean checksumMatches(ByteBuffer body) {
    CRC32C checksum = new CRC32C();
    checksum.update(body.duplicate().limit(body.position() + bodyLength));
    return (int) checksum.getValue() == crc;
  }

  /**
   * Decodes {@code count} records laid back to back in {@code records}, a part of the batch's body whose
   * first record is at {@code firstOffset}.
   */
  List<StoredRecord> decodeRecords(byte[] records, long firstOffset, int count) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(records);
    List<StoredRecord> decoded = new ArrayList<>(count);
    try {
      for (int i = 0; i < count; i++) {
        int keyLength = Short.toUnsignedInt(buffer.getShort());
        String key = new String(records, buffer.position(), keyLength, StandardCharsets.UTF_8);
        buffer.position(buffer.position() + keyLength);
        byte[] data = new byte[buffer.getInt()];
        buffer.get(data);
        decoded.add(new StoredRecord(firstOffset + i, arrivalMillis, key, data));
      }
    } catch (RuntimeException e) {
      throw new IOException("malformed batch at offset " + baseOffset, e);
    }
    return decoded;
  }

  /**
   * Decodes records from {@code fromOffset} on out of the batch's body, up to {@code maxRecords} and
   * stopping before their total {@link StoredRecord#size()} would pass {@code maxBytes}, except that the
   * first record is taken whatever its size when {@code atLeastOne}.
   */
  List<StoredRecord> decode(byte[] body, long fromOffset, int maxRecords, long maxBytes, boolean atLeastOne)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(body);
    List<StoredRecord> records = new ArrayList<>();
    long bytes = 0;
    try {
      buffer.position(FIXED_BODY_BYTES);
      for (long offset = baseOffset; offset < nextOffset() && records.size() < maxRecords; offset++) {
        int keyLength = Short.toUnsignedInt(buffer.getShort());
        int keyAt = buffer.position();
        buffer.position(keyAt + keyLength);
        int dataLength = buffer.getInt();
        int dataAt = buffer.position();
        buffer.position(dataAt + dataLength);
        if (offset < fromOffset) continue;
        String key = new String(body, keyAt, keyLength, StandardCharsets.UTF_8);
        long size = (long) dataLength + keyLength;
        if (bytes + size > maxBytes && !(atLeastOne && records.isEmpty())) break;
        byte[] data = new byte[dataLength];
        System.arraycopy(body, dataAt, data, 0, dataLength);
        records.add(new StoredRecord(offset, arrivalMillis, key, data));
        bytes += size;
      }
    } catch (RuntimeException e) {
      throw new IOException("malformed batch at offset " + baseOffset, e);
    }
    return records;
  }
}
