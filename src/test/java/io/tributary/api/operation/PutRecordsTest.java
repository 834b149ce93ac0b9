package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

class PutRecordsTest extends ApiTest {

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void answersEveryRecordInRequestOrder(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("batch", 4);
    List<PutRecordsRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      PutRecordsRequestEntry.Builder entry = PutRecordsRequestEntry.builder()
          .partitionKey("key-" + i).data(SdkBytes.fromUtf8String("record-" + i));
      // Every tenth record is pinned to the last shard by its explicit hash key.
      if (i % 10 == 0) entry.explicitHashKey(BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE).toString());
      entries.add(entry.build());
    }
    PutRecordsResponse response = client.putRecords(b -> b.streamName(name).records(entries));
    assertEquals(0, response.failedRecordCount());
    assertEquals(500, response.records().size());
    Map<String, BigInteger> lastPerShard = new HashMap<>();
    for (int i = 0; i < 500; i++) {
      PutRecordsResultEntry result = response.records().get(i);
      assertNull(result.errorCode());
      if (i % 10 == 0) assertEquals("shardId-000000000003", result.shardId());
      BigInteger sequence = new BigInteger(result.sequenceNumber());
      BigInteger previous = lastPerShard.put(result.shardId(), sequence);
      assertTrue(previous == null || sequence.compareTo(previous) > 0, "increasing within " + result.shardId());
    }
    assertEquals(4, lastPerShard.size());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void validatesEveryRecord(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("batch-bad", 1);
    List<PutRecordsRequestEntry> entries = List.of(
        PutRecordsRequestEntry.builder().partitionKey("ok").data(SdkBytes.fromUtf8String("x")).build(),
        PutRecordsRequestEntry.builder().partitionKey("").data(SdkBytes.fromUtf8String("x")).build(),
        PutRecordsRequestEntry.builder().partitionKey("k").explicitHashKey("-1").data(SdkBytes.fromUtf8String("x")).build());
    KinesisException error = assertKinesisError(KinesisException.class,
        "2 validation errors detected: Value '' at 'records.2.member.partitionKey' failed to satisfy constraint: Member "
            + "must have length greater than or equal to 1; Value '-1' at 'records.3.member.explicitHashKey' failed to "
            + "satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})",
        () -> client.putRecords(b -> b.streamName(name).records(entries)));
    assertEquals("ValidationException", error.awsErrorDetails().errorCode());

    List<PutRecordsRequestEntry> tooMany = new ArrayList<>();
    for (int i = 0; i < 501; i++) {
      tooMany.add(PutRecordsRequestEntry.builder().partitionKey("k").data(SdkBytes.fromUtf8String("x")).build());
    }
    KinesisException count = assertKinesisError(KinesisException.class,
        "1 validation error detected: Value '[" + String.join(", ", java.util.Collections.nCopies(501,
            "com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@c965e310")) + "]' at 'records' failed to satisfy "
            + "constraint: Member must have length less than or equal to 500",
        () -> client.putRecords(b -> b.streamName(name).records(tooMany)));
    assertEquals("ValidationException", count.awsErrorDetails().errorCode());
  }

  @org.junit.jupiter.api.Test
  void rejectsRequestsOverTenMebibytes() {
    KinesisClient client = client(ClientKind.ASYNC_CBOR_H2C);
    String name = createStream("batch-large", 1);
    List<PutRecordsRequestEntry> large = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      large.add(PutRecordsRequestEntry.builder().partitionKey("k").data(SdkBytes.fromByteArray(new byte[1024 * 1024])).build());
    }
    assertKinesisError(software.amazon.awssdk.services.kinesis.model.InvalidArgumentException.class,
        "Records size exceeds 10 MB limit", () -> client.putRecords(b -> b.streamName(name).records(large)));
  }
}
