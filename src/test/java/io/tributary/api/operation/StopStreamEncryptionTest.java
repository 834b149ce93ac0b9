package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import java.util.List;
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

class StopStreamEncryptionTest extends ApiTest {
  private static final String KEY = "arn:aws:kms:us-east-1:123456789012:key/12345678-1234-1234-1234-123456789012";

  private static String encryptedStream(String prefix) {
    String name = createStream(prefix, 1);
    setup().startStreamEncryption(b -> b.streamName(name).encryptionType(EncryptionType.KMS).keyId(KEY));
    return name;
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void stopsEncryptingRecordsWrittenFromThenOn(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = encryptedStream("decrypt");
    put(name, "a", "secret");

    client.stopStreamEncryption(b -> b.streamName(name).encryptionType(EncryptionType.KMS).keyId(KEY));
    StreamDescription description = client.describeStream(b -> b.streamName(name)).streamDescription();
    assertEquals(EncryptionType.NONE, description.encryptionType());
    assertNull(description.keyId());
    StreamDescriptionSummary summary = client.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary();
    assertEquals(EncryptionType.NONE, summary.encryptionType());
    assertNull(summary.keyId());

    assertNull(client.putRecord(b -> b.streamName(name).partitionKey("a").data(SdkBytes.fromUtf8String("plain")))
        .encryptionType());
    assertNull(client.putRecords(b -> b.streamName(name).records(
        PutRecordsRequestEntry.builder().partitionKey("a").data(SdkBytes.fromUtf8String("batch")).build()))
        .encryptionType());

    // Records written while the stream was encrypted stay so.
    String iterator = iterator(client, name, "shardId-000000000000", ShardIteratorType.TRIM_HORIZON);
    List<Record> records = client.getRecords(b -> b.shardIterator(iterator)).records();
    assertEquals(List.of("secret", "plain", "batch"), records.stream().map(r -> r.data().asUtf8String()).toList());
    assertEquals(EncryptionType.KMS, records.get(0).encryptionType());
    assertNull(records.get(1).encryptionType());
    assertNull(records.get(2).encryptionType());

    // Encrypted again: only the records written from then on report it.
    client.startStreamEncryption(b -> b.streamName(name).encryptionType(EncryptionType.KMS).keyId(KEY));
    put(name, "a", "secret again");
    String again = iterator(client, name, "shardId-000000000000", ShardIteratorType.TRIM_HORIZON);
    assertEquals(java.util.Arrays.asList(EncryptionType.KMS, null, null, EncryptionType.KMS),
        client.getRecords(b -> b.shardIterator(again)).records().stream().map(Record::encryptionType).toList());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void refusesKeysOfNoKnownFormAndEncryptionTypeNone(ClientKind kind) {
    String name = encryptedStream("decrypt-bad");
    assertKinesisError(InvalidArgumentException.class, "Received KeyId is not a properly formatted Alias or GUID",
        () -> client(kind).stopStreamEncryption(b -> b.streamName(name).encryptionType(EncryptionType.KMS)
            .keyId("1234")));
    assertKinesisError(InvalidArgumentException.class, "Received KeyId ARN is not a properly formatted ARN",
        () -> client(kind).stopStreamEncryption(b -> b.streamName(name).encryptionType(EncryptionType.KMS)
            .keyId("arn:aws:kinesis:us-east-1:123456789012:stream/x")));
    assertKinesisError(InvalidArgumentException.class, "KMS is the only valid EncryptionType for this request",
        () -> client(kind).stopStreamEncryption(b -> b.streamName(name).encryptionType(EncryptionType.NONE)
            .keyId(KEY)));
    assertEquals(EncryptionType.KMS, client(kind).describeStream(b -> b.streamName(name)).streamDescription()
        .encryptionType());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void needsAnActiveStream(ClientKind kind) {
    assertNeedsAnActiveStream(kind, (client, name) -> client.stopStreamEncryption(b -> b
            .streamName(name).encryptionType(EncryptionType.KMS).keyId(KEY)));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void reportsAMissingStream(ClientKind kind) {
    assertReportsAMissingStream(kind, (client, name) ->
        client.stopStreamEncryption(b -> b.streamName(name).encryptionType(EncryptionType.KMS)
            .keyId(KEY)));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void validatesTheRequest(ClientKind kind) {
    KinesisException missing = assertKinesisError(KinesisException.class,
        "3 validation errors detected: Value 'no way' at 'streamName' failed to satisfy constraint: Member must satisfy "
            + "regular expression pattern: [a-zA-Z0-9_.-]+; Value null at 'encryptionType' failed to satisfy "
            + "constraint: Member must not be null; Value null at 'keyId' failed to satisfy constraint: Member must not "
            + "be null",
        () -> client(kind).stopStreamEncryption(b -> b.streamName("no way")));
    assertEquals("ValidationException", missing.awsErrorDetails().errorCode());
  }
}
