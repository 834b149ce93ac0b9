package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.MutableClock;
import io.tributary.support.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

class GetRecordsTest extends ApiTest {

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void pagesThroughAShardWithLimit(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("get", 1);
    Instant before = Instant.now().minusSeconds(1);
    List<PutRecordsRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      entries.add(PutRecordsRequestEntry.builder().partitionKey("pk-" + i).data(SdkBytes.fromUtf8String("data-" + i)).build());
    }
    setup().putRecords(b -> b.streamName(name).records(entries));

    String iterator = iterator(client, name, "shardId-000000000000", ShardIteratorType.TRIM_HORIZON);
    List<Record> read = new ArrayList<>();
    int calls = 0;
    while (true) {
      String current = iterator;
      GetRecordsResponse page = client.getRecords(b -> b.shardIterator(current).limit(10));
      calls++;
      read.addAll(page.records());
      assertNotNull(page.nextShardIterator(), "an open shard always has a next iterator");
      iterator = page.nextShardIterator();
      if (page.records().isEmpty()) {
        assertEquals(0L, page.millisBehindLatest());
        break;
      }
    }
    assertEquals(4, calls);
    assertEquals(25, read.size());
    for (int i = 0; i < 25; i++) {
      Record record = read.get(i);
      assertEquals("data-" + i, record.data().asUtf8String());
      assertEquals("pk-" + i, record.partitionKey());
      Instant arrival = record.approximateArrivalTimestamp();
      assertTrue(arrival.isAfter(before) && arrival.isBefore(Instant.now().plusSeconds(1)), "arrival " + arrival);
    }
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void carriesBinaryDataUnchanged(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("binary", 1);
    byte[] data = new byte[256];
    for (int i = 0; i < data.length; i++) data[i] = (byte) i;
    client.putRecord(b -> b.streamName(name).partitionKey("p").data(SdkBytes.fromByteArray(data)));
    client.putRecord(b -> b.streamName(name).partitionKey("p").data(SdkBytes.fromByteArray(new byte[0])));
    String iterator = iterator(client, name, "shardId-000000000000", ShardIteratorType.TRIM_HORIZON);
    List<Record> records = client.getRecords(b -> b.shardIterator(iterator)).records();
    assertEquals(2, records.size());
    org.junit.jupiter.api.Assertions.assertArrayEquals(data, records.get(0).data().asByteArray());
    assertEquals(0, records.get(1).data().asByteArray().length);
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void takesAnIteratorWrappedInDoubleQuotes(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("quoted", 1);
    client.putRecord(b -> b.streamName(name).partitionKey("p").data(SdkBytes.fromUtf8String("quoted")));
    String iterator = iterator(client, name, "shardId-000000000000", ShardIteratorType.TRIM_HORIZON);
    List<Record> records = client.getRecords(b -> b.shardIterator('"' + iterator + '"')).records();
    assertEquals("quoted", records.get(0).data().asUtf8String());
  }

  /** A page of several megabytes: the answer is written in many pieces and must arrive whole and in order. */
  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void answersAPageOfMegabytesWhole(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("large-page", 1);
    java.util.Random random = new java.util.Random(kind.ordinal());
    List<byte[]> sent = new ArrayList<>();
    for (int batch = 0; batch < 5; batch++) {
      List<PutRecordsRequestEntry> entries = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        byte[] data = new byte[5_000 + random.nextInt(3_000)];
        random.nextBytes(data);
        sent.add(data);
        entries.add(PutRecordsRequestEntry.builder().partitionKey("k").data(SdkBytes.fromByteArray(data)).build());
      }
      setup().putRecords(b -> b.streamName(name).records(entries));
    }
    String iterator = iterator(client, name, "shardId-000000000000", ShardIteratorType.TRIM_HORIZON);
    List<Record> read = client.getRecords(b -> b.shardIterator(iterator)).records();
    assertEquals(sent.size(), read.size());
    for (int i = 0; i < sent.size(); i++) {
      org.junit.jupiter.api.Assertions.assertArrayEquals(sent.get(i), read.get(i).data().asByteArray(), "record " + i);
    }
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void rejectsForgedIteratorsAndBadLimits(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("forged", 1);
    String iterator = iterator(client, name, "shardId-000000000000", ShardIteratorType.TRIM_HORIZON);
    char flipped = iterator.charAt(40) == 'A' ? 'B' : 'A';
    String tampered = iterator.substring(0, 40) + flipped + iterator.substring(41);
    assertKinesisError(InvalidArgumentException.class, "Invalid ShardIterator.",
        () -> client.getRecords(b -> b.shardIterator(tampered)));
    assertKinesisError(InvalidArgumentException.class, "Invalid ShardIterator.",
        () -> client.getRecords(b -> b.shardIterator("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")));
    KinesisException limit = assertKinesisError(KinesisException.class, "1 validation error detected: Value '10001' at "
            + "'limit' failed to satisfy constraint: Member must have value less than or equal to 10000",
        () -> client.getRecords(b -> b.shardIterator(iterator).limit(10001)));
    assertEquals("ValidationException", limit.awsErrorDetails().errorCode());
  }

  @Test
  void expiresIteratorsAfterFiveMinutes() {
    MutableClock clock = new MutableClock();
    try (TestServer timed = TestServer.start(Map.of(), clock)) {
      KinesisClient client = KinesisClients.of(ClientKind.ASYNC_CBOR_H2C, timed.endpoint());
      client.createStream(b -> b.streamName("timed").shardCount(1));
      String iterator = iterator(client, "timed", "shardId-000000000000", ShardIteratorType.LATEST);
      clock.advance(Duration.ofSeconds(299));
      assertNotNull(client.getRecords(b -> b.shardIterator(iterator)).nextShardIterator());
      clock.advance(Duration.ofSeconds(2));
      ExpiredIteratorException expired = org.junit.jupiter.api.Assertions.assertThrows(ExpiredIteratorException.class,
          () -> client.getRecords(b -> b.shardIterator(iterator)));
      assertTrue(expired.awsErrorDetails().errorMessage().matches("Iterator expired\\. The iterator was created at time "
          + "\\w{3} \\w{3} \\d{2} \\d{2}:\\d{2}:\\d{2} UTC \\d{4} while right now it is \\w{3} \\w{3} \\d{2} "
          + "\\d{2}:\\d{2}:\\d{2} UTC \\d{4} which is further in the future than the tolerated delay of 300000 "
          + "milliseconds\\."), expired.awsErrorDetails().errorMessage());
    }
  }

  @Test
  void reportsHowFarBehindTheTipAPageEnds() {
    MutableClock clock = new MutableClock();
    try (TestServer timed = TestServer.start(Map.of(), clock)) {
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, timed.endpoint());
      client.createStream(b -> b.streamName("behind").shardCount(1));
      client.putRecord(b -> b.streamName("behind").partitionKey("a").data(SdkBytes.fromUtf8String("1")));
      clock.advance(Duration.ofSeconds(10));
      client.putRecord(b -> b.streamName("behind").partitionKey("a").data(SdkBytes.fromUtf8String("2")));
      clock.advance(Duration.ofSeconds(5));
      String iterator = iterator(client, "behind", "shardId-000000000000", ShardIteratorType.TRIM_HORIZON);
      GetRecordsResponse first = client.getRecords(b -> b.shardIterator(iterator).limit(1));
      assertEquals(5000L, first.millisBehindLatest());
      GetRecordsResponse second = client.getRecords(b -> b.shardIterator(first.nextShardIterator()));
      assertEquals(0L, second.millisBehindLatest());
    }
  }
}
