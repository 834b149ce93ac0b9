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
import io.vertx.core.Future;

/**
 * UpdateStreamWarmThroughput: sets the write throughput an on-demand stream holds ready (UPDATING, then
 * ACTIVE). The answer shows the new target beside the throughput the stream had reached.
 */
public final class UpdateStreamWarmThroughputHandler implements OperationHandler {
  private static final Shape INPUT = Shape.of(
      StreamMembers.streamArn(),
      StreamMembers.streamName(),
      StreamMembers.streamId(),
      Member.integer("WarmThroughputMiBps").notNull().min(0));

  private final Clock clock;
  private final StreamRegistry registry;
  private final StreamLifecycle lifecycle;

  public UpdateStreamWarmThroughputHandler(Clock clock, StreamRegistry registry, StreamLifecycle lifecycle) {
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
    int target = input.integer("WarmThroughputMiBps");
    WarmThroughput.check(registry, clock, stream.key(), stream.mode(), target);
    Integer reached = stream.warmThroughputCurrentMiBps();
    return lifecycle.updateThroughUpdating(stream, b -> b.warmThroughputMiBps(target))
        .map(updated -> writer -> {
          writer.field("StreamARN", stream.arn()).field("StreamName", stream.name());
          WarmThroughput.write(writer, target, reached);
        });
  }
}
