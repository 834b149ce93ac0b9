package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.support.RawKinesis;
import io.tributary.support.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CreateChannelTest extends ChannelApiTest {

  @ParameterizedTest
  @EnumSource(RawKinesis.Format.class)
  void createsAnS3ChannelWithTheDocumentedDefaults(RawKinesis.Format format) {
    RawKinesis kinesis = RawKinesis.shared(format);
    String streamArn = onDemandStream(kinesis, "s3-source");
    long before = System.currentTimeMillis();
    String name = newStreamName("to-s3");
    JsonNode created = create(kinesis, s3Channel(name, streamArn));

    assertEquals(name, created.get("ChannelName").asText());
    String id = created.get("ChannelId").asText();
    assertTrue(id.length() >= 1 && id.length() <= 64, id);
    assertEquals("arn:aws:kinesis:us-east-1:000000000000:channel/" + id, created.get("ChannelARN").asText());
    assertEquals("CREATING", created.get("ChannelStatus").asText(), "CreateChannel answers before provisioning");
    long createdAt = kinesis.millis(created.get("ChannelCreationTimestamp"));
    assertTrue(createdAt >= before && createdAt <= System.currentTimeMillis() + 1000);
    assertEquals(ROLE, created.get("ServiceExecutionRoleARN").asText());

    JsonNode source = created.get("StreamConfigurationList").get(0);
    assertEquals(streamArn, source.get("StreamARN").asText());
    assertEquals(kinesis.millis(summary(kinesis, nameOf(streamArn)).get("StreamCreationTimestamp")),
        kinesis.millis(source.get("StreamCreationTimestamp")));
    assertEquals("JSON", source.get("RecordConfiguration").get("RecordFormatType").asText());

    assertFalse(created.get("LoggingConfiguration").get("CloudWatchLogs").get("Enabled").asBoolean());
    JsonNode destination = created.get("S3DestinationConfiguration");
    assertEquals(300, destination.get("DataFreshnessInSeconds").asInt());
    assertEquals("GZIP", destination.get("StorageConfiguration").get("CompressionType").asText());
    JsonNode deadLetters = destination.get("DeadLetterQueueS3Configuration");
    assertEquals(BUCKET, deadLetters.get("BucketARN").asText(), "the destination bucket takes undeliverable records");
    assertEquals("000000000000", deadLetters.get("ExpectedBucketOwner").asText());
    assertFalse(created.has("S3TablesDestinationConfiguration"));
    assertFalse(created.has("EncryptionConfiguration"));

    JsonNode described = describe(kinesis, created.get("ChannelARN").asText());
    assertEquals("ACTIVE", described.get("ChannelStatus").asText());
    assertEquals(1, summary(kinesis, nameOf(streamArn)).get("ChannelCount").asInt());
  }

  @ParameterizedTest
  @EnumSource(RawKinesis.Format.class)
  void createsAnS3TablesChannelKeepingEverySetting(RawKinesis.Format format) {
    RawKinesis kinesis = RawKinesis.shared(format);
    String streamArn = onDemandStream(kinesis, "tables-source");
    ObjectNode request = tablesChannel(newStreamName("to-tables"), streamArn);
    JsonNode created = create(kinesis, request);

    assertEquals(request.get("S3TablesDestinationConfiguration"), created.get("S3TablesDestinationConfiguration"));
    assertEquals(request.get("EncryptionConfiguration"), created.get("EncryptionConfiguration"));
    assertEquals(request.get("LoggingConfiguration"), created.get("LoggingConfiguration"));
    assertEquals(request.get("StreamConfigurationList").get(0).get("RecordConfiguration"),
        created.get("StreamConfigurationList").get(0).get("RecordConfiguration"));
    assertFalse(created.has("S3DestinationConfiguration"));
    assertEquals(created.get("S3TablesDestinationConfiguration"),
        describe(kinesis, created.get("ChannelARN").asText()).get("S3TablesDestinationConfiguration"));
  }

  @ParameterizedTest
  @EnumSource(RawKinesis.Format.class)
  void refusesANameInUseAndStreamsItCannotRead(RawKinesis.Format format) {
    RawKinesis kinesis = RawKinesis.shared(format);
    String streamArn = onDemandStream(kinesis, "taken-source");
    String name = newStreamName("taken");
    create(kinesis, s3Channel(name, streamArn));
    kinesis.assertError("ResourceInUseException", "Channel " + name + " under account 000000000000 already exists.",
        "CreateChannel", s3Channel(name, onDemandStream(kinesis, "other-source")));

    String provisioned = createStream("provisioned-source", 1);
    kinesis.assertError("ValidationException", "CreateChannel is not supported for stream " + provisioned
        + " under account 000000000000 because it is in PROVISIONED capacity mode.", "CreateChannel",
        s3Channel(newStreamName("c"), "arn:aws:kinesis:us-east-1:000000000000:stream/" + provisioned));
    kinesis.assertError("ResourceNotFoundException", "Stream nowhere under account 000000000000 not found.",
        "CreateChannel", s3Channel(newStreamName("c"), "arn:aws:kinesis:us-east-1:000000000000:stream/nowhere"));
  }

  @ParameterizedTest
  @EnumSource(RawKinesis.Format.class)
  void checksEveryMemberAgainstTheModel(RawKinesis.Format format) {
    RawKinesis kinesis = RawKinesis.shared(format);
    kinesis.assertError("ValidationException", "3 validation errors detected: Value null at 'channelName' failed to "
        + "satisfy constraint: Member must not be null; Value null at 'serviceExecutionRoleARN' failed to satisfy "
        + "constraint: Member must not be null; Value null at 'streamConfigurationList' failed to satisfy constraint: "
        + "Member must not be null", "CreateChannel", RawKinesis.object());

    ObjectNode request = s3Channel("bad name", "arn:aws:kinesis:us-east-1:000000000000:stream/s");
    request.put("ServiceExecutionRoleARN", "arn:aws:iam::000000000000:user/someone");
    ((ObjectNode) request.get("StreamConfigurationList").get(0).get("RecordConfiguration"))
        .put("RecordFormatType", "XML");
    ((ObjectNode) request.get("S3DestinationConfiguration").get("StorageConfiguration"))
        .put("BucketARN", "arn:aws:s3:::B").put("ExpectedBucketOwner", "123").put("CompressionType", "BZIP2");
    kinesis.assertError("ValidationException", "7 validation errors detected: "
        + "Value 'bad name' at 'channelName' failed to satisfy constraint: Member must satisfy regular expression "
        + "pattern: [a-zA-Z0-9_.-]+; "
        + "Value 'arn:aws:iam::000000000000:user/someone' at 'serviceExecutionRoleARN' failed to satisfy constraint: "
        + "Member must satisfy regular expression pattern: arn:aws[-a-z0-9]*:iam::\\d{12}:role/[a-zA-Z_0-9+=,.@\\-_/]+; "
        + "Value 'XML' at 'streamConfigurationList.1.member.recordConfiguration.recordFormatType' failed to satisfy "
        + "constraint: Member must satisfy enum value set: [GSR_JSON, JSON, STRING, BYTE_ARRAY]; "
        + "Value 'arn:aws:s3:::B' at 's3DestinationConfiguration.storageConfiguration.bucketARN' failed to satisfy "
        + "constraint: Member must satisfy regular expression pattern: arn:aws[-a-z0-9]*:s3:::[a-z0-9._-]{3,63}; "
        + "Value '123' at 's3DestinationConfiguration.storageConfiguration.expectedBucketOwner' failed to satisfy "
        + "constraint: Member must have length greater than or equal to 12; "
        + "Value '123' at 's3DestinationConfiguration.storageConfiguration.expectedBucketOwner' failed to satisfy "
        + "constraint: Member must satisfy regular expression pattern: \\d{12}; "
        + "Value 'BZIP2' at 's3DestinationConfiguration.storageConfiguration.compressionType' failed to satisfy "
        + "constraint: Member must satisfy enum value set: [NONE, GZIP, ZSTD]",
        "CreateChannel", request);

    ObjectNode emptyList = s3Channel("c", "arn:aws:kinesis:us-east-1:000000000000:stream/s");
    emptyList.putArray("StreamConfigurationList");
    kinesis.assertError("ValidationException", "1 validation error detected: Value '[]' at 'streamConfigurationList' "
        + "failed to satisfy constraint: Member must have length greater than or equal to 1", "CreateChannel", emptyList);
  }

  @ParameterizedTest
  @EnumSource(RawKinesis.Format.class)
  void holdsToTheDocumentedDestinationRules(RawKinesis.Format format) {
    RawKinesis kinesis = RawKinesis.shared(format);
    String streamArn = onDemandStream(kinesis, "rules-source");
    String exactlyOne = "Exactly one of S3DestinationConfiguration and S3TablesDestinationConfiguration must be "
        + "specified.";
    ObjectNode both = s3Channel("both", streamArn);
    both.set("S3TablesDestinationConfiguration", tablesChannel("t", streamArn).get("S3TablesDestinationConfiguration"));
    kinesis.assertError("InvalidArgumentException", exactlyOne, "CreateChannel", both);
    ObjectNode neither = s3Channel("neither", streamArn);
    neither.remove("S3DestinationConfiguration");
    kinesis.assertError("InvalidArgumentException", exactlyOne, "CreateChannel", neither);

    ObjectNode twoStreams = s3Channel("two", streamArn);
    ArrayNode streams = (ArrayNode) twoStreams.get("StreamConfigurationList");
    streams.add(streams.get(0).deepCopy());
    kinesis.assertError("InvalidArgumentException", "Currently, only one stream is supported per channel.",
        "CreateChannel", twoStreams);

    ObjectNode gsrToS3 = s3Channel("gsr", streamArn);
    ((ObjectNode) gsrToS3.get("StreamConfigurationList").get(0).get("RecordConfiguration"))
        .put("RecordFormatType", "GSR_JSON");
    kinesis.assertError("InvalidArgumentException", "RecordFormatType GSR_JSON is supported only for streaming table "
        + "(Amazon S3 Tables) destinations.", "CreateChannel", gsrToS3);
    ObjectNode stringsToTables = tablesChannel("strings", streamArn);
    ((ObjectNode) stringsToTables.get("StreamConfigurationList").get(0).get("RecordConfiguration"))
        .put("RecordFormatType", "STRING");
    kinesis.assertError("InvalidArgumentException", "RecordFormatType STRING is supported only for general purpose "
        + "Amazon S3 destinations.", "CreateChannel", stringsToTables);
    ObjectNode noSchema = tablesChannel("no-schema", streamArn);
    ((ObjectNode) noSchema.get("StreamConfigurationList").get(0).get("RecordConfiguration")).remove("GSRSchemaARN");
    kinesis.assertError("InvalidArgumentException", "GSRSchemaARN is required when the channel destination is a "
        + "streaming table (Amazon S3 Tables).", "CreateChannel", noSchema);
    ObjectNode twoTables = tablesChannel("two-tables", streamArn);
    ArrayNode tables = (ArrayNode) twoTables.get("S3TablesDestinationConfiguration").get("S3TablesConfigurationList");
    tables.add(tables.get(0).deepCopy());
    kinesis.assertError("InvalidArgumentException", "Currently, only one table is supported per channel.",
        "CreateChannel", twoTables);
    assertEquals(0, summary(kinesis, nameOf(streamArn)).get("ChannelCount").asInt(), "no refused channel was created");
  }

  @Test
  void isCreatingForTheCreateDelay() throws InterruptedException {
    try (TestServer slow = TestServer.start(Map.of("stream.create.delay.ms", "300"))) {
      RawKinesis kinesis = new RawKinesis(slow.endpoint(), RawKinesis.Format.JSON);
      ObjectNode stream = RawKinesis.object().put("StreamName", "slow");
      stream.putObject("StreamModeDetails").put("StreamMode", "ON_DEMAND");
      kinesis.ok("CreateStream", stream);
      await("ACTIVE", () -> summary(kinesis, "slow").get("StreamStatus").asText());
      String arn = create(kinesis, s3Channel("slow-channel", "arn:aws:kinesis:us-east-1:000000000000:stream/slow"))
          .get("ChannelARN").asText();
      assertEquals("CREATING", describe(kinesis, arn).get("ChannelStatus").asText());
      await("ACTIVE", () -> describe(kinesis, arn).get("ChannelStatus").asText());
    }
  }
}
