package io.tributary.api.operation;

import io.tributary.stream.ChannelRegistry;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.tributary.stream.ChannelDescriptor;
import io.vertx.core.Future;

/** DescribeChannel: a channel's settings and state, by its ARN. */
public final class DescribeChannelHandler implements OperationHandler {
  private static final Shape INPUT = Shape.of(ChannelMembers.channelArn());

  private final ChannelRegistry channels;

  public DescribeChannelHandler(ChannelRegistry channels) {
    this.channels = channels;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    ChannelDescriptor channel = ChannelMembers.find(channels, input);
    return Future.succeededFuture(writer -> ChannelMembers.writeDescription(writer, channel));
  }
}
