package io.tributary.api.operation;

import io.tributary.Services;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.vertx.core.Future;
import java.util.List;

/** UntagResource: removes tags by key from a stream or a consumer, named by its ARN. */
public final class UntagResourceHandler implements OperationHandler {
  private static final Shape INPUT = Shape.of(
      TagRules.tagKeyList("TagKeys").notNull(),
      ResourceArn.member(),
      StreamMembers.streamId());

  private final Services services;

  public UntagResourceHandler(Services services) {
    this.services = services;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    ResourceArn.Resource resource = ResourceArn.parse(input.string("ResourceARN")).find(services.registry()).requireActive();
    List<String> keys = input.strings("TagKeys");
    TagRules.checkRemove(keys, "Failed to remove tags from " + resource.described() + " under account " + resource.account());
    Future<?> untagged = resource.consumer() == null
        ? services.lifecycle().update(resource.stream(), b -> b.removeTags(keys))
        : services.consumers().updateTags(resource.stream(), resource.consumer(), current -> {
          current.keySet().removeAll(keys);
          return current;
        });
    return untagged.map(Response.EMPTY);
  }
}
