package io.tributary.api.operation;

import io.tributary.stream.StreamRegistry;
import io.tributary.stream.ConsumerLifecycle;
import io.tributary.api.Subscriptions;
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

  private final StreamRegistry registry;
  private final ConsumerLifecycle consumers;
  private final Subscriptions subscriptions;

  public DeregisterStreamConsumerHandler(StreamRegistry registry, ConsumerLifecycle consumers, Subscriptions subscriptions) {
    this.registry = registry;
    this.consumers = consumers;
    this.subscriptions = subscriptions;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    ResourceArn.Resource found = ConsumerMembers.find(registry, input).requireActive();
    subscriptions.endConsumer(found.consumer().arn());
    return consumers.deregister(found.stream(), found.consumer()).map(Response.EMPTY);
  }
}
