package io.tributary.api.operation;

import io.tributary.Services;
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

  private final Services services;

  public RemoveTagsFromStreamHandler(Services services) {
    this.services = services;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    StreamDescriptor stream = StreamMembers.find(services.registry(), context, input);
    List<String> keys = input.strings("TagKeys");
    TagRules.checkRemove(keys,
        "Failed to remove tags from stream " + stream.name() + " under account " + stream.key().account());
    return services.lifecycle().update(stream, b -> b.removeTags(keys)).map(Response.EMPTY);
  }
}
