package io.tributary.api.operation;

import java.time.Clock;
import io.tributary.stream.StreamRegistry;
import io.tributary.stream.StreamLifecycle;
import io.tributary.api.KinesisException;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Member;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.tributary.stream.Resharding;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;
import java.util.List;

/**
 * UpdateShardCount with UNIFORM_SCALING: the stream ends with TargetShardCount open shards of equal size,
 * reached through splits and merges ({@link Resharding#uniformScaling}). AWS's limits: at most double and
 * at least half the open shards, at most ten scalings per rolling 24 hours.
 */
public final class UpdateShardCountHandler implements OperationHandler {
  static final int SCALINGS_PER_DAY = 10;
  private static final long DAY_MILLIS = 24 * 3_600_000L;
  private static final Shape INPUT = Shape.of(
      Member.string("ScalingType").notNull().oneOf(List.of("UNIFORM_SCALING")),
      StreamMembers.streamName(),
      Member.integer("TargetShardCount").notNull().min(1).max(100000),
      StreamMembers.streamArn(),
      StreamMembers.streamId());

  private final Clock clock;
  private final StreamRegistry registry;
  private final StreamLifecycle lifecycle;

  public UpdateShardCountHandler(Clock clock, StreamRegistry registry, StreamLifecycle lifecycle) {
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
    StreamDescriptor stream = StreamMembers.find(registry, context, input);
    StreamMembers.checkReshardable(stream, "UpdateShardCount");
    int target = input.integer("TargetShardCount");
    int open = stream.openShardCount();
    String counts = "Current open shard count: " + open + ", Target shard count: " + target;
    int accountOpen = registry.openShardCount(stream.key().account(), stream.key().region());
    if (target > registry.shardLimit() || accountOpen - open + target > registry.shardLimit()) {
      throw KinesisException.limitExceeded("Target shard count or number of open shards cannot be greater than "
          + registry.shardLimit() + ". " + counts);
    }
    if (target > open * 2) {
      throw KinesisException.limitExceeded("UpdateShardCount cannot scale up over double your current open shard count. "
          + counts);
    }
    if (target * 2 < open) {
      throw KinesisException.limitExceeded("UpdateShardCount cannot scale down below half your current open shard count. "
          + counts);
    }
    long now = clock.millis();
    long recent = stream.scalingTimes().stream().filter(time -> time > now - DAY_MILLIS).count();
    if (recent >= SCALINGS_PER_DAY) {
      throw KinesisException.limitExceeded("Exceeded the limit of " + SCALINGS_PER_DAY + " UpdateShardCount calls per "
          + "rolling 24-hour period for stream " + stream.name() + " under account " + stream.key().account() + ".");
    }
    Response answer = writer -> writer.field("StreamName", stream.name())
        .field("CurrentShardCount", open)
        .field("TargetShardCount", target)
        .field("StreamARN", stream.arn());
    Resharding.Plan plan = Resharding.uniformScaling(stream, target, now);
    if (plan.closing().isEmpty()) return Future.succeededFuture(answer);  // already that many equal shards
    return lifecycle.reshard(stream, plan).map(answer);
  }
}
