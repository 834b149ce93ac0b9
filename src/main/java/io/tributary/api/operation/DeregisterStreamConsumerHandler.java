package io.tributary.api.operation;

import io.tributary.Services;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.vertx.core.Future;

/**
 * DeregisterStreamConsumer: an ACTIVE consumer turns DELETING and is gone after
 * {@code consumer.delete.delay.ms}, with its resource policy. Its SubscribeToShard streams end at once.
 */
public final class DeregisterStreamConsumerHandler implements OperationHandler {
  private static final Shape INPUT = Shape.of(
      StreamMembers.streamArn(),
      ConsumerMembers.consumerName(),
      ConsumerMembers.consumerArn(),
      StreamMembers.streamId());

  private final Services services;

  public DeregisterStreamConsumerHandler(Services services) {
    this.services = services;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    ResourceArn.Resource found = ConsumerMembers.find(services.registry(), input).requireActive();
    services.subscriptions().endConsumer(found.consumer().arn());
    return services.consumers().deregister(found.stream(), found.consumer()).map(Response.EMPTY);
  }
}
