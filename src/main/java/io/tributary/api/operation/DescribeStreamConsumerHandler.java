package io.tributary.api.operation;

import io.tributary.stream.StreamRegistry;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.vertx.core.Future;

/** DescribeStreamConsumer: one consumer, with the ARN of its stream. */
public final class DescribeStreamConsumerHandler implements OperationHandler {
  private static final Shape INPUT = Shape.of(
      StreamMembers.streamArn(),
      ConsumerMembers.consumerName(),
      ConsumerMembers.consumerArn(),
      StreamMembers.streamId());

  private final StreamRegistry registry;

  public DescribeStreamConsumerHandler(StreamRegistry registry) {
    this.registry = registry;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    ResourceArn.Resource found = ConsumerMembers.find(registry, input);
    return Future.succeededFuture(writer -> {
      writer.startObject("ConsumerDescription");
      ConsumerMembers.writeConsumer(writer, found.consumer());
      writer.field("StreamARN", found.stream().arn()).endObject();
    });
  }
}
