package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.support.ApiTest;
import io.tributary.support.RawKinesis;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamMode;

/**
 * UpdateStreamRecordDistributionStrategy, and what AUTO changes for producers and consumers: records
 * need no partition key and spread over the open shards, and a record put without a key is read back
 * without one. Sent by hand, since the SDK in this build does not know the operation.
 */
class UpdateStreamRecordDistributionStrategyTest extends ApiTest {
  private static final String OPERATION = "UpdateStreamRecordDistributionStrategy";

  private static String onDemandStream(String prefix) {
    String name = newStreamName(prefix);
    setup().createStream(b -> b.streamName(name).streamModeDetails(m -> m.streamMode(StreamMode.ON_DEMAND)));
    return name;
  }

  private static String arn(String stream) {
    return "arn:aws:kinesis:us-east-1:000000000000:stream/" + stream;
  }

  private static ObjectNode update(String stream, String strategy) {
    return RawKinesis.object().put("StreamARN", arn(stream)).put("RecordDistributionStrategy", strategy);
  }

  private static String strategyOf(RawKinesis kinesis, String stream) {
    return kinesis.ok("DescribeStreamSummary", RawKinesis.object().put("StreamName", stream))
        .get("StreamDescriptionSummary").get("RecordDistributionStrategy").asText();
  }

  private static ObjectNode putRecord(String stream, String partitionKey) {
    ObjectNode request = RawKinesis.object().put("StreamName", stream).put("Data", new byte[] {7});
    if (partitionKey != null) request.put("PartitionKey", partitionKey);
    return request;
  }

  private static ObjectNode putRecords(String stream, int count) {
    ObjectNode request = RawKinesis.object().put("StreamName", stream);
    ArrayNode records = request.putArray("Records");
    for (int i = 0; i < count; i++) records.addObject().put("Data", new byte[] {(byte) i});
    return request;
  }

  @ParameterizedTest
  @EnumSource(RawKinesis.Format.class)
  void autoSpreadsRecordsThatNeedNoPartitionKey(RawKinesis.Format format) {
    RawKinesis kinesis = RawKinesis.shared(format);
    String name = onDemandStream("auto");
    assertEquals("USER_PARTITION_KEY", strategyOf(kinesis, name));
    String missingKey = "1 validation error detected: Value null at 'partitionKey' failed to satisfy constraint: "
        + "Member must not be null";
    kinesis.assertError("ValidationException", missingKey, "PutRecord", putRecord(name, null));
    kinesis.assertError("ValidationException", "2 validation errors detected: Value null at "
        + "'records.1.member.partitionKey' failed to satisfy constraint: Member must not be null; Value null at "
        + "'records.2.member.partitionKey' failed to satisfy constraint: Member must not be null",
        "PutRecords", putRecords(name, 2));

    assertEquals(0, kinesis.ok(OPERATION, update(name, "AUTO")).size(), "an empty answer");
    assertEquals("AUTO", strategyOf(kinesis, name));

    JsonNode put = kinesis.ok("PutRecords", putRecords(name, 200));
    assertEquals(0, put.get("FailedRecordCount").asInt());
    Set<String> shards = new HashSet<>();
    put.get("Records").forEach(result -> shards.add(result.get("ShardId").asText()));
    assertEquals(4, shards.size(), "200 records reach every one of the 4 open shards");
    kinesis.ok("PutRecord", putRecord(name, null));
    // A partition key and an ExplicitHashKey are accepted and ignored for placement, even one out of range.
    kinesis.ok("PutRecord", putRecord(name, "kept").put("ExplicitHashKey", BigInteger.ONE.shiftLeft(128).toString()));
    kinesis.assertError("InvalidArgumentException", "SequenceNumberForOrdering is not supported for stream " + name
        + " under account 000000000000 because it uses the AUTO record distribution strategy.", "PutRecord",
        putRecord(name, "k").put("SequenceNumberForOrdering", "1"));

    // Records put without a key are read back without one, by hand and by the SDK; a given key is kept.
    int withoutKey = 0;
    List<String> keys = new ArrayList<>();
    for (String shard : shards) {
      String iterator = iterator(setup(), name, shard, ShardIteratorType.TRIM_HORIZON);
      for (JsonNode record : kinesis.ok("GetRecords", RawKinesis.object().put("ShardIterator", iterator)).get("Records")) {
        if (record.has("PartitionKey")) keys.add(record.get("PartitionKey").asText()); else withoutKey++;
      }
      for (Record record : setup().getRecords(b -> b.shardIterator(iterator)).records()) {
        assertTrue(record.partitionKey() == null || record.partitionKey().equals("kept"));
      }
    }
    assertEquals(201, withoutKey);
    assertEquals(List.of("kept"), keys);

    kinesis.ok(OPERATION, update(name, "USER_PARTITION_KEY"));
    assertEquals("USER_PARTITION_KEY", strategyOf(kinesis, name));
    kinesis.assertError("ValidationException", missingKey, "PutRecord", putRecord(name, null));
  }

  @ParameterizedTest
  @EnumSource(RawKinesis.Format.class)
  void autoIsOnlyForOnDemandStreams(RawKinesis.Format format) {
    RawKinesis kinesis = RawKinesis.shared(format);
    String name = createStream("provisioned", 1);
    kinesis.assertError("InvalidArgumentException", "The AUTO record distribution strategy is not supported for stream "
        + name + " under account 000000000000 because it is in PROVISIONED capacity mode.", OPERATION,
        update(name, "AUTO"));
    kinesis.ok(OPERATION, update(name, "USER_PARTITION_KEY"));
    assertEquals("USER_PARTITION_KEY", strategyOf(kinesis, name));
  }

  @ParameterizedTest
  @EnumSource(RawKinesis.Format.class)
  void rejectsBadRequests(RawKinesis.Format format) {
    RawKinesis kinesis = RawKinesis.shared(format);
    kinesis.assertError("ValidationException", "2 validation errors detected: Value null at 'streamARN' failed to "
        + "satisfy constraint: Member must not be null; Value null at 'recordDistributionStrategy' failed to satisfy "
        + "constraint: Member must not be null", OPERATION, RawKinesis.object().put("StreamName", "by-name"));
    kinesis.assertError("ValidationException", "2 validation errors detected: Value 'stream/x' at 'streamARN' failed to "
        + "satisfy constraint: Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+; "
        + "Value 'RANDOM' at 'recordDistributionStrategy' failed to satisfy constraint: Member must satisfy enum value "
        + "set: [AUTO, USER_PARTITION_KEY]", OPERATION,
        RawKinesis.object().put("StreamARN", "stream/x").put("RecordDistributionStrategy", "RANDOM"));
    kinesis.assertError("ResourceNotFoundException", "Stream nowhere under account 000000000000 not found.", OPERATION,
        update("nowhere", "AUTO"));
  }

  @ParameterizedTest
  @EnumSource(RawKinesis.Format.class)
  void provisionedStreamsKeepRequiringKeys(RawKinesis.Format format) {
    RawKinesis kinesis = RawKinesis.shared(format);
    String name = createStream("keyed", 1);
    assertEquals("USER_PARTITION_KEY", strategyOf(kinesis, name));
    JsonNode put = kinesis.ok("PutRecord", putRecord(name, "a"));
    assertFalse(put.get("SequenceNumber").asText().isEmpty());
    String iterator = iterator(setup(), name, "shardId-000000000000", ShardIteratorType.TRIM_HORIZON);
    Record record = setup().getRecords(b -> b.shardIterator(iterator)).records().get(0);
    assertEquals("a", record.partitionKey());
  }
}
