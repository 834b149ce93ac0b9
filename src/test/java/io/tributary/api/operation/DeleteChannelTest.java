package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tributary.support.RawKinesis;
import io.tributary.support.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DeleteChannelTest extends ChannelApiTest {

  @ParameterizedTest
  @EnumSource(RawKinesis.Format.class)
  void deletesAChannelAndFreesItsStream(RawKinesis.Format format) {
    RawKinesis kinesis = RawKinesis.shared(format);
    String streamArn = onDemandStream(kinesis, "source");
    String stream = nameOf(streamArn);
    String name = newStreamName("deleted");
    String arn = create(kinesis, s3Channel(name, streamArn)).get("ChannelARN").asText();
    String id = arn.substring(arn.lastIndexOf('/') + 1);

    kinesis.assertError("ResourceInUseException", "Stream " + stream + " under account 000000000000 cannot be deleted "
        + "while it has active channels.", "DeleteStream", RawKinesis.object().put("StreamName", stream));

    assertEquals(0, kinesis.ok("DeleteChannel", byArn(arn)).size(), "an empty answer");
    String notFound = "Channel " + id + " under account 000000000000 not found.";
    kinesis.assertError("ResourceNotFoundException", notFound, "DescribeChannel", byArn(arn));
    kinesis.assertError("ResourceNotFoundException", notFound, "DeleteChannel", byArn(arn));
    assertEquals(0, summary(kinesis, stream).get("ChannelCount").asInt());

    // The name is free again, for a channel with a new id.
    String again = create(kinesis, s3Channel(name, streamArn)).get("ChannelARN").asText();
    assertEquals(false, again.equals(arn), "a new channel, a new ARN");
    kinesis.ok("DeleteChannel", byArn(again));
    kinesis.ok("DeleteStream", RawKinesis.object().put("StreamName", stream));
  }

  @ParameterizedTest
  @EnumSource(RawKinesis.Format.class)
  void rejectsBadRequests(RawKinesis.Format format) {
    RawKinesis kinesis = RawKinesis.shared(format);
    kinesis.assertError("ValidationException", "1 validation error detected: Value null at 'channelARN' failed to "
        + "satisfy constraint: Member must not be null", "DeleteChannel", RawKinesis.object());
    kinesis.assertError("ResourceNotFoundException", "Channel nothing-here under account 000000000000 not found.",
        "DeleteChannel", byArn("arn:aws:kinesis:us-east-1:000000000000:channel/nothing-here"));
  }

  @Test
  void isDeletingForTheDeleteDelay() throws InterruptedException {
    try (TestServer slow = TestServer.start(Map.of("stream.delete.delay.ms", "300"))) {
      RawKinesis kinesis = new RawKinesis(slow.endpoint(), RawKinesis.Format.CBOR);
      String arn = create(kinesis, s3Channel("leaving", onDemandStream(kinesis, "source"))).get("ChannelARN").asText();
      kinesis.ok("DeleteChannel", byArn(arn));
      assertEquals("DELETING", describe(kinesis, arn).get("ChannelStatus").asText());
      String id = arn.substring(arn.lastIndexOf('/') + 1);
      kinesis.assertError("ResourceNotFoundException", "Channel " + id + " under account 000000000000 not found.",
          "DeleteChannel", byArn(arn));
      await("gone", () -> kinesis.call("DescribeChannel", byArn(arn)).status() == 400 ? "gone" : "still there");
    }
  }
}
