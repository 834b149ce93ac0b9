package io.tributary.log;

import static io.tributary.log.LogFixtures.assertRecord;
import static io.tributary.log.LogFixtures.entries;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordBatchTest {
  private static final long ARRIVAL = 1_700_000_000_123L;

  @Test
  void encodesTheDocumentedLayout() {
    ByteBuffer bytes = RecordBatch.encode(42, List.of(new ShardLog.Entry(ARRIVAL, "k", new byte[] {7, 8})));
    assertEquals(RecordBatch.SUMMARY_BYTES + 2 + 1 + 4 + 2, bytes.remaining());
    assertEquals(RecordBatch.MAGIC, bytes.get(0));
    assertEquals(bytes.remaining() - RecordBatch.HEADER_BYTES, bytes.getInt(1));
    assertEquals(42, bytes.getLong(9));
    assertEquals(1, bytes.getInt(17));
    assertEquals(ARRIVAL, bytes.getLong(21));
    assertEquals(1, bytes.getShort(29));
    assertEquals('k', bytes.get(31));
    assertEquals(2, bytes.getInt(32));
    assertEquals(8, bytes.get(37));
  }

  @Test
  void roundTrips() throws Exception {
    ByteBuffer bytes = RecordBatch.encode(100, entries(100, 25, ARRIVAL));
    RecordBatch batch = RecordBatch.parse(bytes, 4096);
    assertEquals(new RecordBatch(4096, bytes.remaining() - 9, batch.crc(), 100, 25, ARRIVAL), batch);
    assertEquals(4096 + bytes.remaining(), batch.endPosition());
    assertTrue(batch.checksumMatches(bytes.duplicate().position(RecordBatch.HEADER_BYTES)));
    List<StoredRecord> records = batch.decode(body(bytes), 100, Integer.MAX_VALUE, Long.MAX_VALUE, true);
    assertEquals(25, records.size());
    for (int i = 0; i < 25; i++) assertRecord(100 + i, ARRIVAL, records.get(i));
  }

  @Test
  void sizeOfMatchesTheEncodingForAnyKey() {
    List<ShardLog.Entry> entries = List.of(new ShardLog.Entry(1, "plain", new byte[3]),
        new ShardLog.Entry(1, "é€😀", new byte[0]), new ShardLog.Entry(1, "lone \uD800 surrogate", new byte[9]));
    assertEquals(RecordBatch.encode(0, entries).remaining(), RecordBatch.sizeOf(entries));
  }

  @Test
  void pagesCountPartitionKeysInUtf8Bytes() throws Exception {
    String key = "€".repeat(10); // 10 characters, 30 bytes
    List<ShardLog.Entry> entries = List.of(new ShardLog.Entry(ARRIVAL, key, new byte[10]),
        new ShardLog.Entry(ARRIVAL, key, new byte[10]), new ShardLog.Entry(ARRIVAL, key, new byte[10]));
    assertEquals(40, new StoredRecord(0, ARRIVAL, key, new byte[10]).size());
    ByteBuffer bytes = RecordBatch.encode(0, entries);
    RecordBatch batch = RecordBatch.parse(bytes, 0);
    assertEquals(1, batch.decode(body(bytes), 0, 10, 79, true).size(), "two records take 80 bytes");
    assertEquals(2, batch.decode(body(bytes), 0, 10, 80, true).size());
  }

  @Test
  void checksumCatchesAnyFlippedBit() {
    ByteBuffer bytes = RecordBatch.encode(0, entries(0, 5, ARRIVAL));
    RecordBatch batch = RecordBatch.parse(bytes, 0);
    for (int at = RecordBatch.HEADER_BYTES; at < bytes.limit(); at++) {
      for (int bit = 0; bit < 8; bit++) {
        ByteBuffer flipped = ByteBuffer.wrap(bytes.array().clone());
        flipped.put(at, (byte) (flipped.get(at) ^ (1 << bit)));
        assertFalse(batch.checksumMatches(flipped.position(RecordBatch.HEADER_BYTES)), "byte " + at + " bit " + bit);
      }
    }
  }

  @Test
  void parseRejectsWhatIsNoBatchStart() {
    ByteBuffer bytes = RecordBatch.encode(0, entries(0, 1, ARRIVAL));
    ByteBuffer wrongMagic = ByteBuffer.wrap(bytes.array().clone()).put(0, (byte) 9);
    ByteBuffer noRecords = ByteBuffer.wrap(bytes.array().clone()).putInt(17, 0);
    ByteBuffer shortBody = ByteBuffer.wrap(bytes.array().clone()).putInt(1, 3);
    assertNull(RecordBatch.parse(wrongMagic, 0));
    assertNull(RecordBatch.parse(noRecords, 0));
    assertNull(RecordBatch.parse(shortBody, 0));
    assertNull(RecordBatch.parse(ByteBuffer.allocate(RecordBatch.SUMMARY_BYTES - 1), 0));
    assertNull(RecordBatch.parse(ByteBuffer.allocate(RecordBatch.SUMMARY_BYTES), 0), "zeros");
  }

  @Test
  void decodeHonoursOffsetAndLimits() throws Exception {
    ByteBuffer bytes = RecordBatch.encode(10, entries(10, 8, ARRIVAL));
    RecordBatch batch = RecordBatch.parse(bytes, 0);
    byte[] body = body(bytes);
    List<StoredRecord> fromMiddle = batch.decode(body, 13, 3, Long.MAX_VALUE, true);
    assertEquals(List.of(13L, 14L, 15L), fromMiddle.stream().map(StoredRecord::offset).toList());
    long twoRecords = fromMiddle.get(0).size() + fromMiddle.get(1).size();
    assertEquals(2, batch.decode(body, 13, 10, twoRecords, true).size(), "bytes stop before passing the limit");
    assertEquals(1, batch.decode(body, 13, 10, 1, true).size(), "at least one");
    assertEquals(0, batch.decode(body, 13, 10, 1, false).size(), "none when the page already has one");
  }

  @Test
  void decodeRejectsAMalformedBody() {
    ByteBuffer bytes = RecordBatch.encode(0, entries(0, 3, ARRIVAL));
    RecordBatch batch = RecordBatch.parse(bytes, 0);
    byte[] body = body(bytes);
    ByteBuffer.wrap(body).putInt(RecordBatch.FIXED_BODY_BYTES + 2 + 5, 1 << 30); // first data length
    assertThrows(java.io.IOException.class, () -> batch.decode(body, 0, 10, Long.MAX_VALUE, true));
  }

  @Test
  void encodeRejectsMixedArrivalsAndHugeKeys() {
    assertThrows(IllegalArgumentException.class, () -> RecordBatch.encode(0,
        List.of(new ShardLog.Entry(1, "a", new byte[0]), new ShardLog.Entry(2, "b", new byte[0]))));
    assertThrows(IllegalArgumentException.class, () -> RecordBatch.encode(0,
        List.of(new ShardLog.Entry(1, "k".repeat(70_000), new byte[0]))));
  }

  private static byte[] body(ByteBuffer batch) {
    return Arrays.copyOfRange(batch.array(), RecordBatch.HEADER_BYTES, batch.limit());
  }
}
