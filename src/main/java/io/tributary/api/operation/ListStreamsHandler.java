package io.tributary.api.operation;

import java.time.Clock;
import io.tributary.stream.StreamRegistry;
import io.tributary.shard.ShardIterator;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Member;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;
import java.util.List;

/** ListStreams: stream names and summaries of the caller's account and region, by name, a page at a time. */
public final class ListStreamsHandler implements OperationHandler {
  private static final int DEFAULT_LIMIT = 100;
  private static final Shape INPUT = Shape.of(
      Member.integer("Limit").min(1).max(10000),
      Member.string("ExclusiveStartStreamName").pattern(StreamMembers.NAME_PATTERN).length(1, 128),
      Member.string("NextToken").length(1, 1048576));

  private final Clock clock;
  private final StreamRegistry registry;
  private final ShardIterator.Codec iterators;

  public ListStreamsHandler(Clock clock, StreamRegistry registry, ShardIterator.Codec iterators) {
    this.clock = clock;
    this.registry = registry;
    this.iterators = iterators;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    String scope = context.account() + "/" + context.region();
    String after = input.string("ExclusiveStartStreamName");
    if (input.has("NextToken")) {
      PageToken token = PageToken.open(iterators, input.string("NextToken"), clock.millis(),
          context.account(), scope);
      after = token.lastKey();
    }
    String exclusiveStart = after;
    List<StreamDescriptor> remaining = registry.list(context.account(), context.region()).stream()
        .filter(s -> exclusiveStart == null || s.name().compareTo(exclusiveStart) > 0)
        .toList();
    int limit = input.integer("Limit", DEFAULT_LIMIT);
    List<StreamDescriptor> page = remaining.subList(0, Math.min(limit, remaining.size()));
    boolean more = page.size() < remaining.size();
    String nextToken = more
        ? new PageToken(clock.millis(), context.account(), scope, page.get(page.size() - 1).name())
            .seal(iterators) : null;
    return Future.succeededFuture(writer -> {
      writer.startArray("StreamNames");
      for (StreamDescriptor stream : page) writer.string(stream.name());
      writer.endArray().field("HasMoreStreams", more).field("NextToken", nextToken);
      writer.startArray("StreamSummaries");
      for (StreamDescriptor stream : page) {
        writer.startObject()
            .field("StreamName", stream.name())
            .field("StreamARN", stream.arn())
            .field("StreamStatus", stream.status().name());
        ShardWriter.writeStreamMode(writer, stream);
        writer.timestamp("StreamCreationTimestamp", stream.createdMillis()).endObject();
      }
      writer.endArray();
    });
  }
}
