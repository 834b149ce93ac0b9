package io.tributary.api.operation;

import io.tributary.stream.StreamLifecycle;
import io.tributary.stream.StreamRegistry;
import io.tributary.api.KinesisException;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Member;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;

/**
 * A stream's retention period as IncreaseStreamRetentionPeriod and DecreaseStreamRetentionPeriod change it:
 * the same request, the same bounds, each refusing to move the period the other way.
 */
final class RetentionPeriod {
  private static final int MIN_HOURS = 24;
  private static final int MAX_HOURS = 8760;
  static final Shape INPUT = Shape.of(
      Member.integer("RetentionPeriodHours").notNull(),
      StreamMembers.streamName(),
      StreamMembers.streamArn(),
      StreamMembers.streamId());

  private RetentionPeriod() { }

  /** Sets the stream's retention to RetentionPeriodHours, which must not be shorter ({@code increase}) or longer. */
  static Future<Response> change(StreamRegistry registry, StreamLifecycle lifecycle, RequestContext context, Input input, boolean increase) {
    StreamDescriptor stream = StreamMembers.find(registry, context, input);
    int hours = input.integer("RetentionPeriodHours");
    checkBounds(hours);
    if (increase ? hours < stream.retentionHours() : hours > stream.retentionHours()) {
      throw KinesisException.invalidArgument("Requested retention period (" + hours + " hours) for stream "
          + stream.name() + " can not be " + (increase ? "shorter" : "longer") + " than existing retention period ("
          + stream.retentionHours() + " hours). Use " + (increase ? "Decrease" : "Increase") + "RetentionPeriod API.");
    }
    StreamMembers.requireActive(stream);
    return lifecycle.changeRetention(stream, hours).map(Response.EMPTY);
  }

  private static void checkBounds(int hours) {
    if (hours < MIN_HOURS) {
      throw KinesisException.invalidArgument("Minimum allowed retention period is " + MIN_HOURS
          + " hours. Requested retention period (" + hours + " hours) is too short.");
    }
    if (hours > MAX_HOURS) {
      throw KinesisException.invalidArgument("Maximum allowed retention period is " + MAX_HOURS
          + " hours. Requested retention period (" + hours + " hours) is too long.");
    }
  }
}
