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

  private final Services services;

  public DeleteStreamHandler(Services services) {
    this.services = services;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    StreamDescriptor stream = StreamMembers.find(services.registry(), context, input);
    // As AWS: deleting a stream that is already going succeeds and changes nothing.
    if (stream.status() == StreamStatus.DELETING) return Future.succeededFuture(Response.EMPTY);
    if (!Boolean.TRUE.equals(input.bool("EnforceConsumerDeletion")) && !stream.consumers().isEmpty()) {
      throw KinesisException.resourceInUse("Consumers exist in stream " + stream.name()
          + " and enforceConsumerDeletion is either not set or is false");
    }
    if (!services.channels().reading(stream).isEmpty()) {
      throw KinesisException.resourceInUse("Stream " + stream.name() + " under account " + stream.key().account()
          + " cannot be deleted while it has active channels.");
    }
    return services.lifecycle().delete(stream).map(Response.EMPTY);
  }
}
