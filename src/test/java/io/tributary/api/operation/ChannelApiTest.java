package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.support.ApiTest;
import io.tributary.support.RawKinesis;
import java.util.function.Supplier;

/**
 * What the channel tests share: on-demand streams to read, well-formed CreateChannel requests for both
 * destinations, and waiting for a state. Channel calls are sent by hand, since the SDK in this build does
 * not know them.
 */
abstract class ChannelApiTest extends ApiTest {
  static final String ROLE = "arn:aws:iam::000000000000:role/kinesis-channel-writer";
  static final String BUCKET = "arn:aws:s3:::delivery-bucket";
  static final String TABLE_BUCKET = "arn:aws:s3tables:us-east-1:000000000000:bucket/delivery-tables";
  static final String SCHEMA = "arn:aws:glue:us-east-1:000000000000:schema/registry/orders";

  /** A new on-demand stream in the client's region; its ARN. */
  static String onDemandStream(RawKinesis kinesis, String prefix) {
    String name = newStreamName(prefix);
    ObjectNode request = RawKinesis.object().put("StreamName", name);
    request.putObject("StreamModeDetails").put("StreamMode", "ON_DEMAND");
    kinesis.ok("CreateStream", request);
    return summary(kinesis, name).get("StreamARN").asText();
  }

  static JsonNode summary(RawKinesis kinesis, String streamName) {
    return kinesis.ok("DescribeStreamSummary", RawKinesis.object().put("StreamName", streamName))
        .get("StreamDescriptionSummary");
  }

  static String nameOf(String streamArn) {
    return streamArn.substring(streamArn.indexOf(":stream/") + ":stream/".length());
  }

  /** A CreateChannel request delivering JSON records to a general purpose bucket, with every default left out. */
  static ObjectNode s3Channel(String name, String streamArn) {
    ObjectNode request = RawKinesis.object().put("ChannelName", name).put("ServiceExecutionRoleARN", ROLE);
    request.putArray("StreamConfigurationList").addObject().put("StreamARN", streamArn)
        .putObject("RecordConfiguration").put("RecordFormatType", "JSON");
    request.putObject("S3DestinationConfiguration").putObject("StorageConfiguration")
        .put("BucketARN", BUCKET).put("ExpectedBucketOwner", "000000000000").put("CompressionType", "GZIP");
    return request;
  }

  /** A CreateChannel request delivering schema-checked records to a table, with every optional member given. */
  static ObjectNode tablesChannel(String name, String streamArn) {
    ObjectNode request = RawKinesis.object().put("ChannelName", name).put("ServiceExecutionRoleARN", ROLE);
    request.putArray("StreamConfigurationList").addObject().put("StreamARN", streamArn)
        .putObject("RecordConfiguration").put("RecordFormatType", "GSR_JSON").put("GSRSchemaARN", SCHEMA);
    ObjectNode destination = request.putObject("S3TablesDestinationConfiguration");
    destination.putObject("DeadLetterQueueS3Configuration").put("BucketARN", BUCKET)
        .put("ExpectedBucketOwner", "000000000000").put("ErrorOutputPrefix", "failed/");
    ObjectNode table = destination.putArray("S3TablesConfigurationList").addObject()
        .put("TableBucketARN", TABLE_BUCKET).put("Namespace", "analytics").put("TableName", "orders")
        .put("CompressionType", "ZSTD");
    table.putObject("PartitionSpec").putArray("PartitionFields").addObject()
        .put("Transform", "TIME_HOUR").put("SourceName", "event_time");
    destination.put("DataFreshnessInSeconds", 600);
    request.putObject("EncryptionConfiguration").put("EncryptionType", "KMS").put("KeyId", "alias/delivery");
    request.putObject("Tags").put("team", "data");
    request.putObject("LoggingConfiguration").putObject("CloudWatchLogs").put("Enabled", true)
        .put("LogGroupName", "/kinesis/channels").put("LogStreamName", "orders");
    return request;
  }

  /** Creates a channel; its description as CreateChannel answered it. */
  static JsonNode create(RawKinesis kinesis, ObjectNode request) {
    return kinesis.ok("CreateChannel", request).get("ChannelDescription");
  }

  static ObjectNode byArn(String channelArn) {
    return RawKinesis.object().put("ChannelARN", channelArn);
  }

  static JsonNode describe(RawKinesis kinesis, String channelArn) {
    return kinesis.ok("DescribeChannel", byArn(channelArn)).get("ChannelDescription");
  }

  /** Waits up to 5 s for the value to become the expected one. */
  static void await(String expected, Supplier<String> value) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!expected.equals(value.get()) && System.nanoTime() < deadline) Thread.sleep(25);
    assertEquals(expected, value.get());
  }
}
