package io.tributary.api.operation;

import io.tributary.stream.StreamRegistry;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.vertx.core.Future;

/** GetResourcePolicy: the policy of a stream or a consumer as it was put; "{}" when it has none, as AWS answers. */
public final class GetResourcePolicyHandler implements OperationHandler {
  private static final Shape INPUT = Shape.of(
      ResourceArn.member(),
      StreamMembers.streamId());

  private final StreamRegistry registry;

  public GetResourcePolicyHandler(StreamRegistry registry) {
    this.registry = registry;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    ResourceArn.Resource resource = ResourceArn.parse(input.string("ResourceARN")).find(registry);
    String policy = resource.stream().policies().getOrDefault(resource.arn(), "{}");
    return Future.succeededFuture(writer -> writer.field("Policy", policy));
  }
}
