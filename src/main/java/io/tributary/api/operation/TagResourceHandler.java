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
import java.util.Map;

/** TagResource: adds tags to a stream or a consumer, named by its ARN; each holds at most 50. */
public final class TagResourceHandler implements OperationHandler {
  private static final Shape INPUT = Shape.of(
      TagRules.tagMap("Tags").notNull(),
      ResourceArn.member(),
      StreamMembers.streamId());

  private final StreamRegistry registry;
  private final StreamLifecycle lifecycle;
  private final ConsumerLifecycle consumers;

  public TagResourceHandler(StreamRegistry registry, StreamLifecycle lifecycle, ConsumerLifecycle consumers) {
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
    Map<String, String> tags = TagRules.given(input.stringMap("Tags"));
    TagRules.checkAdd(tags, resource.tags(),
        "Failed to add tags to " + resource.described() + " under account " + resource.account(), resource.kind(),
        TagRules.MAX_TAGS);
    Future<?> tagged = resource.consumer() == null
        ? lifecycle.update(resource.stream(), b -> b.putTags(tags))
        : consumers.updateTags(resource.stream(), resource.consumer(), current -> {
          current.putAll(tags);
          return current;
        });
    return tagged.map(Response.EMPTY);
  }
}
