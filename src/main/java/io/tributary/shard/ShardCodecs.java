package io.tributary.shard;

import io.tributary.limits.ShardQuota;
import io.tributary.shard.ShardRequest.Append;
import io.tributary.shard.ShardRequest.Fence;
import io.tributary.shard.ShardRequest.Appended;
import io.tributary.shard.ShardRequest.Close;
import io.tributary.shard.ShardRequest.Closed;
import io.tributary.shard.ShardRequest.IncomingRecord;
import io.tributary.shard.ShardRequest.Locate;
import io.tributary.shard.ShardRequest.Position;
import io.tributary.shard.ShardRequest.Read;
import io.tributary.shard.ShardRequest.SetRetention;
import io.tributary.shard.ShardRequest.Claim;
import io.tributary.shard.ShardRequest.Subscribe;
import io.tributary.shard.ShardRequest.Moved;
import io.tributary.shard.ShardRequest.TakenOver;
import io.tributary.shard.ShardRequest.Tip;
import io.tributary.shard.ShardRequest.Unsubscribe;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayList;
import java.util.List;

/**
 * The codecs of the shard protocol's messages, and their wire formats. Widths: u8, i32, i64 and f64 are
 * fixed (big-endian); varint and zigzag are variable (see {@link WireWriter}); a string is a varint count of
 * UTF-8 bytes then the bytes, a byte array a varint count then the bytes. Partition keys are never null
 * (a record without one has {@link ShardRecord#NO_PARTITION_KEY}, which is 0 bytes on the wire). Each format
 * starts where the event bus puts the message body and reads no further than its own end.
 */
final class ShardCodecs {
  private ShardCodecs() { }

  /**
   * Quota (inside Append and Read): u8 present (0: null, and nothing follows; 1: four f64 follow), then
   * writeBytesPerSecond, writeRecordsPerSecond, readBytesPerSecond, readCallsPerSecond.
   */
  private static void writeQuota(ShardQuota quota, WireWriter out) {
    if (quota == null) {
      out.u8(0);
      return;
    }
    out.u8(1).f64(quota.writeBytesPerSecond()).f64(quota.writeRecordsPerSecond())
        .f64(quota.readBytesPerSecond()).f64(quota.readCallsPerSecond());
  }

  private static ShardQuota readQuota(WireReader in) {
    int present = in.u8();
    if (present == 0) return null;
    if (present != 1) throw new IllegalStateException("quota marker " + present);
    return new ShardQuota(in.f64(), in.f64(), in.f64(), in.f64());
  }

  /**
   * Writer (inside Append and Fence): u8 present (0: null, and nothing follows; 1: string key and i64
   * generation follow).
   */
  private static void writeWriter(ShardWriter writer, WireWriter out) {
    if (writer == null) {
      out.u8(0);
      return;
    }
    out.u8(1).string(writer.key()).i64(writer.generation());
  }

  private static ShardWriter readWriter(WireReader in) {
    int present = in.u8();
    if (present == 0) return null;
    if (present != 1) throw new IllegalStateException("writer marker " + present);
    return new ShardWriter(in.string(), in.i64());
  }

  /**
   * Append: quota; writer; varint record count; per record: string partitionKey, bytes data. A record takes 2
   * bytes plus its key and data when both are under 128 bytes.
   */
  static final WireCodec<Append> APPEND = new WireCodec<>(Append.class,
      (append, out) -> {
        writeQuota(append.quota(), out);
        writeWriter(append.writer(), out);
        List<IncomingRecord> records = append.records();
        out.varint(records.size());
        for (IncomingRecord record : records) out.string(record.partitionKey()).bytes(record.data());
      },
      in -> {
        ShardQuota quota = readQuota(in);
        ShardWriter writer = readWriter(in);
        int count = in.count();
        List<IncomingRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) records.add(new IncomingRecord(in.string(), in.bytes()));
        return new Append(records, quota, writer);
      });

  /** Fence: writer (always present). */
  static final WireCodec<Fence> FENCE = new WireCodec<>(Fence.class,
      (fence, out) -> writeWriter(fence.writer(), out),
      in -> new Fence(readWriter(in)));

  /** Read: i64 fromOffset, i32 maxRecords, i64 maxBytes, quota. */
  static final WireCodec<Read> READ = new WireCodec<>(Read.class,
      (read, out) -> {
        out.i64(read.fromOffset()).i32(read.maxRecords()).i64(read.maxBytes());
        writeQuota(read.quota(), out);
      },
      in -> new Read(in.i64(), in.i32(), in.i64(), readQuota(in)));

  /**
   * Locate: u8 position (its declaration order in {@link Position}: 0 TRIM_HORIZON, 1 LATEST,
   * 2 AT_TIMESTAMP), i64 timestampMillis.
   */
  static final WireCodec<Locate> LOCATE = new WireCodec<>(Locate.class,
      (locate, out) -> out.u8(locate.position().ordinal()).i64(locate.timestampMillis()),
      in -> new Locate(positionOf(in.u8()), in.i64()));

  private static Position positionOf(int code) {
    Position[] positions = Position.values();
    if (code >= positions.length) throw new IllegalStateException("position " + code);
    return positions[code];
  }

  /** SetRetention: i64 retentionMillis. */
  static final WireCodec<SetRetention> SET_RETENTION = new WireCodec<>(SetRetention.class,
      (retention, out) -> out.i64(retention.retentionMillis()),
      in -> new SetRetention(in.i64()));

  /** Close: nothing (0 bytes). */
  static final WireCodec<Close> CLOSE = new WireCodec<>(Close.class, (close, out) -> { }, in -> new Close());

  /** Subscribe: string address (where the shard sends its tips). */
  static final WireCodec<Subscribe> SUBSCRIBE = new WireCodec<>(Subscribe.class,
      (subscribe, out) -> out.string(subscribe.address()),
      in -> new Subscribe(in.string()));

  /** Unsubscribe: string address. */
  static final WireCodec<Unsubscribe> UNSUBSCRIBE = new WireCodec<>(Unsubscribe.class,
      (unsubscribe, out) -> out.string(unsubscribe.address()),
      in -> new Unsubscribe(in.string()));

  /** Claim: string consumerArn, string address, i64 takeoverMillis. */
  static final WireCodec<Claim> CLAIM = new WireCodec<>(Claim.class,
      (claim, out) -> out.string(claim.consumerArn()).string(claim.address()).i64(claim.takeoverMillis()),
      in -> new Claim(in.string(), in.string(), in.i64()));

  /** TakenOver: nothing (0 bytes). */
  static final WireCodec<TakenOver> TAKEN_OVER = new WireCodec<>(TakenOver.class,
      (takenOver, out) -> { },
      in -> new TakenOver());

  /** Moved: nothing (0 bytes). */
  static final WireCodec<Moved> MOVED = new WireCodec<>(Moved.class,
      (takenOver, out) -> { },
      in -> new Moved());

  /** Appended: i64 firstOffset, i64 arrivalMillis, i32 count (20 bytes). */
  static final WireCodec<Appended> APPENDED = new WireCodec<>(Appended.class,
      (appended, out) -> out.i64(appended.firstOffset()).i64(appended.arrivalMillis()).i32(appended.count()),
      in -> new Appended(in.i64(), in.i64(), in.i32()));

  /** Closed: i64 endOffset, i64 lastArrivalMillis (16 bytes). */
  static final WireCodec<Closed> CLOSED = new WireCodec<>(Closed.class,
      (closed, out) -> out.i64(closed.endOffset()).i64(closed.lastArrivalMillis()),
      in -> new Closed(in.i64(), in.i64()));

  /** Tip: i64 endOffset, i64 lastArrivalMillis, u8 ended (0 or 1; 17 bytes). */
  static final WireCodec<Tip> TIP = new WireCodec<>(Tip.class,
      (tip, out) -> out.i64(tip.endOffset()).i64(tip.lastArrivalMillis()).u8(tip.ended() ? 1 : 0),
      in -> new Tip(in.i64(), in.i64(), in.u8() != 0));

  /**
   * ShardPage: i64 nextOffset, i64 endOffset, i64 nextArrivalMillis; varint record count; per record:
   * zigzag offset minus the previous record's offset (the first's minus 0), zigzag arrivalMillis minus the
   * previous record's (the first's minus 0), string partitionKey, bytes data. Offsets along a page rise by
   * one and arrivals by little, so a small record costs about 4 bytes plus its key and data.
   */
  static final WireCodec<ShardPage> SHARD_PAGE = new WireCodec<>(ShardPage.class,
      (page, out) -> {
        out.i64(page.nextOffset()).i64(page.endOffset()).i64(page.nextArrivalMillis());
        List<ShardRecord> records = page.records();
        out.varint(records.size());
        long offset = 0;
        long arrival = 0;
        for (ShardRecord record : records) {
          out.zigzag(record.offset() - offset).zigzag(record.arrivalMillis() - arrival)
              .string(record.partitionKey()).bytes(record.data());
          offset = record.offset();
          arrival = record.arrivalMillis();
        }
      },
      in -> {
        long nextOffset = in.i64();
        long endOffset = in.i64();
        long nextArrival = in.i64();
        int count = in.count();
        List<ShardRecord> records = new ArrayList<>(count);
        long offset = 0;
        long arrival = 0;
        for (int i = 0; i < count; i++) {
          offset += in.zigzag();
          arrival += in.zigzag();
          records.add(new ShardRecord(offset, arrival, in.string(), in.bytes()));
        }
        return new ShardPage(records, nextOffset, endOffset, nextArrival);
      });

  /** Every request and answer of the protocol with a type of its own (a Locate's answer is a Long). */
  static final List<WireCodec<?>> ALL = List.of(APPEND, FENCE, READ, LOCATE, SET_RETENTION, CLOSE, SUBSCRIBE,
      UNSUBSCRIBE, CLAIM, APPENDED, CLOSED, TIP, TAKEN_OVER, MOVED, SHARD_PAGE);

  /** Makes each codec the default of its type; once per Vert.x instance. */
  static void register(EventBus bus) {
    for (WireCodec<?> codec : ALL) register(bus, codec);
  }

  private static <T> void register(EventBus bus, WireCodec<T> codec) {
    bus.registerDefaultCodec(codec.type(), codec);
  }
}
