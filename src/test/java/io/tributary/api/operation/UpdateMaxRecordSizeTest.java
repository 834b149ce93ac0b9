package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

class UpdateMaxRecordSizeTest extends ApiTest {
  private static final int TWO_MIB = 2 * 1024 * 1024;

  private static String arn(String name) {
    return "arn:aws:kinesis:us-east-1:000000000000:stream/" + name;
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void raisesTheLargestRecordPutRecordAccepts(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("max-size", 1);
    byte[] twoMiB = new byte[TWO_MIB];
    twoMiB[TWO_MIB - 1] = 7;
    KinesisException refused = assertKinesisError(KinesisException.class,
        "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=2097152 cap=2097152]' at 'data' failed "
            + "to satisfy constraint: Member must have length less than or equal to 1048576",
        () -> client.putRecord(b -> b.streamName(name).partitionKey("a").data(SdkBytes.fromByteArray(twoMiB))));
    assertEquals("ValidationException", refused.awsErrorDetails().errorCode());

    client.updateMaxRecordSize(b -> b.streamARN(arn(name)).maxRecordSizeInKiB(2048));
    assertEquals(2048, client.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary()
        .maxRecordSizeInKiB());
    client.putRecord(b -> b.streamName(name).partitionKey("a").data(SdkBytes.fromByteArray(twoMiB)));

    String iterator = iterator(client, name, "shardId-000000000000", ShardIteratorType.TRIM_HORIZON);
    List<Record> records = client.getRecords(b -> b.shardIterator(iterator)).records();
    assertEquals(1, records.size());
    assertArrayEquals(twoMiB, records.get(0).data().asByteArray());

    byte[] overTwoMiB = new byte[TWO_MIB + 1];
    assertKinesisError(KinesisException.class,
        "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=2097153 cap=2097153]' at 'data' failed "
            + "to satisfy constraint: Member must have length less than or equal to 2097152",
        () -> client.putRecord(b -> b.streamName(name).partitionKey("a").data(SdkBytes.fromByteArray(overTwoMiB))));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void raisesTheLargestRecordPutRecordsAccepts(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("max-size-batch", 1);
    List<PutRecordsRequestEntry> entries = List.of(
        PutRecordsRequestEntry.builder().partitionKey("a").data(SdkBytes.fromUtf8String("small")).build(),
        PutRecordsRequestEntry.builder().partitionKey("b").data(SdkBytes.fromByteArray(new byte[TWO_MIB])).build());
    assertKinesisError(KinesisException.class,
        "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=2097152 cap=2097152]' at "
            + "'records.2.member.data' failed to satisfy constraint: Member must have length less than or equal to "
            + "1048576",
        () -> client.putRecords(b -> b.streamName(name).records(entries)));

    client.updateMaxRecordSize(b -> b.streamARN(arn(name)).maxRecordSizeInKiB(10240));
    assertEquals(0, client.putRecords(b -> b.streamName(name).records(entries)).failedRecordCount());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void needsAnActiveStream(ClientKind kind) {
    assertNeedsAnActiveStream(kind, (client, name) ->
        client.updateMaxRecordSize(b -> b.streamARN(arn(name)).maxRecordSizeInKiB(2048)));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void reportsAMissingStream(ClientKind kind) {
    assertReportsAMissingStream(kind, (client, name) ->
        client.updateMaxRecordSize(b -> b.streamARN(arn(name)).maxRecordSizeInKiB(2048)));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void validatesTheRequest(ClientKind kind) {
    KinesisException low = assertKinesisError(KinesisException.class,
        "1 validation error detected: Value '1023' at 'maxRecordSizeInKiB' failed to satisfy constraint: Member must "
            + "have value greater than or equal to 1024",
        () -> client(kind).updateMaxRecordSize(b -> b.streamARN(arn("any")).maxRecordSizeInKiB(1023)));
    assertEquals("ValidationException", low.awsErrorDetails().errorCode());
    assertKinesisError(KinesisException.class,
        "1 validation error detected: Value '10241' at 'maxRecordSizeInKiB' failed to satisfy constraint: Member must "
            + "have value less than or equal to 10240",
        () -> client(kind).updateMaxRecordSize(b -> b.streamARN(arn("any")).maxRecordSizeInKiB(10241)));
    assertKinesisError(KinesisException.class,
        "1 validation error detected: Value null at 'maxRecordSizeInKiB' failed to satisfy constraint: Member must "
            + "not be null",
        () -> client(kind).updateMaxRecordSize(b -> b.streamARN(arn("any"))));
    assertKinesisError(KinesisException.class,
        "1 validation error detected: Value null at 'streamARN' failed to satisfy constraint: Member must not be null",
        () -> client(kind).updateMaxRecordSize(b -> b.maxRecordSizeInKiB(2048)));
  }
}
