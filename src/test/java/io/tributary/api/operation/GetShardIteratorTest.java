package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

class GetShardIteratorTest extends ApiTest {

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void readsFromEveryKindOfStartingPoint(ClientKind kind) throws InterruptedException {
    KinesisClient client = client(kind);
    String name = createStream("iterators", 1);
    String shard = "shardId-000000000000";
    String first = put(name, "k", "one").sequenceNumber();
    String second = put(name, "k", "two").sequenceNumber();
    Thread.sleep(20);
    Instant between = Instant.now();
    Thread.sleep(20);
    put(name, "k", "three");

    String trimHorizon = iterator(client, name, shard, ShardIteratorType.TRIM_HORIZON);
    // AWS's shape: standard base64 of 152 + 16k bytes starting with the long 1.
    byte[] raw = java.util.Base64.getDecoder().decode(trimHorizon);
    assertTrue(raw.length >= 152 && (raw.length - 152) % 16 == 0 && raw[7] == 1, trimHorizon);
    assertEquals(List.of("one", "two", "three"), read(client, trimHorizon));
    assertEquals(List.of(), read(client, iterator(client, name, shard, ShardIteratorType.LATEST)));
    assertEquals(List.of("two", "three"), read(client, client.getShardIterator(b -> b.streamName(name).shardId(shard)
        .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER).startingSequenceNumber(second)).shardIterator()));
    assertEquals(List.of("two", "three"), read(client, client.getShardIterator(b -> b.streamName(name).shardId(shard)
        .shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).startingSequenceNumber(first)).shardIterator()));
    assertEquals(List.of("three"), read(client, client.getShardIterator(b -> b.streamName(name).shardId(shard)
        .shardIteratorType(ShardIteratorType.AT_TIMESTAMP).timestamp(between)).shardIterator()));
    // A timestamp after the last record gives an empty page at once, not a wait.
    assertEquals(List.of(), read(client, client.getShardIterator(b -> b.streamName(name).shardId(shard)
        .shardIteratorType(ShardIteratorType.AT_TIMESTAMP).timestamp(Instant.now())).shardIterator()));
    // The shard's own StartingSequenceNumber is a valid starting point: the start of the shard.
    String start = client.describeStream(b -> b.streamName(name)).streamDescription().shards().get(0)
        .sequenceNumberRange().startingSequenceNumber();
    assertEquals(List.of("one", "two", "three"), read(client, client.getShardIterator(b -> b.streamName(name).shardId(shard)
        .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER).startingSequenceNumber(start)).shardIterator()));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void rejectsInconsistentRequests(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("iterator-errors", 2);
    String shard0 = "shardId-000000000000";
    String onShard1 = setup().putRecord(b -> b.streamName(name).partitionKey("b")
        .data(software.amazon.awssdk.core.SdkBytes.fromUtf8String("x"))).sequenceNumber();

    assertKinesisError(InvalidArgumentException.class, "Must either specify (1) AT_SEQUENCE_NUMBER or "
            + "AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no "
            + "StartingSequenceNumber. Request specified AT_SEQUENCE_NUMBER and no StartingSequenceNumber.",
        () -> client.getShardIterator(b -> b.streamName(name).shardId(shard0)
            .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER)));
    assertKinesisError(InvalidArgumentException.class, "Must either specify (1) AT_SEQUENCE_NUMBER or "
            + "AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no "
            + "StartingSequenceNumber. Request specified LATEST and also a StartingSequenceNumber.",
        () -> client.getShardIterator(b -> b.streamName(name).shardId(shard0)
            .shardIteratorType(ShardIteratorType.LATEST).startingSequenceNumber(onShard1)));
    assertKinesisError(InvalidArgumentException.class, "Invalid StartingSequenceNumber. It encodes "
            + "shardId-000000000001, while it was used in a call to a shard with shardId-000000000000",
        () -> client.getShardIterator(b -> b.streamName(name).shardId(shard0)
            .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER).startingSequenceNumber(onShard1)));
    // A small number is AWS's oldest layout, whose last four hex digits name the shard.
    assertKinesisError(InvalidArgumentException.class, "Invalid StartingSequenceNumber. It encodes shardId-000000012345, "
            + "while it was used in a call to a shard with shardId-000000000000",
        () -> client.getShardIterator(b -> b.streamName(name).shardId(shard0)
            .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER).startingSequenceNumber("12345")));
    assertKinesisError(InvalidArgumentException.class, "StartingSequenceNumber 21267647932558653966460912964485513216 "
            + "used in GetShardIterator on shard shardId-000000000000 in stream " + name + " under account 000000000000 "
            + "is invalid because it did not come from this stream.",
        () -> client.getShardIterator(b -> b.streamName(name).shardId(shard0)
            .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER).startingSequenceNumber("0")));
    String highShardIndex = new java.math.BigInteger("20000000000000000000000000000000000000800000002", 16).toString();
    assertKinesisError(InvalidArgumentException.class, "StartingSequenceNumber " + highShardIndex + " used in "
            + "GetShardIterator on shard shardId-000000000000 in stream " + name + " under account 000000000000 is invalid.",
        () -> client.getShardIterator(b -> b.streamName(name).shardId(shard0)
            .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER).startingSequenceNumber(highShardIndex)));
    assertKinesisError(InvalidArgumentException.class, "Must specify timestampInMillis parameter for iterator of type "
            + "AT_TIMESTAMP. Current request has no timestamp parameter.",
        () -> client.getShardIterator(b -> b.streamName(name).shardId(shard0)
            .shardIteratorType(ShardIteratorType.AT_TIMESTAMP)));
    InvalidArgumentException future = org.junit.jupiter.api.Assertions.assertThrows(InvalidArgumentException.class,
        () -> client.getShardIterator(b -> b.streamName(name).shardId(shard0)
            .shardIteratorType(ShardIteratorType.AT_TIMESTAMP).timestamp(Instant.now().plusSeconds(3600))));
    assertTrue(future.awsErrorDetails().errorMessage().startsWith("The timestampInMillis parameter cannot be greater "
        + "than the currentTimestampInMillis. timestampInMillis: "), future.awsErrorDetails().errorMessage());
    assertKinesisError(ResourceNotFoundException.class, "Shard shardId-000000000009 in stream " + name
            + " under account 000000000000 does not exist",
        () -> iterator(client, name, "shardId-000000000009", ShardIteratorType.TRIM_HORIZON));
    assertKinesisError(ResourceNotFoundException.class, "Shard shardId-000000000000 in stream nowhere under account "
            + "000000000000 does not exist", () -> iterator(client, "nowhere", shard0, ShardIteratorType.TRIM_HORIZON));
    KinesisException badType = assertKinesisError(KinesisException.class, "1 validation error detected: Value 'SOMEWHERE' "
            + "at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: "
            + "[AFTER_SEQUENCE_NUMBER, LATEST, AT_TIMESTAMP, AT_SEQUENCE_NUMBER, TRIM_HORIZON]",
        () -> client.getShardIterator(b -> b.streamName(name).shardId(shard0).shardIteratorType("SOMEWHERE")));
    assertEquals("ValidationException", badType.awsErrorDetails().errorCode());
  }

  private static List<String> read(KinesisClient client, String iterator) {
    return client.getRecords(b -> b.shardIterator(iterator)).records().stream()
        .map(Record::data).map(d -> d.asUtf8String()).toList();
  }
}
