package io.tributary.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.support.ApiTest;
import io.tributary.support.RawKinesis;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A request that breaks several rules is refused once, with every violation listed in AWS's order, a
 * missing stream name and a missing partition key among them.
 */
class ValidationListTest extends ApiTest {
  private static final String NULL = "' failed to satisfy constraint: Member must not be null";

  @ParameterizedTest
  @EnumSource(RawKinesis.Format.class)
  void anEmptyRequestListsEveryMissingMember(RawKinesis.Format format) {
    RawKinesis kinesis = RawKinesis.shared(format);
    kinesis.assertError("ValidationException", "3 validation errors detected: Value null at 'shardId" + NULL
        + "; Value null at 'shardIteratorType" + NULL + "; Value null at 'streamName" + NULL,
        "GetShardIterator", RawKinesis.object());
    kinesis.assertError("ValidationException", "3 validation errors detected: Value null at 'partitionKey" + NULL
        + "; Value null at 'data" + NULL + "; Value null at 'streamName" + NULL, "PutRecord", RawKinesis.object());
    kinesis.assertError("ValidationException", "2 validation errors detected: Value null at 'records" + NULL
        + "; Value null at 'streamName" + NULL, "PutRecords", RawKinesis.object());
    kinesis.assertError("ValidationException", "1 validation error detected: Value null at 'streamName" + NULL,
        "DescribeStream", RawKinesis.object());
    kinesis.assertError("ValidationException", "2 validation errors detected: Value null at 'retentionPeriodHours" + NULL
        + "; Value null at 'streamName" + NULL, "IncreaseStreamRetentionPeriod", RawKinesis.object());
  }

  @ParameterizedTest
  @EnumSource(RawKinesis.Format.class)
  void aStreamArnStandsForTheName(RawKinesis.Format format) {
    RawKinesis kinesis = RawKinesis.shared(format);
    kinesis.assertError("ValidationException", "2 validation errors detected: Value null at 'shardId" + NULL
        + "; Value null at 'shardIteratorType" + NULL, "GetShardIterator",
        RawKinesis.object().put("StreamARN", "arn:aws:kinesis:us-east-1:000000000000:stream/anything"));
  }

  @ParameterizedTest
  @EnumSource(RawKinesis.Format.class)
  void aMissingPartitionKeyIsListedWithOtherViolationsAndAloneAfterTheStreamIsFound(RawKinesis.Format format) {
    RawKinesis kinesis = RawKinesis.shared(format);
    String name = createStream("missing-members", 1);
    kinesis.assertError("ValidationException", "2 validation errors detected: Value null at 'partitionKey" + NULL
        + "; Value null at 'data" + NULL, "PutRecord", RawKinesis.object().put("StreamName", name));
    ObjectNode emptyEntry = RawKinesis.object();
    ObjectNode records = RawKinesis.object().put("StreamName", name);
    records.putArray("Records").add(emptyEntry);
    kinesis.assertError("ValidationException", "2 validation errors detected: Value null at 'records.1.member.partitionKey"
        + NULL + "; Value null at 'records.1.member.data" + NULL, "PutRecords", records);
    kinesis.assertError("ValidationException", "1 validation error detected: Value null at 'partitionKey" + NULL,
        "PutRecord", RawKinesis.object().put("StreamName", name).put("Data", "eA=="));
    kinesis.assertError("ResourceNotFoundException", "Stream nowhere-" + name + " under account 000000000000 not found.",
        "PutRecord", RawKinesis.object().put("StreamName", "nowhere-" + name).put("Data", "eA=="));
  }
}
