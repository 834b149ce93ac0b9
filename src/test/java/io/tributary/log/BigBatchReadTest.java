package io.tributary.log;

import static io.tributary.log.LogFixtures.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A 10 MiB batch read 1 MiB at a time: the first read takes the whole batch (to check its CRC), later ones
 * only the records they return, as counted by the bytes the segment's channel reads.
 */
class BigBatchReadTest extends OpenLogTest {
  private static final int RECORDS = 1100;
  private static final int RECORD_BYTES = 10 * 1024;
  private static final long MIB = 1024 * 1024;

  private final FaultyChannels counting = new FaultyChannels();

  @Test
  void smallReadsOfABigBatchReadOnlyTheRecordsTheyReturn() {
    open(LogFixtures.SMALL.withSegmentBytes(64 * 1024 * 1024), counting);
    List<ShardLog.Entry> entries = new ArrayList<>();
    for (int i = 0; i < RECORDS; i++) entries.add(new ShardLog.Entry(T0, "k" + i, dataOf(i)));
    assertEquals(0, await(log.append(entries)));
    long batchBytes = RecordBatch.sizeOf(entries);
    assertTrue(batchBytes > 10 * MIB);

    long before = counting.bytesRead.get();
    long offset = 0;
    int reads = 0;
    while (offset < RECORDS) {
      long readBefore = counting.bytesRead.get();
      ShardLog.Page page = await(log.read(offset, 10_000, MIB));
      long read = counting.bytesRead.get() - readBefore;
      if (reads > 0) assertTrue(read <= MIB + 64 * 1024, "read " + reads + " took " + read + " bytes");
      for (StoredRecord record : page.records()) {
        assertEquals(offset, record.offset());
        assertEquals("k" + offset, record.partitionKey());
        assertArrayEquals(dataOf((int) offset), record.data(), "data of " + offset);
        offset++;
      }
      assertEquals(offset, page.nextOffset());
      reads++;
    }
    long total = counting.bytesRead.get() - before;
    System.out.printf("%d reads of at most 1 MiB from a %d-byte batch read %d bytes in all%n", reads, batchBytes, total);
    assertTrue(reads >= 10, "reads: " + reads);
    assertTrue(total < 2 * batchBytes + 64 * 1024, "the batch is read whole once, then by its records: " + total);
  }

  @Test
  void aSmallLimitFromTheMiddleOfACheckedBatchReadsJustThoseRecords() {
    open(LogFixtures.SMALL.withSegmentBytes(64 * 1024 * 1024), counting);
    List<ShardLog.Entry> entries = new ArrayList<>();
    for (int i = 0; i < RECORDS; i++) entries.add(new ShardLog.Entry(T0, "k" + i, dataOf(i)));
    await(log.append(entries));
    await(log.read(0, 1, MIB)); // checks the CRC and learns the layout
    long before = counting.bytesRead.get();
    ShardLog.Page page = await(log.read(500, 3, MIB));
    long read = counting.bytesRead.get() - before;
    assertEquals(List.of(500L, 501L, 502L), page.records().stream().map(StoredRecord::offset).toList());
    assertArrayEquals(dataOf(501), page.records().get(1).data());
    assertTrue(read < 3 * RECORD_BYTES + 4096, "3 records took " + read + " bytes");
  }

  private static byte[] dataOf(int i) {
    byte[] data = new byte[RECORD_BYTES];
    Arrays.fill(data, (byte) i);
    data[0] = (byte) (i >> 8);
    return data;
  }
}
