package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.support.RawKinesis;
import io.tributary.support.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class UpdateChannelTest extends ChannelApiTest {

  private static ObjectNode freshness(String channelArn, String destination, int seconds) {
    ObjectNode request = byArn(channelArn);
    request.putObject(destination).put("DataFreshnessInSeconds", seconds);
    return request;
  }

  @ParameterizedTest
  @EnumSource(RawKinesis.Format.class)
  void changesDataFreshnessAndLogging(RawKinesis.Format format) {
    RawKinesis kinesis = RawKinesis.shared(format);
    JsonNode created = create(kinesis, s3Channel(newStreamName("updated"), onDemandStream(kinesis, "source")));
    String arn = created.get("ChannelARN").asText();

    ObjectNode request = freshness(arn, "S3DestinationConfiguration", 900);
    request.putObject("LoggingConfiguration").putObject("CloudWatchLogs").put("Enabled", true)
        .put("LogGroupName", "/kinesis/updated");
    JsonNode updated = kinesis.ok("UpdateChannel", request).get("ChannelDescription");
    assertEquals("UPDATING", updated.get("ChannelStatus").asText(), "UpdateChannel answers before applying");
    assertEquals(900, updated.get("S3DestinationConfiguration").get("DataFreshnessInSeconds").asInt());
    assertEquals(request.get("LoggingConfiguration"), updated.get("LoggingConfiguration"));

    JsonNode described = describe(kinesis, arn);
    assertEquals("ACTIVE", described.get("ChannelStatus").asText());
    assertEquals(900, described.get("S3DestinationConfiguration").get("DataFreshnessInSeconds").asInt());
    assertEquals(created.get("S3DestinationConfiguration").get("StorageConfiguration"),
        described.get("S3DestinationConfiguration").get("StorageConfiguration"), "the rest is unchanged");
    assertEquals("/kinesis/updated",
        described.get("LoggingConfiguration").get("CloudWatchLogs").get("LogGroupName").asText());
  }

  @ParameterizedTest
  @EnumSource(RawKinesis.Format.class)
  void takesOnlyTheChannelsOwnDestination(RawKinesis.Format format) {
    RawKinesis kinesis = RawKinesis.shared(format);
    String name = newStreamName("tables");
    String arn = create(kinesis, tablesChannel(name, onDemandStream(kinesis, "source"))).get("ChannelARN").asText();
    kinesis.assertError("InvalidArgumentException", "S3DestinationConfiguration cannot be used to update channel " + name
        + ", whose destination type is S3_TABLES.", "UpdateChannel", freshness(arn, "S3DestinationConfiguration", 300));
    JsonNode updated = kinesis.ok("UpdateChannel", freshness(arn, "S3TablesDestinationConfiguration", 450))
        .get("ChannelDescription");
    assertEquals(450, updated.get("S3TablesDestinationConfiguration").get("DataFreshnessInSeconds").asInt());
  }

  @ParameterizedTest
  @EnumSource(RawKinesis.Format.class)
  void rejectsBadRequests(RawKinesis.Format format) {
    RawKinesis kinesis = RawKinesis.shared(format);
    String arn = "arn:aws:kinesis:us-east-1:000000000000:channel/unknown";
    ObjectNode request = byArn(arn);
    request.putObject("S3DestinationConfiguration");
    request.putObject("LoggingConfiguration").putObject("CloudWatchLogs").put("LogStreamName", "a:b");
    kinesis.assertError("ValidationException", "3 validation errors detected: Value null at "
        + "'s3DestinationConfiguration.dataFreshnessInSeconds' failed to satisfy constraint: Member must not be null; "
        + "Value null at 'loggingConfiguration.cloudWatchLogs.enabled' failed to satisfy constraint: Member must not be "
        + "null; Value 'a:b' at 'loggingConfiguration.cloudWatchLogs.logStreamName' failed to satisfy constraint: "
        + "Member must satisfy regular expression pattern: [^:*]*", "UpdateChannel", request);
    kinesis.assertError("ResourceNotFoundException", "Channel unknown under account 000000000000 not found.",
        "UpdateChannel", freshness(arn, "S3DestinationConfiguration", 300));
  }

  @Test
  void refusesAChannelThatIsNotActive() throws InterruptedException {
    try (TestServer slow = TestServer.start(Map.of("stream.update.delay.ms", "300"))) {
      RawKinesis kinesis = new RawKinesis(slow.endpoint(), RawKinesis.Format.JSON);
      String arn = create(kinesis, s3Channel("busy", onDemandStream(kinesis, "source"))).get("ChannelARN").asText();
      kinesis.ok("UpdateChannel", freshness(arn, "S3DestinationConfiguration", 600));
      assertEquals("UPDATING", describe(kinesis, arn).get("ChannelStatus").asText());
      kinesis.assertError("ResourceInUseException", "Channel busy under account 000000000000 not ACTIVE, instead in "
          + "state UPDATING", "UpdateChannel", freshness(arn, "S3DestinationConfiguration", 700));
      await("ACTIVE", () -> describe(kinesis, arn).get("ChannelStatus").asText());
      assertEquals(600, describe(kinesis, arn).get("S3DestinationConfiguration").get("DataFreshnessInSeconds").asInt());
    }
  }
}
