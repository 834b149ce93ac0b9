package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import java.math.BigInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

class PutRecordTest extends ApiTest {

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void routesByPartitionKeyHash(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("route", 2);
    // MD5("a") = 0cc175b9... lies in the lower half, MD5("b") = 92eb5ffe... in the upper half.
    PutRecordResponse a = client.putRecord(b -> b.streamName(name).partitionKey("a").data(SdkBytes.fromUtf8String("1")));
    PutRecordResponse b2 = client.putRecord(b -> b.streamName(name).partitionKey("b").data(SdkBytes.fromUtf8String("2")));
    assertEquals("shardId-000000000000", a.shardId());
    assertEquals("shardId-000000000001", b2.shardId());
    assertEquals(56, a.sequenceNumber().length());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void routesByExplicitHashKeyAndIncreasesSequenceNumbers(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("explicit", 2);
    String upper = BigInteger.ONE.shiftLeft(127).add(BigInteger.TEN).toString();
    BigInteger previous = BigInteger.ZERO;
    for (int i = 0; i < 5; i++) {
      PutRecordResponse response = client.putRecord(b -> b.streamName(name).partitionKey("a").explicitHashKey(upper)
          .data(SdkBytes.fromUtf8String("x")));
      assertEquals("shardId-000000000001", response.shardId());
      BigInteger sequence = new BigInteger(response.sequenceNumber());
      assertTrue(sequence.compareTo(previous) > 0, "sequence numbers strictly increase");
      previous = sequence;
    }
    String last = previous.toString();
    PutRecordResponse ordered = client.putRecord(b -> b.streamName(name).partitionKey("a").explicitHashKey(upper)
        .sequenceNumberForOrdering(last).data(SdkBytes.fromUtf8String("y")));
    assertTrue(new BigInteger(ordered.sequenceNumber()).compareTo(previous) > 0);
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void rejectsBadInput(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("bad-put", 1);
    String tooBig = BigInteger.ONE.shiftLeft(128).toString();
    assertKinesisError(InvalidArgumentException.class, "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: "
            + "[0, 2^128-1]. Specified value was " + tooBig,
        () -> client.putRecord(b -> b.streamName(name).partitionKey("a").explicitHashKey(tooBig)
            .data(SdkBytes.fromUtf8String("x"))));
    assertKinesisError(ResourceNotFoundException.class, "Stream nowhere under account 000000000000 not found.",
        () -> client.putRecord(b -> b.streamName("nowhere").partitionKey("a").data(SdkBytes.fromUtf8String("x"))));

    KinesisException validation = assertKinesisError(KinesisException.class,
        "2 validation errors detected: Value '" + "k".repeat(257) + "' at 'partitionKey' failed to satisfy constraint: "
            + "Member must have length less than or equal to 256; Value 'x' at 'explicitHashKey' failed to satisfy "
            + "constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})",
        () -> client.putRecord(b -> b.streamName(name).partitionKey("k".repeat(257)).explicitHashKey("x")
            .data(SdkBytes.fromUtf8String("x"))));
    assertEquals("ValidationException", validation.awsErrorDetails().errorCode());

    byte[] oversized = new byte[1024 * 1024 + 1];
    KinesisException tooLarge = assertKinesisError(KinesisException.class,
        "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' at 'data' failed "
            + "to satisfy constraint: Member must have length less than or equal to 1048576",
        () -> client.putRecord(b -> b.streamName(name).partitionKey("a").data(SdkBytes.fromByteArray(oversized))));
    assertEquals("ValidationException", tooLarge.awsErrorDetails().errorCode());

    // Exactly 1 MiB of data is allowed.
    byte[] largest = new byte[1024 * 1024];
    assertEquals("shardId-000000000000",
        client.putRecord(b -> b.streamName(name).partitionKey("a").data(SdkBytes.fromByteArray(largest))).shardId());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void takesAnyWellFormedSequenceNumberForOrdering(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("ordering", 1);
    String versionOneZeros = new BigInteger("20000000000000000000000000000000000000000000001", 16).toString();
    assertEquals("shardId-000000000000", client.putRecord(b -> b.streamName(name).partitionKey("a")
        .sequenceNumberForOrdering(versionOneZeros).data(SdkBytes.fromUtf8String("x"))).shardId());
    String allF = new BigInteger("f".repeat(47), 16).toString();
    assertKinesisError(InvalidArgumentException.class, "ExclusiveMinimumSequenceNumber " + allF + " used in PutRecord on "
            + "stream " + name + " under account 000000000000 is invalid.",
        () -> client.putRecord(b -> b.streamName(name).partitionKey("a").sequenceNumberForOrdering(allF)
            .data(SdkBytes.fromUtf8String("x"))));
  }
}
