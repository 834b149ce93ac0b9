package io.tributary.api.operation;

import io.tributary.stream.StreamRegistry;
import io.tributary.stream.StreamLifecycle;
import io.tributary.api.KinesisException;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Member;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.tributary.stream.RecordDistributionStrategy;
import io.tributary.stream.StreamDescriptor;
import io.tributary.stream.StreamKey;
import io.tributary.stream.StreamMode;
import io.vertx.core.Future;
import java.util.List;

/**
 * UpdateStreamRecordDistributionStrategy: switches a stream between AUTO and USER_PARTITION_KEY record
 * distribution. AWS applies the change at once, without UPDATING; records already written stay where
 * they are. Only on-demand streams may use AUTO.
 */
public final class UpdateStreamRecordDistributionStrategyHandler implements OperationHandler {
  private static final Shape INPUT = Shape.of(
      StreamMembers.streamArn().notNull(),
      Member.string("RecordDistributionStrategy").notNull().oneOf(List.of("AUTO", "USER_PARTITION_KEY")),
      StreamMembers.streamId());

  private final StreamRegistry registry;
  private final StreamLifecycle lifecycle;

  public UpdateStreamRecordDistributionStrategyHandler(StreamRegistry registry, StreamLifecycle lifecycle) {
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
    StreamMembers.requireActive(stream);
    RecordDistributionStrategy strategy = RecordDistributionStrategy.valueOf(input.string("RecordDistributionStrategy"));
    checkSupported(stream.key(), stream.mode(), strategy);
    return lifecycle.update(stream, b -> b.recordDistributionStrategy(strategy)).map(Response.EMPTY);
  }

  /** Only on-demand streams may use AUTO, whether set at creation or later. */
  static void checkSupported(StreamKey key, StreamMode mode, RecordDistributionStrategy strategy) {
    if (strategy == RecordDistributionStrategy.AUTO && mode != StreamMode.ON_DEMAND) {
      throw KinesisException.invalidArgument("The AUTO record distribution strategy is not supported for stream "
          + key.name() + " under account " + key.account() + " because it is in " + mode + " capacity mode.");
    }
  }
}
