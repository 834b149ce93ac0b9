package io.tributary.replication;

import io.tributary.log.ShardLog;
import io.tributary.log.WriterFence;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * The entries of a shard group's Raft log, and what applying one did. Big-endian; a string is an unsigned
 * short length and its UTF-8 bytes.
 *
 * <pre>
 * append:  byte 1, string shard address, long origin, long entry id, int count,
 *          count x (long arrival ms, string partition key, int length, length bytes of data)
 * seal:    byte 2, string shard address, long origin, long entry id
 * no-op:   byte 3  (written by a member that starts, see {@link ShardGroups}; applying it does nothing)
 * fence:   byte 4, string shard address, long origin, long entry id, string writer, long generation
 * fenced append: byte 5, string shard address, long origin, long entry id, string writer, long generation,
 *          then as an append from its int count on
 * outcome: byte 0, long first offset, long arrival ms  (applied, the records stored with that arrival time;
 *                                                        a fence: the shard's end and last arrival)
 *          byte 2                     (refused: the shard is sealed; nothing applied)
 *          byte 3                     (the same entry was applied before; nothing applied again)
 *          byte 4                     (refused: a newer generation of the writer fenced the shard)
 * </pre>
 *
 * <p>The origin names the node incarnation that wrote the entry and the id the entry among its entries, so
 * that the node that wrote an entry finds its caller when this node applies it.
 */
final class ShardEntries {
  static final byte APPEND = 1;
  static final byte SEAL = 2;
  static final byte NOOP = 3;
  static final byte FENCE = 4;
  static final byte FENCED_APPEND = 5;
  static final byte APPLIED = 0;
  static final byte SEALED = 2;
  static final byte DUPLICATE = 3;
  static final byte FENCED = 4;

  private ShardEntries() { }

  /**
   * A decoded entry; {@code records} is empty for a seal and a fence, {@code address} null for a no-op, and
   * {@code fence} the writer's of a fence or fenced append (null otherwise). A fenced append's kind is
   * {@link #APPEND}.
   */
  record Entry(byte kind, String address, long origin, long id, List<ShardLog.Entry> records, WriterFence fence) {
    Entry(byte kind, String address, long origin, long id, List<ShardLog.Entry> records) {
      this(kind, address, origin, id, records, null);
    }
  }

  static ByteString append(String address, long origin, long id, List<ShardLog.Entry> records) {
    return append(address, origin, id, records, null);
  }

  /** An append of a fencing writer's generation (null: of none). */
  static ByteString append(String address, long origin, long id, List<ShardLog.Entry> records, WriterFence fence) {
    int size = 64 + address.length() * 3 + (fence == null ? 0 : 16 + fence.key().length() * 3);
    for (ShardLog.Entry record : records) size += 16 + record.partitionKey().length() * 3 + record.data().length;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(size);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(fence == null ? APPEND : FENCED_APPEND);
      writeString(out, address);
      out.writeLong(origin);
      out.writeLong(id);
      if (fence != null) {
        writeString(out, fence.key());
        out.writeLong(fence.generation());
      }
      out.writeInt(records.size());
      for (ShardLog.Entry record : records) {
        out.writeLong(record.arrivalMillis());
        writeString(out, record.partitionKey());
        out.writeInt(record.data().length);
        out.write(record.data());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return UnsafeByteOperations.unsafeWrap(bytes.toByteArray());
  }

  static ByteString seal(String address, long origin, long id) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + address.length() * 3);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(SEAL);
      writeString(out, address);
      out.writeLong(origin);
      out.writeLong(id);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return UnsafeByteOperations.unsafeWrap(bytes.toByteArray());
  }

  static ByteString fence(String address, long origin, long id, WriterFence fence) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(48 + (address.length() + fence.key().length()) * 3);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FENCE);
      writeString(out, address);
      out.writeLong(origin);
      out.writeLong(id);
      writeString(out, fence.key());
      out.writeLong(fence.generation());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return UnsafeByteOperations.unsafeWrap(bytes.toByteArray());
  }

  static ByteString noop() {
    return UnsafeByteOperations.unsafeWrap(new byte[] {NOOP});
  }

  static Entry decode(ByteString data) {
    ByteBuffer in = data.asReadOnlyByteBuffer();
    byte kind = in.get();
    if (kind == NOOP) return new Entry(kind, null, 0, 0, List.of());
    String address = readString(in);
    long origin = in.getLong();
    long id = in.getLong();
    if (kind == SEAL) return new Entry(kind, address, origin, id, List.of());
    if (kind != APPEND && kind != FENCE && kind != FENCED_APPEND) {
      throw new IllegalArgumentException("unknown shard entry kind " + kind);
    }
    WriterFence fence = kind == APPEND ? null : new WriterFence(readString(in), in.getLong());
    if (kind == FENCE) return new Entry(kind, address, origin, id, List.of(), fence);
    int count = in.getInt();
    List<ShardLog.Entry> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long arrival = in.getLong();
      String partitionKey = readString(in);
      byte[] payload = new byte[in.getInt()];
      in.get(payload);
      records.add(new ShardLog.Entry(arrival, partitionKey, payload));
    }
    return new Entry(APPEND, address, origin, id, records, fence);
  }

  static Message applied(long firstOffset, long arrivalMillis) {
    return Message.valueOf(UnsafeByteOperations.unsafeWrap(ByteBuffer.allocate(17).put(APPLIED).putLong(firstOffset)
        .putLong(arrivalMillis).flip()));
  }

  static Message refused(byte why) {
    return Message.valueOf(UnsafeByteOperations.unsafeWrap(new byte[] {why}));
  }

  private static void writeString(DataOutputStream out, String text) throws IOException {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    out.writeShort(utf8.length);
    out.write(utf8);
  }

  private static String readString(ByteBuffer in) {
    byte[] utf8 = new byte[Short.toUnsignedInt(in.getShort())];
    in.get(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }
}
