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
 * IncreaseStreamRetentionPeriod: raises a stream's retention period, up to 8760 hours (365 days). Records
 * already past the old period stay gone.
 */
public final class IncreaseStreamRetentionPeriodHandler implements OperationHandler {
  private final StreamRegistry registry;
  private final StreamLifecycle lifecycle;

  public IncreaseStreamRetentionPeriodHandler(StreamRegistry registry, StreamLifecycle lifecycle) {
    this.registry = registry;
    this.lifecycle = lifecycle;
  }

  @Override
  public Shape input() {
    return RetentionPeriod.INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    return RetentionPeriod.change(registry, lifecycle, context, input, true);
  }
}
