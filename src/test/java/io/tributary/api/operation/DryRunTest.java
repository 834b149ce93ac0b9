package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.support.ApiTest;
import io.tributary.support.RawKinesis;
import java.math.BigInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * DryRun on PutRecord, PutRecords, GetShardIterator and GetRecords: the call is checked in full and then
 * refused with DryRunOperationException, and nothing is written. Sent by hand, since the SDK in this
 * build does not know the member.
 */
class DryRunTest extends ApiTest {
  private static final String DRY_RUN = "DryRunOperationException";
  private static final String MESSAGE = "The request was rejected because the DryRun parameter was specified.";

  private static ObjectNode putRecord(String stream, boolean dryRun) {
    ObjectNode request = RawKinesis.object().put("StreamName", stream).put("PartitionKey", "k").put("DryRun", dryRun);
    request.put("Data", new byte[] {1, 2, 3});
    return request;
  }

  private static ObjectNode putRecords(String stream, String explicitHashKey) {
    ObjectNode request = RawKinesis.object().put("StreamName", stream).put("DryRun", true);
    ObjectNode entry = request.putArray("Records").addObject().put("PartitionKey", "k").put("Data", new byte[] {1});
    if (explicitHashKey != null) entry.put("ExplicitHashKey", explicitHashKey);
    return request;
  }

  private static int recordCount(String stream) {
    String iterator = iterator(setup(), stream, "shardId-000000000000", ShardIteratorType.TRIM_HORIZON);
    return setup().getRecords(b -> b.shardIterator(iterator)).records().size();
  }

  @ParameterizedTest
  @EnumSource(RawKinesis.Format.class)
  void putsAreCheckedButNotWritten(RawKinesis.Format format) {
    RawKinesis kinesis = RawKinesis.shared(format);
    String name = createStream("dry-put", 1);

    kinesis.assertError(DRY_RUN, MESSAGE, "PutRecord", putRecord(name, true));
    kinesis.assertError(DRY_RUN, MESSAGE, "PutRecords", putRecords(name, null));
    assertEquals(0, recordCount(name), "a dry run writes nothing");

    // Every check still runs first.
    kinesis.assertError("ResourceNotFoundException", "Stream nowhere under account 000000000000 not found.",
        "PutRecord", putRecord("nowhere", true));
    String tooBig = BigInteger.ONE.shiftLeft(128).toString();
    kinesis.assertError("InvalidArgumentException", "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: "
        + "[0, 2^128-1]. Specified value was " + tooBig, "PutRecords", putRecords(name, tooBig));
    kinesis.assertError("InvalidArgumentException", "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: "
        + "[0, 2^128-1]. Specified value was " + tooBig, "PutRecord", putRecord(name, true).put("ExplicitHashKey", tooBig));

    // DryRun false is an ordinary put.
    assertEquals("shardId-000000000000", kinesis.ok("PutRecord", putRecord(name, false)).get("ShardId").asText());
    assertEquals(1, recordCount(name));
  }

  @ParameterizedTest
  @EnumSource(RawKinesis.Format.class)
  void readsAreCheckedButNotServed(RawKinesis.Format format) {
    RawKinesis kinesis = RawKinesis.shared(format);
    String name = createStream("dry-read", 1);
    put(name, "k", "v");

    ObjectNode getIterator = RawKinesis.object().put("StreamName", name).put("ShardId", "shardId-000000000000")
        .put("ShardIteratorType", "TRIM_HORIZON").put("DryRun", true);
    kinesis.assertError(DRY_RUN, MESSAGE, "GetShardIterator", getIterator);
    kinesis.assertError("ResourceNotFoundException", "Shard shardId-000000000007 in stream " + name
        + " under account 000000000000 does not exist", "GetShardIterator", getIterator.deepCopy()
        .put("ShardId", "shardId-000000000007"));
    kinesis.assertError("InvalidArgumentException", "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER "
        + "and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified "
        + "AT_SEQUENCE_NUMBER and no StartingSequenceNumber.", "GetShardIterator", getIterator.deepCopy()
        .put("ShardIteratorType", "AT_SEQUENCE_NUMBER"));

    String iterator = iterator(setup(), name, "shardId-000000000000", ShardIteratorType.TRIM_HORIZON);
    kinesis.assertError(DRY_RUN, MESSAGE, "GetRecords",
        RawKinesis.object().put("ShardIterator", iterator).put("DryRun", true));
    kinesis.assertError("InvalidArgumentException", "Invalid ShardIterator.", "GetRecords",
        RawKinesis.object().put("ShardIterator", iterator.substring(0, 20) + (iterator.charAt(20) == 'A' ? 'B' : 'A')
            + iterator.substring(21)).put("DryRun", true));

    // The iterator is as good as before: the dry run read nothing and moved nothing.
    assertTrue(kinesis.ok("GetRecords", RawKinesis.object().put("ShardIterator", iterator).put("DryRun", false))
        .get("Records").size() == 1);
  }

  @ParameterizedTest
  @EnumSource(RawKinesis.Format.class)
  void dryRunMustBeABoolean(RawKinesis.Format format) {
    RawKinesis.Reply reply = RawKinesis.shared(format).call("GetRecords",
        RawKinesis.object().put("ShardIterator", "x").put("DryRun", "yes"));
    assertEquals(400, reply.status());
    assertEquals("SerializationException", reply.errorType());
    assertEquals("'YES' can not be converted to an Boolean", reply.body().get("Message").asText());
  }
}
