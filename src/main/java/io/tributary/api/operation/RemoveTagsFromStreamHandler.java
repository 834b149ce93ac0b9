package io.tributary.api.operation;

import io.tributary.stream.StreamRegistry;
import io.tributary.stream.StreamLifecycle;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;
import java.util.List;

/** RemoveTagsFromStream: removes tags from a stream by key; keys it does not have are ignored. */
public final class RemoveTagsFromStreamHandler implements OperationHandler {
  private static final Shape INPUT = Shape.of(
      TagRules.tagKeyList("TagKeys").notNull(),
      StreamMembers.streamName(),
      StreamMembers.streamArn(),
      StreamMembers.streamId());

  private final StreamRegistry registry;
  private final StreamLifecycle lifecycle;

  public RemoveTagsFromStreamHandler(StreamRegistry registry, StreamLifecycle lifecycle) {
    this.registry = registry;
    this.lifecycle = lifecycle;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    StreamDescriptor stream = StreamMembers.find(registry, context, input);
    List<String> keys = input.strings("TagKeys");
    TagRules.checkRemove(keys,
        "Failed to remove tags from stream " + stream.name() + " under account " + stream.key().account());
    return lifecycle.update(stream, b -> b.removeTags(keys)).map(Response.EMPTY);
  }
}
