package io.tributary.api.operation;

import io.tributary.stream.StreamRegistry;
import io.tributary.stream.StreamLifecycle;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.vertx.core.Future;

/**
 * DisableEnhancedMonitoring: switches off shard-level metrics (ALL: every one), in effect at once. The answer
 * lists the metrics on before and after, in the order AWS lists them.
 */
public final class DisableEnhancedMonitoringHandler implements OperationHandler {
  private static final Shape INPUT = Shape.of(
      ShardLevelMetrics.member(),
      StreamMembers.streamName(),
      StreamMembers.streamArn(),
      StreamMembers.streamId());

  private final StreamRegistry registry;
  private final StreamLifecycle lifecycle;

  public DisableEnhancedMonitoringHandler(StreamRegistry registry, StreamLifecycle lifecycle) {
    this.registry = registry;
    this.lifecycle = lifecycle;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    return ShardLevelMetrics.change(registry, lifecycle, context, input, false);
  }
}
