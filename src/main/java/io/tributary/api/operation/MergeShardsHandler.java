package io.tributary.api.operation;

import java.time.Clock;
import io.tributary.stream.StreamRegistry;
import io.tributary.stream.StreamLifecycle;
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

  private final Clock clock;
  private final StreamRegistry registry;
  private final StreamLifecycle lifecycle;

  public MergeShardsHandler(Clock clock, StreamRegistry registry, StreamLifecycle lifecycle) {
    this.clock = clock;
    this.registry = registry;
    this.lifecycle = lifecycle;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    StreamMembers.checkShardIdForm(context, input, "ShardToMerge");
    StreamMembers.checkShardIdForm(context, input, "AdjacentShardToMerge");
    StreamDescriptor stream = StreamMembers.find(registry, context, input);
    ShardDescriptor shard = StreamMembers.openShardToReshard(stream, input.string("ShardToMerge"));
    ShardDescriptor adjacent = StreamMembers.openShardToReshard(stream, input.string("AdjacentShardToMerge"));
    Resharding.Plan plan = Resharding.merge(stream, shard, adjacent, clock.millis());
    StreamMembers.checkReshardable(stream, "MergeShards");
    return lifecycle.reshard(stream, plan).map(Response.EMPTY);
  }
}
