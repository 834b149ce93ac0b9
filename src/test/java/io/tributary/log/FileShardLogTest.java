package io.tributary.log;

import static io.tributary.log.LogFixtures.SMALL;
import static io.tributary.log.LogFixtures.assertRecord;
import static io.tributary.log.LogFixtures.await;
import static io.tributary.log.LogFixtures.entries;
import static io.tributary.log.LogFixtures.failure;
import static io.tributary.log.LogFixtures.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FileShardLogTest extends OpenLogTest {

  /** Per append: first offset, count, arrival. */
  private final List<long[]> appends = new ArrayList<>();

  private FileShardLog open() {
    return open(SMALL);
  }

  private FileShardLog reopen() {
    await(log.close());
    return open();
  }

  /** Appends of 1 to 8 records, 5 ms apart, without waiting between them. */
  private void fill(int count) {
    Random random = new Random(count);
    List<Future<Long>> futures = new ArrayList<>();
    long offset = log.endOffset();
    long arrival = Math.max(T0, log.lastArrivalMillis() + 5);
    for (int i = 0; i < count; i++, arrival += 5) {
      int records = 1 + random.nextInt(8);
      appends.add(new long[] {offset, records, arrival});
      futures.add(log.append(entries(offset, records, arrival)));
      offset += records;
    }
    for (int i = 0; i < count; i++) {
      assertEquals(appends.get(appends.size() - count + i)[0], await(futures.get(i)), "first offset of append " + i);
    }
  }

  private long arrivalOf(long offset) {
    for (long[] append : appends) if (offset >= append[0] && offset < append[0] + append[1]) return append[2];
    throw new AssertionError("no append holds " + offset);
  }

  @Test
  void roundTripsAcrossSegments() {
    open();
    assertEquals(0, log.endOffset());
    assertEquals(-1, log.lastArrivalMillis());
    fill(300);
    long end = appends.get(299)[0] + appends.get(299)[1];
    assertEquals(end, log.endOffset());
    assertEquals(appends.get(299)[2], log.lastArrivalMillis());
    assertTrue(dir.toFile().list((d, name) -> name.endsWith(".log")).length >= 5, "several segments");
    List<StoredRecord> records = readAll(log, 0);
    assertEquals(end, records.size());
    for (StoredRecord record : records) assertRecord(record.offset(), arrivalOf(record.offset()), record);
  }

  @Test
  void readLandsOnTheRightRecordForEveryOffset() {
    open();
    fill(200);
    long end = log.endOffset();
    for (long offset = 0; offset < end; offset++) {
      ShardLog.Page page = await(log.read(offset, 1, Long.MAX_VALUE));
      assertEquals(1, page.records().size(), "at " + offset);
      assertRecord(offset, arrivalOf(offset), page.records().get(0));
      assertEquals(offset + 1, page.nextOffset());
      assertEquals(offset + 1 < end ? arrivalOf(offset + 1) : -1, page.nextArrivalMillis());
    }
  }

  @Test
  void readStopsAtItsLimitsButTakesAtLeastOne() {
    open();
    fill(50);
    ShardLog.Page ten = await(log.read(3, 10, Long.MAX_VALUE));
    assertEquals(10, ten.records().size());
    assertEquals(13, ten.nextOffset());
    long bytesOfFour = ten.records().subList(0, 4).stream().mapToLong(StoredRecord::size).sum();
    ShardLog.Page byBytes = await(log.read(3, 10, bytesOfFour + 1));
    assertEquals(4, byBytes.records().size());
    assertEquals(7, byBytes.nextOffset());
    assertEquals(arrivalOf(7), byBytes.nextArrivalMillis());
    assertEquals(1, await(log.read(3, 10, 1)).records().size());
    ShardLog.Page atTip = await(log.read(log.endOffset(), 10, Long.MAX_VALUE));
    assertEquals(List.of(), atTip.records());
    assertEquals(log.endOffset(), atTip.nextOffset());
    assertEquals(-1, atTip.nextArrivalMillis());
  }

  @Test
  void findsOffsetsByArrival() {
    open();
    fill(200);
    for (long[] append : appends) {
      assertEquals(append[0], await(log.offsetAtOrAfter(append[2])));
      assertEquals(append[0], await(log.offsetAtOrAfter(append[2] - 4)));
    }
    assertEquals(0, await(log.offsetAtOrAfter(0)));
    assertEquals(log.endOffset(), await(log.offsetAtOrAfter(appends.get(199)[2] + 1)));
  }

  @Test
  void offsetsAndArrivalsContinueAfterReopen() {
    open();
    fill(120);
    long end = log.endOffset();
    long lastArrival = log.lastArrivalMillis();
    reopen();
    assertEquals(0, log.startOffset());
    assertEquals(end, log.endOffset());
    assertEquals(lastArrival, log.lastArrivalMillis());
    fill(30);
    reopen();
    List<StoredRecord> records = readAll(log, 0);
    assertEquals(log.endOffset(), records.size());
    for (StoredRecord record : records) assertRecord(record.offset(), arrivalOf(record.offset()), record);
  }

  @Test
  void rejectsAppendsThatGoBackInTimeOrMixArrivals() {
    open();
    await(log.append(entries(0, 2, T0 + 10)));
    assertInstanceOf(IllegalArgumentException.class, failure(log.append(entries(2, 1, T0 + 9))));
    List<ShardLog.Entry> mixed = new ArrayList<>(entries(2, 1, T0 + 20));
    mixed.addAll(entries(3, 1, T0 + 21));
    assertInstanceOf(IllegalArgumentException.class, failure(log.append(mixed)));
    assertEquals(2, await(log.append(entries(2, 1, T0 + 10))));
  }

  @Test
  void anEmptyAppendTakesNoOffset() {
    open();
    fill(3);
    long end = log.endOffset();
    assertEquals(end, await(log.append(List.of())));
    assertEquals(end, log.endOffset());
    assertEquals(end, await(log.append(entries(end, 1, T0 + 1000))));
  }

  @Test
  void refusesWorkOnceClosed() {
    open();
    fill(3);
    await(log.close());
    assertInstanceOf(IllegalStateException.class, failure(log.append(entries(100, 1, T0 + 1000))));
    assertInstanceOf(IllegalStateException.class, failure(log.read(0, 10, 100)));
    log = null;
  }
}
