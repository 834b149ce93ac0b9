package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.support.RawKinesis;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each case lists in a region of its own, so the channels of other tests stay out of its pages. */
class ListChannelsTest extends ChannelApiTest {

  private static List<String> names(JsonNode page) {
    List<String> names = new ArrayList<>();
    page.get("ChannelSummaries").forEach(summary -> names.add(summary.get("ChannelName").asText()));
    return names;
  }

  private static ObjectNode filter(RawKinesis kinesis, String streamArn, Long createdMillis) {
    ObjectNode request = RawKinesis.object();
    ObjectNode filter = request.putArray("StreamFilter").addObject().put("StreamARN", streamArn);
    if (createdMillis != null) kinesis.timestamp(filter, "StreamCreationTimestamp", createdMillis);
    return request;
  }

  @ParameterizedTest
  @EnumSource(RawKinesis.Format.class)
  void listsByNameAPageAtATime(RawKinesis.Format format) {
    RawKinesis kinesis = RawKinesis.shared(format).inRegion("ap-south-" + (format.ordinal() + 1));
    assertEquals(List.of(), names(kinesis.ok("ListChannels", RawKinesis.object())));
    String first = onDemandStream(kinesis, "first");
    String second = onDemandStream(kinesis, "second");
    create(kinesis, s3Channel("c-channel", first));
    create(kinesis, tablesChannel("a-channel", second));
    create(kinesis, s3Channel("b-channel", second));

    JsonNode all = kinesis.ok("ListChannels", RawKinesis.object());
    assertEquals(List.of("a-channel", "b-channel", "c-channel"), names(all));
    assertFalse(all.has("NextToken"));
    JsonNode summary = all.get("ChannelSummaries").get(0);
    assertEquals("S3_TABLES", summary.get("ChannelDestinationType").asText());
    assertEquals("ACTIVE", summary.get("ChannelStatus").asText());
    assertEquals(describe(kinesis, summary.get("ChannelARN").asText()).get("ChannelId"), summary.get("ChannelId"));
    assertEquals(second, summary.get("Streams").get(0).get("StreamARN").asText());
    assertEquals(kinesis.millis(summary(kinesis, nameOf(second)).get("StreamCreationTimestamp")),
        kinesis.millis(summary.get("Streams").get(0).get("StreamCreationTimestamp")));
    assertEquals("S3", all.get("ChannelSummaries").get(1).get("ChannelDestinationType").asText());

    JsonNode page = kinesis.ok("ListChannels", RawKinesis.object().put("MaxResults", 2));
    assertEquals(List.of("a-channel", "b-channel"), names(page));
    JsonNode rest = kinesis.ok("ListChannels", RawKinesis.object().put("NextToken", page.get("NextToken").asText()));
    assertEquals(List.of("c-channel"), names(rest));
    assertFalse(rest.has("NextToken"));
    assertEquals(3, names(kinesis.ok("ListChannels", RawKinesis.object().put("MaxResults", 10000))).size());
  }

  @ParameterizedTest
  @EnumSource(RawKinesis.Format.class)
  void filtersByStream(RawKinesis.Format format) {
    RawKinesis kinesis = RawKinesis.shared(format).inRegion("sa-east-" + (format.ordinal() + 1));
    String first = onDemandStream(kinesis, "first");
    String second = onDemandStream(kinesis, "second");
    create(kinesis, s3Channel("from-first", first));
    create(kinesis, s3Channel("from-second", second));
    long created = kinesis.millis(summary(kinesis, nameOf(first)).get("StreamCreationTimestamp"));

    assertEquals(List.of("from-first"), names(kinesis.ok("ListChannels", filter(kinesis, first, null))));
    assertEquals(List.of("from-first"), names(kinesis.ok("ListChannels", filter(kinesis, first, created))));
    assertEquals(List.of(), names(kinesis.ok("ListChannels", filter(kinesis, first, created - 1000))),
        "another incarnation of the stream");
    ObjectNode both = filter(kinesis, first, null);
    ((ArrayNode) both.get("StreamFilter")).addObject().put("StreamARN", second);
    assertEquals(List.of("from-first", "from-second"), names(kinesis.ok("ListChannels", both)));
  }

  @ParameterizedTest
  @EnumSource(RawKinesis.Format.class)
  void rejectsBadRequests(RawKinesis.Format format) {
    RawKinesis kinesis = RawKinesis.shared(format);
    ObjectNode request = RawKinesis.object().put("MaxResults", 0);
    request.putArray("StreamFilter");
    kinesis.assertError("ValidationException", "2 validation errors detected: Value '[]' at 'streamFilter' failed to "
        + "satisfy constraint: Member must have length greater than or equal to 1; Value '0' at 'maxResults' failed "
        + "to satisfy constraint: Member must have value greater than or equal to 1", "ListChannels", request);
    ObjectNode noArn = RawKinesis.object();
    noArn.putArray("StreamFilter").addObject();
    kinesis.assertError("ValidationException", "1 validation error detected: Value null at "
        + "'streamFilter.1.member.streamARN' failed to satisfy constraint: Member must not be null", "ListChannels", noArn);
    kinesis.assertError("InvalidArgumentException", "Invalid NextToken.", "ListChannels",
        RawKinesis.object().put("NextToken", "not-a-token"));
  }
}
