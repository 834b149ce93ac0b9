package io.tributary.api.operation;

import io.tributary.stream.ChannelRegistry;
import io.tributary.stream.ChannelLifecycle;
import io.tributary.api.KinesisException;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Member;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.tributary.stream.ChannelDescriptor;
import io.tributary.stream.ChannelStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * UpdateChannel: only the destination's data freshness and the logging configuration can change; the
 * destination's own update member must be used. An ACTIVE channel turns UPDATING, then ACTIVE again.
 */
public final class UpdateChannelHandler implements OperationHandler {
  private static final Shape INPUT = Shape.of(
      ChannelMembers.channelArn(),
      Member.structure(ChannelDescriptor.S3_DESTINATION, Shape.of(ChannelMembers.dataFreshness().notNull())),
      Member.structure(ChannelDescriptor.S3_TABLES_DESTINATION, Shape.of(ChannelMembers.dataFreshness().notNull())),
      ChannelMembers.loggingConfiguration());

  private final ChannelRegistry channels;
  private final ChannelLifecycle channelLifecycle;

  public UpdateChannelHandler(ChannelRegistry channels, ChannelLifecycle channelLifecycle) {
    this.channels = channels;
    this.channelLifecycle = channelLifecycle;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    ChannelDescriptor channel = ChannelMembers.find(channels, input);
    if (channel.status() != ChannelStatus.ACTIVE) {
      throw KinesisException.resourceInUse("Channel " + channel.name() + " under account " + channel.account()
          + " not ACTIVE, instead in state " + channel.status());
    }
    JsonObject settings = channel.settings();
    for (String destination : List.of(ChannelDescriptor.S3_DESTINATION, ChannelDescriptor.S3_TABLES_DESTINATION)) {
      Input change = input.structure(destination);
      if (change == null) continue;
      if (!settings.containsKey(destination)) {
        throw KinesisException.invalidArgument(destination + " cannot be used to update channel " + channel.name()
            + ", whose destination type is " + channel.destinationType() + ".");
      }
      settings.getJsonObject(destination).put("DataFreshnessInSeconds", change.integer("DataFreshnessInSeconds"));
    }
    if (input.has("LoggingConfiguration")) {
      settings.put("LoggingConfiguration", input.structure("LoggingConfiguration").toJson());
    }
    return channelLifecycle.update(channel, settings)
        .map(updated -> writer -> ChannelMembers.writeDescription(writer, updated));
  }
}
