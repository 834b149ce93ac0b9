package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.EncryptionType;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamDescription;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

class StartStreamEncryptionTest extends ApiTest {

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void encryptsRecordsWrittenFromThenOn(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("encrypt", 1);
    assertNull(client.putRecord(b -> b.streamName(name).partitionKey("a").data(SdkBytes.fromUtf8String("plain")))
        .encryptionType());

    client.startStreamEncryption(b -> b.streamName(name).encryptionType(EncryptionType.KMS).keyId("alias/aws/kinesis"));
    StreamDescription description = client.describeStream(b -> b.streamName(name)).streamDescription();
    assertEquals(EncryptionType.KMS, description.encryptionType());
    assertEquals("alias/aws/kinesis", description.keyId());
    assertEquals(StreamStatus.ACTIVE, description.streamStatus());
    StreamDescriptionSummary summary = client.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary();
    assertEquals(EncryptionType.KMS, summary.encryptionType());
    assertEquals("alias/aws/kinesis", summary.keyId());

    assertEquals(EncryptionType.KMS, client.putRecord(b -> b.streamName(name).partitionKey("a")
        .data(SdkBytes.fromUtf8String("secret"))).encryptionType());
    assertEquals(EncryptionType.KMS, client.putRecords(b -> b.streamName(name).records(
        PutRecordsRequestEntry.builder().partitionKey("a").data(SdkBytes.fromUtf8String("batch")).build()))
        .encryptionType());

    String iterator = iterator(client, name, "shardId-000000000000", ShardIteratorType.TRIM_HORIZON);
    List<Record> records = client.getRecords(b -> b.shardIterator(iterator)).records();
    assertEquals(List.of("plain", "secret", "batch"), records.stream().map(r -> r.data().asUtf8String()).toList());
    assertNull(records.get(0).encryptionType());
    assertEquals(EncryptionType.KMS, records.get(1).encryptionType());
    assertEquals(EncryptionType.KMS, records.get(2).encryptionType());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void acceptsEveryFormOfKeyAndReplacesTheKey(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("encrypt-keys", 1);
    for (String keyId : List.of("12345678-1234-1234-1234-123456789012",
        "mrk-1234abcd12ab34cd56ef1234567890ab",
        "arn:aws:kms:us-east-1:123456789012:key/12345678-1234-1234-1234-123456789012",
        "arn:aws:kms:us-east-1:123456789012:alias/MyAliasName",
        "alias/MyAliasName")) {
      client.startStreamEncryption(b -> b.streamName(name).encryptionType(EncryptionType.KMS).keyId(keyId));
      assertEquals(keyId, client.describeStream(b -> b.streamName(name)).streamDescription().keyId());
    }
  }

  @Test
  void isUpdatingUntilEncryptionIsOn() {
    try (TestServer slow = TestServer.start(Map.of("stream.update.delay.ms", "400"))) {
      KinesisClient client = KinesisClients.of(ClientKind.ASYNC_JSON_H2C, slow.endpoint());
      client.createStream(b -> b.streamName("slow").shardCount(1));
      client.startStreamEncryption(b -> b.streamName("slow").encryptionType(EncryptionType.KMS)
          .keyId("alias/aws/kinesis"));
      assertEquals(StreamStatus.UPDATING, client.describeStreamSummary(b -> b.streamName("slow"))
          .streamDescriptionSummary().streamStatus());
      // Writes go on while the stream is UPDATING.
      client.putRecord(b -> b.streamName("slow").partitionKey("a").data(SdkBytes.fromUtf8String("x")));
      awaitActive(client, "slow");
      assertEquals(EncryptionType.KMS, client.describeStreamSummary(b -> b.streamName("slow"))
          .streamDescriptionSummary().encryptionType());
    }
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void refusesKeysOfNoKnownForm(ClientKind kind) {
    String name = createStream("encrypt-bad-key", 1);
    assertKinesisError(InvalidArgumentException.class, "Received KeyId is not a properly formatted Alias or GUID",
        () -> client(kind).startStreamEncryption(b -> b.streamName(name).encryptionType(EncryptionType.KMS)
            .keyId("my-key")));
    assertKinesisError(InvalidArgumentException.class, "Received KeyId ARN is not a properly formatted ARN",
        () -> client(kind).startStreamEncryption(b -> b.streamName(name).encryptionType(EncryptionType.KMS)
            .keyId("arn:aws:kms:us-east-1:123456789012:key/not-a-guid")));
    assertEquals(EncryptionType.NONE, client(kind).describeStream(b -> b.streamName(name)).streamDescription()
        .encryptionType());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void refusesEncryptionTypeNone(ClientKind kind) {
    String name = createStream("encrypt-none", 1);
    assertKinesisError(InvalidArgumentException.class, "KMS is the only valid EncryptionType for this request",
        () -> client(kind).startStreamEncryption(b -> b.streamName(name).encryptionType(EncryptionType.NONE)
            .keyId("alias/aws/kinesis")));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void needsAnActiveStream(ClientKind kind) {
    assertNeedsAnActiveStream(kind, (client, name) -> client.startStreamEncryption(b -> b
            .streamName(name).encryptionType(EncryptionType.KMS).keyId("alias/aws/kinesis")));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void reportsAMissingStream(ClientKind kind) {
    assertReportsAMissingStream(kind, (client, name) ->
        client.startStreamEncryption(b -> b.streamName(name).encryptionType(EncryptionType.KMS)
            .keyId("alias/aws/kinesis")));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void validatesTheRequest(ClientKind kind) {
    KinesisException missing = assertKinesisError(KinesisException.class,
        "2 validation errors detected: Value null at 'encryptionType' failed to satisfy constraint: Member must not be "
            + "null; Value null at 'keyId' failed to satisfy constraint: Member must not be null",
        () -> client(kind).startStreamEncryption(b -> b.streamName("any")));
    assertEquals("ValidationException", missing.awsErrorDetails().errorCode());
    assertKinesisError(KinesisException.class,
        "2 validation errors detected: Value 'AES' at 'encryptionType' failed to satisfy constraint: Member must "
            + "satisfy enum value set: [NONE, KMS]; Value '' at 'keyId' failed to satisfy constraint: Member must have "
            + "length greater than or equal to 1",
        () -> client(kind).startStreamEncryption(b -> b.streamName("any").encryptionType("AES").keyId("")));
    assertKinesisError(KinesisException.class,
        "1 validation error detected: Value '" + "k".repeat(2049) + "' at 'keyId' failed to satisfy constraint: Member "
            + "must have length less than or equal to 2048",
        () -> client(kind).startStreamEncryption(b -> b.streamName("any").encryptionType(EncryptionType.KMS)
            .keyId("k".repeat(2049))));
  }
}
