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
import java.util.Map;

/** AddTagsToStream: adds tags to a stream, or changes the values of tags it has; a stream holds at most 50. */
public final class AddTagsToStreamHandler implements OperationHandler {
  private static final Shape INPUT = Shape.of(
      TagRules.tagMap("Tags").notNull(),
      StreamMembers.streamName(),
      StreamMembers.streamArn(),
      StreamMembers.streamId());
  /** AWS's message for too many tags still states the limit of 10 that streams once had. */
  private static final int STATED_LIMIT = 10;

  private final StreamRegistry registry;
  private final StreamLifecycle lifecycle;

  public AddTagsToStreamHandler(StreamRegistry registry, StreamLifecycle lifecycle) {
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
    Map<String, String> tags = TagRules.given(input.stringMap("Tags"));
    TagRules.checkAdd(tags, stream.tags(),
        "Failed to add tags to stream " + stream.name() + " under account " + stream.key().account(), "stream",
        STATED_LIMIT);
    return lifecycle.update(stream, b -> b.putTags(tags)).map(Response.EMPTY);
  }
}
