package io.tributary.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.support.RawKinesis;
import io.tributary.support.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Channels and record distribution strategies are kept in the stream catalog (streams.json): they are
 * there after a restart, a change left half done is finished, and a catalog written before channels
 * existed still loads.
 */
class ChannelRestartTest {
  private static final String ROLE = "arn:aws:iam::000000000000:role/writer";

  private static void createOnDemandStream(RawKinesis kinesis, String name) {
    ObjectNode request = RawKinesis.object().put("StreamName", name);
    request.putObject("StreamModeDetails").put("StreamMode", "ON_DEMAND");
    kinesis.ok("CreateStream", request);
  }

  private static ObjectNode channel(String name, String stream) {
    ObjectNode request = RawKinesis.object().put("ChannelName", name).put("ServiceExecutionRoleARN", ROLE);
    request.putArray("StreamConfigurationList").addObject()
        .put("StreamARN", "arn:aws:kinesis:us-east-1:000000000000:stream/" + stream)
        .putObject("RecordConfiguration").put("RecordFormatType", "STRING");
    request.putObject("S3DestinationConfiguration").putObject("StorageConfiguration")
        .put("BucketARN", "arn:aws:s3:::kept-bucket").put("ExpectedBucketOwner", "000000000000")
        .put("CompressionType", "NONE").put("StorageClass", "GLACIER_IR");
    request.putObject("Tags").put("owner", "me");
    return request;
  }

  private static JsonNode summary(RawKinesis kinesis, String stream) {
    return kinesis.ok("DescribeStreamSummary", RawKinesis.object().put("StreamName", stream)).get("StreamDescriptionSummary");
  }

  private static JsonNode describe(RawKinesis kinesis, String arn) {
    return kinesis.ok("DescribeChannel", RawKinesis.object().put("ChannelARN", arn)).get("ChannelDescription");
  }

  @Test
  void channelsAndStrategiesSurviveARestart(@TempDir Path data) {
    Map<String, String> slowUpdates = Map.of("data.dir", data.toString(), "stream.update.delay.ms", "60000");
    String kept;
    String updating;
    JsonNode before;
    try (TestServer server = TestServer.start(slowUpdates)) {
      RawKinesis kinesis = new RawKinesis(server.endpoint(), RawKinesis.Format.JSON);
      createOnDemandStream(kinesis, "source");
      kinesis.ok("UpdateStreamRecordDistributionStrategy", RawKinesis.object()
          .put("StreamARN", "arn:aws:kinesis:us-east-1:000000000000:stream/source").put("RecordDistributionStrategy", "AUTO"));
      kept = kinesis.ok("CreateChannel", channel("kept", "source")).get("ChannelDescription").get("ChannelARN").asText();
      before = describe(kinesis, kept);
      updating = kinesis.ok("CreateChannel", channel("updating", "source")).get("ChannelDescription")
          .get("ChannelARN").asText();
      ObjectNode update = RawKinesis.object().put("ChannelARN", updating);
      update.putObject("S3DestinationConfiguration").put("DataFreshnessInSeconds", 720);
      kinesis.ok("UpdateChannel", update);
      String dropped = kinesis.ok("CreateChannel", channel("dropped", "source")).get("ChannelDescription")
          .get("ChannelARN").asText();
      kinesis.ok("DeleteChannel", RawKinesis.object().put("ChannelARN", dropped));
      assertEquals("UPDATING", describe(kinesis, updating).get("ChannelStatus").asText());
    }

    try (TestServer server = TestServer.start(Map.of("data.dir", data.toString()))) {
      RawKinesis kinesis = new RawKinesis(server.endpoint(), RawKinesis.Format.CBOR);
      RawKinesis json = new RawKinesis(server.endpoint(), RawKinesis.Format.JSON);
      assertEquals(before, describe(json, kept));
      JsonNode finished = describe(kinesis, updating);
      assertEquals("ACTIVE", finished.get("ChannelStatus").asText(), "the update was finished at start");
      assertEquals(720, finished.get("S3DestinationConfiguration").get("DataFreshnessInSeconds").asInt());
      JsonNode listed = kinesis.ok("ListChannels", RawKinesis.object()).get("ChannelSummaries");
      assertEquals(2, listed.size());
      assertEquals("kept", listed.get(0).get("ChannelName").asText());
      assertEquals("updating", listed.get(1).get("ChannelName").asText());
      JsonNode source = summary(kinesis, "source");
      assertEquals("AUTO", source.get("RecordDistributionStrategy").asText());
      assertEquals(2, source.get("ChannelCount").asInt());
    }
  }

  @Test
  void aCatalogWrittenBeforeChannelsStillLoads(@TempDir Path data) throws IOException {
    Map<String, String> settings = new HashMap<>(Map.of("data.dir", data.toString()));
    try (TestServer server = TestServer.start(settings)) {
      createOnDemandStream(new RawKinesis(server.endpoint(), RawKinesis.Format.JSON), "older");
    }
    Path catalog = data.resolve("streams.json");
    JsonObject root = new JsonObject(Files.readString(catalog));
    root.remove("channels");
    root.getJsonArray("streams").getJsonObject(0).remove("recordDistributionStrategy");
    Files.writeString(catalog, root.encodePrettily());

    try (TestServer server = TestServer.start(settings)) {
      RawKinesis kinesis = new RawKinesis(server.endpoint(), RawKinesis.Format.JSON);
      assertEquals("USER_PARTITION_KEY", summary(kinesis, "older").get("RecordDistributionStrategy").asText());
      assertEquals(0, kinesis.ok("ListChannels", RawKinesis.object()).get("ChannelSummaries").size());
      kinesis.ok("CreateChannel", channel("newer", "older"));
    }
    assertFalse(new JsonObject(Files.readString(catalog)).getJsonArray("channels").isEmpty(), "channels are written");
  }
}
