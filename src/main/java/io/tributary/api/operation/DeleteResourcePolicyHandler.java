package io.tributary.api.operation;

import io.tributary.stream.StreamRegistry;
import io.tributary.stream.StreamLifecycle;
import io.tributary.api.KinesisException;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.vertx.core.Future;

/** DeleteResourcePolicy: removes the policy of a stream or a consumer; ResourceNotFoundException if it has none. */
public final class DeleteResourcePolicyHandler implements OperationHandler {
  private static final Shape INPUT = Shape.of(
      ResourceArn.member(),
      StreamMembers.streamId());

  private final StreamRegistry registry;
  private final StreamLifecycle lifecycle;

  public DeleteResourcePolicyHandler(StreamRegistry registry, StreamLifecycle lifecycle) {
    this.registry = registry;
    this.lifecycle = lifecycle;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    String arn = input.string("ResourceARN");
    ResourceArn.Resource resource = ResourceArn.parse(arn).find(registry);
    if (!resource.stream().policies().containsKey(resource.arn())) {
      throw KinesisException.resourceNotFound("No resource policy found for resource ARN " + arn + ".");
    }
    resource.requireActive();
    return lifecycle.update(resource.stream(), b -> b.removePolicy(resource.arn())).map(Response.EMPTY);
  }
}
