package io.tributary.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.limits.ShardQuota;
import io.tributary.shard.ShardRequest.Append;
import io.tributary.shard.ShardRequest.Appended;
import io.tributary.shard.ShardRequest.Close;
import io.tributary.shard.ShardRequest.Closed;
import io.tributary.shard.ShardRequest.IncomingRecord;
import io.tributary.shard.ShardRequest.Locate;
import io.tributary.shard.ShardRequest.Position;
import io.tributary.shard.ShardRequest.Read;
import io.tributary.shard.ShardRequest.SetRetention;
import io.tributary.shard.ShardRequest.Subscribe;
import io.tributary.shard.ShardRequest.Tip;
import io.tributary.shard.ShardRequest.Unsubscribe;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every shard message survives the trip to another node: what {@code encodeToWire} writes,
 * {@code decodeFromWire} reads back equal to the original (byte arrays by content), wherever in the buffer
 * the event bus put it and whatever follows it.
 */
class ShardCodecsTest {
  private static final ShardQuota QUOTA = new ShardQuota(1024 * 1024, 1000, 2.5 * 1024 * 1024, 5);
  /** Cyrillic, CJK, an emoji (a surrogate pair) and a combining accent: 1 to 4 UTF-8 bytes a character. */
  private static final String NON_ASCII_KEY = "ключ-日本-\uD83D\uDE00-e\u0301";
  private static final byte[] GARBAGE = {(byte) 0xFF, 0x00, (byte) 0x80, 0x7F, 0x01, (byte) 0xFE, 0x02};

  /** Writes the message after other bytes and before more, and reads it from where it starts. */
  private static <T> T roundTrip(WireCodec<T> codec, T message) {
    Buffer buffer = Buffer.buffer().appendBytes(GARBAGE);
    int start = buffer.length();
    codec.encodeToWire(buffer, message);
    buffer.appendBytes(GARBAGE);
    return codec.decodeFromWire(start, buffer);
  }

  private static byte[] bytes(int length, long seed) {
    byte[] data = new byte[length];
    new Random(seed).nextBytes(data);
    return data;
  }

  private static void assertRecordsEqual(List<IncomingRecord> expected, List<IncomingRecord> actual) {
    assertEquals(expected.size(), actual.size(), "records");
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i).partitionKey(), actual.get(i).partitionKey(), "key of record " + i);
      assertArrayEquals(expected.get(i).data(), actual.get(i).data(), "data of record " + i);
    }
  }

  private static void assertPagesEqual(ShardPage expected, ShardPage actual) {
    assertEquals(expected.nextOffset(), actual.nextOffset(), "nextOffset");
    assertEquals(expected.endOffset(), actual.endOffset(), "endOffset");
    assertEquals(expected.nextArrivalMillis(), actual.nextArrivalMillis(), "nextArrivalMillis");
    assertEquals(expected.records().size(), actual.records().size(), "records");
    for (int i = 0; i < expected.records().size(); i++) {
      ShardRecord want = expected.records().get(i);
      ShardRecord got = actual.records().get(i);
      assertEquals(want.offset(), got.offset(), "offset of record " + i);
      assertEquals(want.arrivalMillis(), got.arrivalMillis(), "arrival of record " + i);
      assertEquals(want.partitionKey(), got.partitionKey(), "key of record " + i);
      assertArrayEquals(want.data(), got.data(), "data of record " + i);
    }
  }

  @Test
  void anAppendKeepsItsRecordsAndQuota() {
    List<IncomingRecord> records = List.of(
        new IncomingRecord("k", new byte[] {1, 2, 3}),
        new IncomingRecord(ShardRecord.NO_PARTITION_KEY, bytes(200, 1)),
        new IncomingRecord(NON_ASCII_KEY, new byte[0]),
        new IncomingRecord("x".repeat(256), bytes(5 * 1024 * 1024 + 3, 2)));
    Append decoded = roundTrip(ShardCodecs.APPEND, new Append(records, QUOTA));
    assertEquals(QUOTA, decoded.quota());
    assertRecordsEqual(records, decoded.records());
    assertEquals(NON_ASCII_KEY, decoded.records().get(2).partitionKey());
  }

  @Test
  void anAppendKeepsItsWritersFenceAndAFenceRequestItsOwn() {
    ShardWriter fence = new ShardWriter("mirror/" + NON_ASCII_KEY, Long.MAX_VALUE - 1);
    List<IncomingRecord> records = List.of(new IncomingRecord("k", new byte[] {1}));
    Append decoded = roundTrip(ShardCodecs.APPEND, new Append(records, QUOTA, fence));
    assertEquals(fence, decoded.writer());
    assertEquals(QUOTA, decoded.quota());
    assertRecordsEqual(records, decoded.records());
    assertEquals(fence, roundTrip(ShardCodecs.FENCE, new ShardRequest.Fence(fence)).writer());
  }

  @Test
  void anAppendWithoutQuotaOrRecords() {
    Append decoded = roundTrip(ShardCodecs.APPEND, new Append(List.of(), null));
    assertNull(decoded.quota());
    assertNull(decoded.writer());
    assertEquals(List.of(), decoded.records());
  }

  @Test
  void readsLocatesAndTheSmallRequests() {
    assertEquals(new Read(42, 10_000, 10L * 1024 * 1024, QUOTA),
        roundTrip(ShardCodecs.READ, new Read(42, 10_000, 10L * 1024 * 1024, QUOTA)));
    assertEquals(new Read(Long.MAX_VALUE, 1, 0, null), roundTrip(ShardCodecs.READ, new Read(Long.MAX_VALUE, 1, 0, null)));
    for (Position position : Position.values()) {
      Locate locate = new Locate(position, 1_764_000_000_123L);
      assertEquals(locate, roundTrip(ShardCodecs.LOCATE, locate));
    }
    assertEquals(new SetRetention(7L * 24 * 3600 * 1000), roundTrip(ShardCodecs.SET_RETENTION, new SetRetention(7L * 24 * 3600 * 1000)));
    assertEquals(new Close(), roundTrip(ShardCodecs.CLOSE, new Close()));
    Subscribe subscribe = new Subscribe("tributary.subscription.6f1c0d1e-9a7b-4c55-8e2f-0b1d2c3e4f50");
    assertEquals(subscribe, roundTrip(ShardCodecs.SUBSCRIBE, subscribe));
    Unsubscribe unsubscribe = new Unsubscribe("tributary.console.tail." + NON_ASCII_KEY);
    assertEquals(unsubscribe, roundTrip(ShardCodecs.UNSUBSCRIBE, unsubscribe));
  }

  @Test
  void theAnswersOfAppendCloseAndSubscribe() {
    assertEquals(new Appended(123_456_789_012L, 1_764_000_000_123L, 500),
        roundTrip(ShardCodecs.APPENDED, new Appended(123_456_789_012L, 1_764_000_000_123L, 500)));
    assertEquals(new Closed(0, -1), roundTrip(ShardCodecs.CLOSED, new Closed(0, -1)));
    assertEquals(new Closed(99, 1_764_000_000_123L), roundTrip(ShardCodecs.CLOSED, new Closed(99, 1_764_000_000_123L)));
    assertEquals(new Tip(7, 1_764_000_000_123L, false), roundTrip(ShardCodecs.TIP, new Tip(7, 1_764_000_000_123L, false)));
    assertEquals(new Tip(0, -1, true), roundTrip(ShardCodecs.TIP, new Tip(0, -1, true)));
  }

  @Test
  void anEmptyPage() {
    ShardPage page = new ShardPage(List.of(), 17, 17, -1);
    assertPagesEqual(page, roundTrip(ShardCodecs.SHARD_PAGE, page));
  }

  @Test
  void aPageKeepsEveryRecord() {
    long arrival = 1_764_000_000_000L;
    List<ShardRecord> records = new ArrayList<>();
    records.add(new ShardRecord(1_000_000_000_000L, arrival, "a", new byte[] {0}));
    records.add(new ShardRecord(1_000_000_000_001L, arrival, ShardRecord.NO_PARTITION_KEY, new byte[0]));
    records.add(new ShardRecord(1_000_000_000_005L, arrival + 90_000, NON_ASCII_KEY, bytes(1000, 3)));  // a gap
    records.add(new ShardRecord(1_000_000_000_006L, arrival + 90_001, "big", bytes(10 * 1024 * 1024, 4)));
    // Not what a log makes, but the format takes any values: offsets and arrivals that fall, and extremes.
    records.add(new ShardRecord(3, -1, "back", new byte[] {9}));
    records.add(new ShardRecord(Long.MAX_VALUE, Long.MIN_VALUE, "max", new byte[] {8}));
    records.add(new ShardRecord(Long.MIN_VALUE, Long.MAX_VALUE, "min", new byte[] {7}));
    ShardPage page = new ShardPage(records, 1_000_000_000_007L, 1_000_000_000_100L, arrival + 95_000);
    assertPagesEqual(page, roundTrip(ShardCodecs.SHARD_PAGE, page));
  }

  @Test
  void smallRecordsInAPageCostAFewBytesEach() {
    long arrival = 1_764_000_000_000L;
    List<ShardRecord> records = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) records.add(new ShardRecord(500_000 + i, arrival + i / 100, "key-" + i % 10, new byte[10]));
    ShardPage page = new ShardPage(records, 510_000, 510_000, -1);
    Buffer buffer = Buffer.buffer();
    ShardCodecs.SHARD_PAGE.encodeToWire(buffer, page);
    // Per record 10 bytes of data, 5 of key, one byte each of offset step, arrival step, key and data length;
    // the first record's offset and arrival take 2 and 5 bytes more.
    assertTrue(buffer.length() <= 24 + 2 + 10_000 * (10 + 5 + 4) + 7, buffer.length() + " bytes");
    assertPagesEqual(page, ShardCodecs.SHARD_PAGE.decodeFromWire(0, buffer));
  }

  @Test
  void messagesOneAfterAnotherInABufferAreEachReadFromTheirStart() {
    Buffer buffer = Buffer.buffer().appendBytes(GARBAGE);
    Append first = new Append(List.of(new IncomingRecord(NON_ASCII_KEY, bytes(300, 5))), null);
    Append second = new Append(List.of(new IncomingRecord("second", bytes(3, 6))), QUOTA);
    int firstAt = buffer.length();
    ShardCodecs.APPEND.encodeToWire(buffer, first);
    int secondAt = buffer.length();
    ShardCodecs.APPEND.encodeToWire(buffer, second);
    assertRecordsEqual(second.records(), ShardCodecs.APPEND.decodeFromWire(secondAt, buffer).records());
    assertRecordsEqual(first.records(), ShardCodecs.APPEND.decodeFromWire(firstAt, buffer).records());
    assertEquals(QUOTA, ShardCodecs.APPEND.decodeFromWire(secondAt, buffer).quota());
  }

  @Test
  void aLengthPastTheEndOfTheBufferFailsBeforeItIsAllocated() {
    Buffer buffer = Buffer.buffer();
    ShardCodecs.APPEND.encodeToWire(buffer, new Append(List.of(new IncomingRecord("k", bytes(1000, 7))), null));
    Buffer cut = buffer.getBuffer(0, buffer.length() - 1);
    assertThrows(IllegalStateException.class, () -> ShardCodecs.APPEND.decodeFromWire(0, cut));
    // A quota marker, a writer marker, then a count of 2^62 records.
    Buffer huge = Buffer.buffer().appendByte((byte) 0).appendByte((byte) 0);
    new WireWriter(huge).varint(1L << 62);
    assertThrows(IllegalStateException.class, () -> ShardCodecs.APPEND.decodeFromWire(0, huge));
  }

  @Test
  void varintsAndZigzagsOfEveryMagnitude() {
    long[] values = {0, 1, -1, 63, -64, 64, 127, 128, 16_383, 16_384, Integer.MAX_VALUE, Integer.MIN_VALUE,
        1_764_000_000_000L, Long.MAX_VALUE, Long.MIN_VALUE};
    Buffer buffer = Buffer.buffer();
    WireWriter out = new WireWriter(buffer);
    for (long value : values) out.varint(value).zigzag(value);
    WireReader in = new WireReader(buffer, 0);
    for (long value : values) {
      assertEquals(value, in.varint(), "varint " + value);
      assertEquals(value, in.zigzag(), "zigzag " + value);
    }
    assertEquals(1, lengthOfVarint(127));
    assertEquals(2, lengthOfVarint(128));
    assertEquals(10, lengthOfVarint(-1));
  }

  private static int lengthOfVarint(long value) {
    Buffer buffer = Buffer.buffer();
    new WireWriter(buffer).varint(value);
    return buffer.length();
  }

  @Test
  void everyRequestAndAnswerHasAWireCodec() {
    Set<Class<?>> covered = new HashSet<>();
    Set<String> names = new HashSet<>();
    for (WireCodec<?> codec : ShardCodecs.ALL) {
      covered.add(codec.type());
      names.add(codec.name());
    }
    for (Class<?> request : ShardRequest.class.getPermittedSubclasses()) assertTrue(covered.contains(request), request.getName());
    for (Class<?> answer : List.of(Appended.class, ShardPage.class, Closed.class, Tip.class)) {
      assertTrue(covered.contains(answer), answer.getName());
    }
    assertEquals(ShardCodecs.ALL.size(), names.size(), "names are unique: " + names);
    assertTrue(names.contains("tributary.shard.v1.ShardRequest$Append"), names.toString());
  }

  @Test
  void aPartitionKeyIsItsUtf8Bytes() {
    Buffer buffer = Buffer.buffer();
    ShardCodecs.SUBSCRIBE.encodeToWire(buffer, new Subscribe(NON_ASCII_KEY));
    byte[] utf8 = NON_ASCII_KEY.getBytes(StandardCharsets.UTF_8);
    assertEquals(utf8.length, buffer.getByte(0));
    assertArrayEquals(utf8, buffer.getBytes(1, buffer.length()));
  }
}
