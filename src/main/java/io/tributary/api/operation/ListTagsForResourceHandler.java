package io.tributary.api.operation;

import io.tributary.stream.StreamRegistry;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.vertx.core.Future;
import java.util.Map;

/** ListTagsForResource: every tag of a stream or a consumer, named by its ARN, by key. */
public final class ListTagsForResourceHandler implements OperationHandler {
  private static final Shape INPUT = Shape.of(
      ResourceArn.member(),
      StreamMembers.streamId());

  private final StreamRegistry registry;

  public ListTagsForResourceHandler(StreamRegistry registry) {
    this.registry = registry;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    Map<String, String> tags = ResourceArn.parse(input.string("ResourceARN")).find(registry).tags();
    return Future.succeededFuture(writer -> TagRules.write(writer, tags));
  }
}
