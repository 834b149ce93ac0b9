package io.tributary.api.operation;

import io.tributary.Services;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Member;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.tributary.stream.Resharding;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;

/** MergeShards: two open shards with adjacent hash key ranges close and one child takes both ranges. */
public final class MergeShardsHandler implements OperationHandler {
  private static final Shape INPUT = Shape.of(
      Member.string("ShardToMerge").notNull().pattern(StreamMembers.SHARD_ID_PATTERN).length(1, 128),
      Member.string("AdjacentShardToMerge").notNull().pattern(StreamMembers.SHARD_ID_PATTERN).length(1, 128),
      StreamMembers.streamName(),
      StreamMembers.streamArn(),
      StreamMembers.streamId());

  private final Services services;

  public MergeShardsHandler(Services services) {
    this.services = services;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    StreamMembers.checkShardIdForm(context, input, "ShardToMerge");
    StreamMembers.checkShardIdForm(context, input, "AdjacentShardToMerge");
    StreamDescriptor stream = StreamMembers.find(services.registry(), context, input);
    ShardDescriptor shard = StreamMembers.openShardToReshard(stream, input.string("ShardToMerge"));
    ShardDescriptor adjacent = StreamMembers.openShardToReshard(stream, input.string("AdjacentShardToMerge"));
    Resharding.Plan plan = Resharding.merge(stream, shard, adjacent, services.clock().millis());
    StreamMembers.checkReshardable(stream, "MergeShards");
    return services.lifecycle().reshard(stream, plan).map(Response.EMPTY);
  }
}
