package io.tributary.api.operation;

import io.tributary.stream.StreamRegistry;
import io.tributary.stream.StreamLifecycle;
import io.tributary.stream.ConsumerLifecycle;
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

  private final StreamRegistry registry;
  private final StreamLifecycle lifecycle;
  private final ConsumerLifecycle consumers;

  public UntagResourceHandler(StreamRegistry registry, StreamLifecycle lifecycle, ConsumerLifecycle consumers) {
    this.registry = registry;
    this.lifecycle = lifecycle;
    this.consumers = consumers;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    ResourceArn.Resource resource = ResourceArn.parse(input.string("ResourceARN")).find(registry).requireActive();
    List<String> keys = input.strings("TagKeys");
    TagRules.checkRemove(keys, "Failed to remove tags from " + resource.described() + " under account " + resource.account());
    Future<?> untagged = resource.consumer() == null
        ? lifecycle.update(resource.stream(), b -> b.removeTags(keys))
        : consumers.updateTags(resource.stream(), resource.consumer(), current -> {
          current.keySet().removeAll(keys);
          return current;
        });
    return untagged.map(Response.EMPTY);
  }
}
