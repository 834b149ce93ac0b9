package io.tributary.api.operation;

import io.tributary.stream.StreamRegistry;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Member;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;
import java.util.List;

/** DescribeStream: the stream and a page of its shards (at most 100, after ExclusiveStartShardId). */
public final class DescribeStreamHandler implements OperationHandler {
  private static final int MAX_SHARDS = 100;
  private static final Shape INPUT = Shape.of(
      Member.integer("Limit").min(1).max(10000),
      StreamMembers.shardId("ExclusiveStartShardId"),
      StreamMembers.streamName(),
      StreamMembers.streamArn(),
      StreamMembers.streamId());

  private final StreamRegistry registry;

  public DescribeStreamHandler(StreamRegistry registry) {
    this.registry = registry;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    StreamDescriptor stream = StreamMembers.find(registry, context, input);
    int limit = Math.min(input.integer("Limit", MAX_SHARDS), MAX_SHARDS);
    String after = input.string("ExclusiveStartShardId");
    // A stream that is still being created has no shards yet, nor one deleted before it was.
    List<ShardDescriptor> shards = !stream.showsShards() ? List.of()
        : stream.shards().stream().filter(s -> after == null || s.shardId().compareTo(after) > 0).toList();
    List<ShardDescriptor> page = shards.subList(0, Math.min(limit, shards.size()));
    return Future.succeededFuture(writer -> {
      writer.startObject("StreamDescription")
          .field("StreamName", stream.name())
          .field("StreamARN", stream.arn())
          .field("StreamStatus", stream.status().name());
      ShardWriter.writeStreamMode(writer, stream);
      ShardWriter.writeShards(writer, page);
      writer.field("HasMoreShards", page.size() < shards.size())
          .field("RetentionPeriodHours", stream.retentionHours())
          .timestamp("StreamCreationTimestamp", stream.createdMillis());
      ShardWriter.writeEnhancedMonitoring(writer, stream);
      ShardWriter.writeEncryption(writer, stream);
      writer.endObject();
    });
  }
}
