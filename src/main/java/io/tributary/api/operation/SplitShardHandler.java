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
import java.math.BigInteger;

/** SplitShard: an open shard closes and two children divide its hash key range at NewStartingHashKey. */
public final class SplitShardHandler implements OperationHandler {
  private static final Shape INPUT = Shape.of(
      Member.string("NewStartingHashKey").notNull().pattern(StreamMembers.HASH_KEY_PATTERN),
      StreamMembers.streamName(),
      Member.string("ShardToSplit").notNull().pattern(StreamMembers.SHARD_ID_PATTERN).length(1, 128),
      StreamMembers.streamArn(),
      StreamMembers.streamId());

  private final Clock clock;
  private final StreamRegistry registry;
  private final StreamLifecycle lifecycle;

  public SplitShardHandler(Clock clock, StreamRegistry registry, StreamLifecycle lifecycle) {
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
    StreamMembers.checkShardIdForm(context, input, "ShardToSplit");
    StreamDescriptor stream = StreamMembers.find(registry, context, input);
    ShardDescriptor shard = StreamMembers.openShardToReshard(stream, input.string("ShardToSplit"));
    registry.checkShardLimit(stream.key(), 1);
    Resharding.Plan plan = Resharding.split(stream, shard, new BigInteger(input.string("NewStartingHashKey")),
        clock.millis());
    StreamMembers.checkReshardable(stream, "SplitShard");
    return lifecycle.reshard(stream, plan).map(Response.EMPTY);
  }
}
