package io.tributary.api.operation;

import io.tributary.stream.StreamRegistry;
import io.tributary.stream.ChannelRegistry;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.tributary.stream.StreamDescriptor;
import io.tributary.stream.StreamMode;
import io.vertx.core.Future;

/** DescribeStreamSummary: the stream without its shards. */
public final class DescribeStreamSummaryHandler implements OperationHandler {
  private static final Shape INPUT = Shape.of(
      StreamMembers.streamName(),
      StreamMembers.streamArn(),
      StreamMembers.streamId());

  private final StreamRegistry registry;
  private final ChannelRegistry channels;

  public DescribeStreamSummaryHandler(StreamRegistry registry, ChannelRegistry channels) {
    this.registry = registry;
    this.channels = channels;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    StreamDescriptor stream = StreamMembers.find(registry, context, input);
    int openShards = stream.showsShards() ? stream.openShardCount() : 0;
    return Future.succeededFuture(writer -> {
      writer.startObject("StreamDescriptionSummary")
          .field("StreamName", stream.name())
          .field("StreamARN", stream.arn())
          .field("StreamStatus", stream.status().name());
      ShardWriter.writeStreamMode(writer, stream);
      writer.field("RetentionPeriodHours", stream.retentionHours())
          .timestamp("StreamCreationTimestamp", stream.createdMillis());
      ShardWriter.writeEnhancedMonitoring(writer, stream);
      ShardWriter.writeEncryption(writer, stream);
      writer.field("OpenShardCount", openShards)
          .field("ConsumerCount", stream.consumers().size())
          .field("ChannelCount", channels.reading(stream).size());
      // AWS reports warm throughput only for on-demand streams.
      if (stream.mode() == StreamMode.ON_DEMAND && stream.warmThroughputMiBps() != null) {
        WarmThroughput.write(writer, stream.warmThroughputMiBps(), stream.warmThroughputCurrentMiBps());
      }
      writer.field("MaxRecordSizeInKiB", stream.maxRecordSizeKiB())
          .field("RecordDistributionStrategy", stream.recordDistributionStrategy().name())
          .endObject();
    });
  }
}
