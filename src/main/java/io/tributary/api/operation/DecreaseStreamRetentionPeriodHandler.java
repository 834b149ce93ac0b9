package io.tributary.api.operation;

import io.tributary.Services;
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
  private final Services services;

  public DecreaseStreamRetentionPeriodHandler(Services services) {
    this.services = services;
  }

  @Override
  public Shape input() {
    return RetentionPeriod.INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    return RetentionPeriod.change(services, context, input, false);
  }
}
