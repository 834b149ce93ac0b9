package io.tributary.api.operation;

import io.tributary.Services;
import io.tributary.api.KinesisException;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Member;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;

/**
 * IncreaseStreamRetentionPeriod: raises a stream's retention period, up to 8760 hours (365 days). Records
 * already past the old period stay gone.
 */
public final class IncreaseStreamRetentionPeriodHandler implements OperationHandler {
  private static final Shape INPUT = Shape.of(
      Member.integer("RetentionPeriodHours").notNull(),
      StreamMembers.streamName(),
      StreamMembers.streamArn(),
      StreamMembers.streamId());

  private final Services services;

  public IncreaseStreamRetentionPeriodHandler(Services services) {
    this.services = services;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    StreamDescriptor stream = StreamMembers.find(services.registry(), context, input);
    int hours = input.integer("RetentionPeriodHours");
    RetentionPeriod.checkBounds(hours);
    if (hours < stream.retentionHours()) {
      throw KinesisException.invalidArgument("Requested retention period (" + hours + " hours) for stream "
          + stream.name() + " can not be shorter than existing retention period (" + stream.retentionHours()
          + " hours). Use DecreaseRetentionPeriod API.");
    }
    StreamMembers.requireActive(stream);
    return services.lifecycle().changeRetention(stream, hours).map(Response.EMPTY);
  }
}
