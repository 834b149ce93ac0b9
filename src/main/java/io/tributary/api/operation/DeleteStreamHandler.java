package io.tributary.api.operation;

import io.tributary.stream.StreamRegistry;
import io.tributary.stream.StreamLifecycle;
import io.tributary.stream.ChannelRegistry;
import io.tributary.api.KinesisException;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Member;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.tributary.stream.StreamDescriptor;
import io.tributary.stream.StreamStatus;
import io.vertx.core.Future;

/**
 * DeleteStream: the stream turns DELETING and is gone after the configured delay. A stream with registered
 * consumers is deleted, consumers and all, only with EnforceConsumerDeletion.
 */
public final class DeleteStreamHandler implements OperationHandler {
  private static final Shape INPUT = Shape.of(
      StreamMembers.streamName(),
      Member.bool("EnforceConsumerDeletion"),
      StreamMembers.streamArn(),
      StreamMembers.streamId());

  private final StreamRegistry registry;
  private final StreamLifecycle lifecycle;
  private final ChannelRegistry channels;

  public DeleteStreamHandler(StreamRegistry registry, StreamLifecycle lifecycle, ChannelRegistry channels) {
    this.registry = registry;
    this.lifecycle = lifecycle;
    this.channels = channels;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    StreamDescriptor stream = StreamMembers.find(registry, context, input);
    // As AWS: deleting a stream that is already going succeeds and changes nothing.
    if (stream.status() == StreamStatus.DELETING) return Future.succeededFuture(Response.EMPTY);
    if (!Boolean.TRUE.equals(input.bool("EnforceConsumerDeletion")) && !stream.consumers().isEmpty()) {
      throw KinesisException.resourceInUse("Consumers exist in stream " + stream.name()
          + " and enforceConsumerDeletion is either not set or is false");
    }
    if (!channels.reading(stream).isEmpty()) {
      throw KinesisException.resourceInUse("Stream " + stream.name() + " under account " + stream.key().account()
          + " cannot be deleted while it has active channels.");
    }
    return lifecycle.delete(stream).map(Response.EMPTY);
  }
}
