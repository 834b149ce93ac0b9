package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.support.RawKinesis;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DescribeChannelTest extends ChannelApiTest {

  @ParameterizedTest
  @EnumSource(RawKinesis.Format.class)
  void describesAChannelAsCreated(RawKinesis.Format format) {
    RawKinesis kinesis = RawKinesis.shared(format);
    JsonNode created = create(kinesis, tablesChannel(newStreamName("described"), onDemandStream(kinesis, "source")));
    JsonNode described = describe(kinesis, created.get("ChannelARN").asText());
    for (String member : new String[] {"ChannelName", "ChannelARN", "ChannelId", "ChannelCreationTimestamp",
        "ServiceExecutionRoleARN", "StreamConfigurationList", "LoggingConfiguration", "S3TablesDestinationConfiguration",
        "EncryptionConfiguration"}) {
      assertEquals(created.get(member), described.get(member), member);
    }
    assertEquals("ACTIVE", described.get("ChannelStatus").asText());
  }

  @ParameterizedTest
  @EnumSource(RawKinesis.Format.class)
  void answersUnknownAndMalformedArns(RawKinesis.Format format) {
    RawKinesis kinesis = RawKinesis.shared(format);
    kinesis.assertError("ResourceNotFoundException", "Channel missing under account 000000000000 not found.",
        "DescribeChannel", byArn("arn:aws:kinesis:us-east-1:000000000000:channel/missing"));
    kinesis.assertError("InvalidArgumentException", "ChannelARN arn:aws:kinesis:us-east-1:x:000000000000:channel/a is "
        + "not a valid channel ARN.", "DescribeChannel", byArn("arn:aws:kinesis:us-east-1:x:000000000000:channel/a"));
    kinesis.assertError("ValidationException", "1 validation error detected: Value "
        + "'arn:aws:kinesis:us-east-1:000000000000:stream/s' at 'channelARN' failed to satisfy constraint: Member must "
        + "satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:channel/\\S+", "DescribeChannel",
        byArn("arn:aws:kinesis:us-east-1:000000000000:stream/s"));
    kinesis.assertError("ValidationException", "1 validation error detected: Value null at 'channelARN' failed to "
        + "satisfy constraint: Member must not be null", "DescribeChannel", RawKinesis.object());
  }

  @ParameterizedTest
  @EnumSource(RawKinesis.Format.class)
  void findsChannelsOnlyInTheirRegion(RawKinesis.Format format) {
    RawKinesis kinesis = RawKinesis.shared(format);
    String arn = create(kinesis, s3Channel(newStreamName("regional"), onDemandStream(kinesis, "source")))
        .get("ChannelARN").asText();
    String id = arn.substring(arn.lastIndexOf('/') + 1);
    kinesis.assertError("ResourceNotFoundException", "Channel " + id + " under account 000000000000 not found.",
        "DescribeChannel", byArn(arn.replace("us-east-1", "eu-west-1")));
  }
}
