package io.tributary.stream;

import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A channel, which on AWS delivers a stream's records into Amazon S3 or S3 Tables. This server has no S3:
 * a channel is its metadata only, and delivers nothing.
 *
 * <p>Its ARN ends in its id, {@code arn:aws:kinesis:<region>:<account>:channel/<id>}, the form AWS's service
 * authorization reference gives; its name is unique within its account and region. The destination,
 * encryption and logging settings are kept as the documents DescribeChannel answers with, under their
 * member names ({@code S3DestinationConfiguration} or {@code S3TablesDestinationConfiguration},
 * {@code EncryptionConfiguration}, {@code LoggingConfiguration}), defaults filled in. Documents are copied in
 * and out, so a descriptor never changes.
 */
public record ChannelDescriptor(String account, String region, String name, String id, ChannelStatus status,
                                long createdMillis, String serviceExecutionRoleArn, List<Source> sources,
                                JsonObject settings, Map<String, String> tags) {
  public static final String S3_DESTINATION = "S3DestinationConfiguration";
  public static final String S3_TABLES_DESTINATION = "S3TablesDestinationConfiguration";

  /** A stream the channel reads: its ARN, its creation time (which names the incarnation) and its record format. */
  public record Source(String streamArn, long streamCreatedMillis, JsonObject recordConfiguration) {
    public Source {
      recordConfiguration = recordConfiguration.copy();
    }

    @Override
    public JsonObject recordConfiguration() { return recordConfiguration.copy(); }
  }

  public ChannelDescriptor {
    sources = List.copyOf(sources);
    settings = settings.copy();
    tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
  }

  @Override
  public JsonObject settings() { return settings.copy(); }

  public String arn() { return arnOf(region, account, id); }

  public static String arnOf(String region, String account, String id) {
    return "arn:aws:kinesis:" + region + ":" + account + ":channel/" + id;
  }

  /** S3 or S3_TABLES. */
  public String destinationType() {
    return settings.containsKey(S3_TABLES_DESTINATION) ? "S3_TABLES" : "S3";
  }

  /** Whether the channel reads this incarnation of the stream. */
  public boolean reads(StreamDescriptor stream) {
    for (Source source : sources) {
      if (source.streamArn().equals(stream.arn()) && source.streamCreatedMillis() == stream.createdMillis()) return true;
    }
    return false;
  }

  public ChannelDescriptor withStatus(ChannelStatus newStatus) {
    return new ChannelDescriptor(account, region, name, id, newStatus, createdMillis, serviceExecutionRoleArn, sources,
        settings, tags);
  }

  public ChannelDescriptor withSettings(JsonObject newSettings) {
    return new ChannelDescriptor(account, region, name, id, status, createdMillis, serviceExecutionRoleArn, sources,
        newSettings, tags);
  }
}
