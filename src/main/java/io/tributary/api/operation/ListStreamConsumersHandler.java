package io.tributary.api.operation;

import java.time.Clock;
import io.tributary.stream.StreamRegistry;
import io.tributary.shard.ShardIterator;
import io.tributary.api.KinesisException;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Member;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.tributary.stream.ConsumerDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;
import java.util.Comparator;
import java.util.List;

/**
 * ListStreamConsumers: the consumers of a stream in the order they were registered, a page at a time
 * (MaxResults, 100 by default). StreamCreationTimestamp, when given, must be the stream's, so that a
 * stream of the same name created later is not listed by mistake.
 */
public final class ListStreamConsumersHandler implements OperationHandler {
  private static final int DEFAULT_MAX_RESULTS = 100;
  private static final Shape INPUT = Shape.of(
      StreamMembers.streamArn().notNull(),
      Member.string("NextToken").length(1, 1048576),
      Member.integer("MaxResults").min(1).max(10000),
      Member.timestamp("StreamCreationTimestamp"),
      StreamMembers.streamId());

  private final Clock clock;
  private final StreamRegistry registry;
  private final ShardIterator.Codec iterators;

  public ListStreamConsumersHandler(Clock clock, StreamRegistry registry, ShardIterator.Codec iterators) {
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
    long now = clock.millis();
    StreamDescriptor stream = StreamMembers.find(registry, context, input);
    Long created = input.timestamp("StreamCreationTimestamp");
    if (created != null && created != stream.createdMillis()) {
      throw KinesisException.streamNotFound(stream.name(), stream.key().account());
    }
    Position after = null;
    if (input.has("NextToken")) {
      PageToken token = PageToken.open(iterators, input.string("NextToken"), now, context.account(), stream.uid());
      after = Position.parse(token.lastKey());
    }
    Position exclusiveStart = after;
    List<ConsumerDescriptor> remaining = stream.consumers().stream()
        .filter(c -> exclusiveStart == null || Position.of(c).compareTo(exclusiveStart) > 0)
        .sorted(Comparator.comparing(Position::of))
        .toList();
    int limit = input.integer("MaxResults", DEFAULT_MAX_RESULTS);
    List<ConsumerDescriptor> page = remaining.subList(0, Math.min(limit, remaining.size()));
    String nextToken = page.size() < remaining.size()
        ? new PageToken(now, context.account(), stream.uid(), Position.of(page.get(page.size() - 1)).key())
            .seal(iterators) : null;
    return Future.succeededFuture(writer -> {
      writer.startArray("Consumers");
      for (ConsumerDescriptor consumer : page) {
        writer.startObject();
        ConsumerMembers.writeConsumer(writer, consumer);
        writer.endObject();
      }
      writer.endArray().field("NextToken", nextToken);
    });
  }

  /** A consumer's place in registration order; a page token keeps it as {@code <created ms>/<name>}. */
  private record Position(long createdMillis, String name) implements Comparable<Position> {
    static Position of(ConsumerDescriptor consumer) {
      return new Position(consumer.createdMillis(), consumer.name());
    }

    static Position parse(String key) {
      int slash = key.indexOf('/');
      try {
        return new Position(Long.parseLong(key.substring(0, slash)), key.substring(slash + 1));
      } catch (RuntimeException e) {
        throw KinesisException.invalidArgument("Invalid NextToken.");
      }
    }

    String key() {
      return createdMillis + "/" + name;
    }

    @Override
    public int compareTo(Position other) {
      int c = Long.compare(createdMillis, other.createdMillis);
      return c != 0 ? c : name.compareTo(other.name);
    }
  }
}
