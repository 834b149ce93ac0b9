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
 * DecreaseStreamRetentionPeriod: lowers a stream's retention period, down to 24 hours. Records older than the
 * new period are no longer readable.
 */
public final class DecreaseStreamRetentionPeriodHandler implements OperationHandler {
  private final StreamRegistry registry;
  private final StreamLifecycle lifecycle;

  public DecreaseStreamRetentionPeriodHandler(StreamRegistry registry, StreamLifecycle lifecycle) {
    this.registry = registry;
    this.lifecycle = lifecycle;
  }

  @Override
  public Shape input() {
    return RetentionPeriod.INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    return RetentionPeriod.change(registry, lifecycle, context, input, false);
  }
}
