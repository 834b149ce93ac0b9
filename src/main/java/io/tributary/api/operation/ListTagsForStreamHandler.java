package io.tributary.api.operation;

import io.tributary.stream.StreamRegistry;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Member;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * ListTagsForStream: a stream's tags by key, a page at a time: at most Limit tags (all of them by
 * default) after ExclusiveStartTagKey, and whether more follow.
 */
public final class ListTagsForStreamHandler implements OperationHandler {
  private static final Shape INPUT = Shape.of(
      Member.integer("Limit").min(1).max(TagRules.MAX_TAGS),
      Member.string("ExclusiveStartTagKey").length(1, 128),
      StreamMembers.streamName(),
      StreamMembers.streamArn(),
      StreamMembers.streamId());

  private final StreamRegistry registry;

  public ListTagsForStreamHandler(StreamRegistry registry) {
    this.registry = registry;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    StreamDescriptor stream = StreamMembers.find(registry, context, input);
    NavigableMap<String, String> remaining = new TreeMap<>(stream.tags());
    String after = input.string("ExclusiveStartTagKey");
    if (after != null) remaining = remaining.tailMap(after, false);
    int limit = input.integer("Limit", TagRules.MAX_TAGS);
    Map<String, String> page = new LinkedHashMap<>();
    for (Map.Entry<String, String> tag : remaining.entrySet()) {
      if (page.size() == limit) break;
      page.put(tag.getKey(), tag.getValue());
    }
    boolean more = page.size() < remaining.size();
    return Future.succeededFuture(writer -> {
      TagRules.write(writer, page);
      writer.field("HasMoreTags", more);
    });
  }
}
