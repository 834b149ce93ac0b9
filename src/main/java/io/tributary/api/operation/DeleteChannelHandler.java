package io.tributary.api.operation;

import io.tributary.stream.ChannelRegistry;
import io.tributary.stream.ChannelLifecycle;
import io.tributary.api.KinesisException;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.tributary.stream.ChannelDescriptor;
import io.tributary.stream.ChannelStatus;
import io.vertx.core.Future;

/**
 * DeleteChannel: the channel turns DELETING and is gone after the delete delay. A channel already being
 * deleted is answered as not found, as DeleteStream answers a stream being deleted.
 */
public final class DeleteChannelHandler implements OperationHandler {
  private static final Shape INPUT = Shape.of(ChannelMembers.channelArn());

  private final ChannelRegistry channels;
  private final ChannelLifecycle channelLifecycle;

  public DeleteChannelHandler(ChannelRegistry channels, ChannelLifecycle channelLifecycle) {
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
    if (channel.status() == ChannelStatus.DELETING) throw KinesisException.channelNotFound(channel.id(), channel.account());
    return channelLifecycle.delete(channel).map(Response.EMPTY);
  }
}
