package io.tributary.api.operation;

import io.tributary.api.KinesisException;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Member;
import io.tributary.api.wire.ResponseWriter;
import io.tributary.api.wire.Shape;
import io.tributary.stream.ChannelDescriptor;
import io.tributary.stream.ChannelRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the channel operations share: the members and rules used by more than one, how a request's
 * channel is found, and how a channel is written in answers.
 */
final class ChannelMembers {
  static final String ARN_PATTERN = "arn:aws.*:kinesis:.*:\\d{12}:channel/\\S+";
  private static final Pattern ARN = Pattern.compile("arn:aws[^:]*:kinesis:([^:]*):(\\d{12}):channel/(\\S+)");

  private ChannelMembers() { }

  static Member channelArn() {
    return Member.string("ChannelARN").notNull().length(1, 2048).pattern(ARN_PATTERN);
  }

  static Member dataFreshness() {
    return Member.integer("DataFreshnessInSeconds");
  }

  /** LoggingConfiguration, alike in CreateChannel and UpdateChannel. */
  static Member loggingConfiguration() {
    return Member.structure("LoggingConfiguration", Shape.of(
        Member.structure("CloudWatchLogs", Shape.of(
            Member.bool("Enabled").notNull(),
            Member.string("LogGroupName").length(1, 512).pattern("[\\.\\-_/#A-Za-z0-9]+"),
            Member.string("LogStreamName").length(1, 512).pattern("[^:*]*"))).notNull()));
  }

  /** The channel a request's ChannelARN names, or ResourceNotFoundException. */
  static ChannelDescriptor find(ChannelRegistry channels, Input input) {
    String arn = input.string("ChannelARN");
    Matcher matcher = ARN.matcher(arn);
    if (!matcher.matches()) throw KinesisException.invalidArgument("ChannelARN " + arn + " is not a valid channel ARN.");
    String account = matcher.group(2);
    String id = matcher.group(3);
    ChannelDescriptor channel = channels.find(ChannelDescriptor.arnOf(matcher.group(1), account, id));
    if (channel == null) throw KinesisException.channelNotFound(id, account);
    return channel;
  }

  /** The ChannelDescription member of CreateChannel, DescribeChannel and UpdateChannel answers. */
  static void writeDescription(ResponseWriter writer, ChannelDescriptor channel) {
    writer.startObject("ChannelDescription")
        .field("ChannelName", channel.name())
        .field("ChannelARN", channel.arn())
        .field("ChannelId", channel.id())
        .field("ChannelStatus", channel.status().name())
        .timestamp("ChannelCreationTimestamp", channel.createdMillis())
        .field("ServiceExecutionRoleARN", channel.serviceExecutionRoleArn())
        .startArray("StreamConfigurationList");
    for (ChannelDescriptor.Source source : channel.sources()) {
      writer.startObject()
          .field("StreamARN", source.streamArn())
          .timestamp("StreamCreationTimestamp", source.streamCreatedMillis())
          .startObject("RecordConfiguration");
      writeMembers(writer, source.recordConfiguration());
      writer.endObject().endObject();
    }
    writer.endArray();
    writeMembers(writer, channel.settings());
    writer.endObject();
  }

  /** One element of ListChannels' ChannelSummaries. */
  static void writeSummary(ResponseWriter writer, ChannelDescriptor channel) {
    writer.startObject()
        .field("ChannelName", channel.name())
        .field("ChannelARN", channel.arn())
        .field("ChannelId", channel.id())
        .field("ChannelStatus", channel.status().name())
        .timestamp("ChannelCreationTimestamp", channel.createdMillis())
        .field("ChannelDestinationType", channel.destinationType())
        .startArray("Streams");
    for (ChannelDescriptor.Source source : channel.sources()) {
      writer.startObject()
          .field("StreamARN", source.streamArn())
          .timestamp("StreamCreationTimestamp", source.streamCreatedMillis())
          .endObject();
    }
    writer.endArray().endObject();
  }

  /** Writes a kept settings document's members: strings, numbers, booleans, objects and arrays of them. */
  private static void writeMembers(ResponseWriter writer, JsonObject document) {
    for (Map.Entry<String, Object> member : document) {
      String name = member.getKey();
      Object value = member.getValue();
      if (value instanceof JsonObject object) {
        writer.startObject(name);
        writeMembers(writer, object);
        writer.endObject();
      } else if (value instanceof JsonArray array) {
        writer.startArray(name);
        for (Object element : array) {
          if (element instanceof JsonObject object) {
            writer.startObject();
            writeMembers(writer, object);
            writer.endObject();
          } else {
            writer.string(String.valueOf(element));
          }
        }
        writer.endArray();
      } else if (value instanceof Number number) {
        writer.field(name, number.longValue());
      } else if (value instanceof Boolean bool) {
        writer.field(name, bool.booleanValue());
      } else if (value != null) {
        writer.field(name, value.toString());
      }
    }
  }
}
