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
import io.tributary.stream.StreamDescriptor;
import io.tributary.stream.StreamMode;
import io.vertx.core.Future;

/**
 * UpdateStreamMode: switches a stream between PROVISIONED and ON_DEMAND (UPDATING, then ACTIVE). The shards
 * stay as they are. A stream that becomes on-demand may be given a warm throughput; one that becomes
 * provisioned loses it, and must not be using AUTO record distribution.
 */
public final class UpdateStreamModeHandler implements OperationHandler {
  private static final Shape INPUT = Shape.of(
      StreamMembers.streamArn().notNull(),
      StreamMembers.streamId(),
      Member.structure("StreamModeDetails", CreateStreamHandler.STREAM_MODE_DETAILS).notNull(),
      Member.integer("WarmThroughputMiBps").min(0));

  private final Clock clock;
  private final StreamRegistry registry;
  private final StreamLifecycle lifecycle;

  public UpdateStreamModeHandler(Clock clock, StreamRegistry registry, StreamLifecycle lifecycle) {
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
    StreamDescriptor stream = StreamMembers.requireActive(StreamMembers.find(registry, context, input));
    StreamMode mode = StreamMode.valueOf(input.structure("StreamModeDetails").string("StreamMode"));
    Integer warmThroughput = input.integer("WarmThroughputMiBps");
    if (warmThroughput != null) WarmThroughput.check(registry, clock, stream.key(), mode, warmThroughput);
    // A stream spreading its records with AUTO must stay on-demand.
    UpdateStreamRecordDistributionStrategyHandler.checkSupported(stream.key(), mode, stream.recordDistributionStrategy());
    return lifecycle.updateThroughUpdating(stream, b -> {
      b.mode(mode);
      if (mode == StreamMode.PROVISIONED) {
        b.warmThroughputMiBps(null).warmThroughputCurrentMiBps(null);
      } else if (warmThroughput != null) {
        b.warmThroughputMiBps(warmThroughput);
      }
      return b;
    }).map(Response.EMPTY);
  }
}
