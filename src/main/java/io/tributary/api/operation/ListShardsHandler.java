package io.tributary.api.operation;

import java.time.Clock;
import io.tributary.stream.StreamRegistry;
import io.tributary.shard.ShardIterator;
import io.tributary.api.KinesisException;
import io.tributary.api.Operation;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Member;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.tributary.stream.StreamKey;
import io.tributary.stream.StreamStatus;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Predicate;

/**
 * ListShards: the shards of a stream, a page at a time (at most 1000), selected by ShardFilter. The first
 * page names the stream; later pages pass only the NextToken, as AWS requires.
 */
public final class ListShardsHandler implements OperationHandler {
  private static final int MAX_RESULTS = 1000;
  private static final List<String> FILTER_TYPES =
      List.of("AFTER_SHARD_ID", "AT_TRIM_HORIZON", "FROM_TRIM_HORIZON", "AT_LATEST", "AT_TIMESTAMP", "FROM_TIMESTAMP");
  private static final Shape SHARD_FILTER = Shape.of(
      Member.string("Type").notNull().oneOf(FILTER_TYPES),
      StreamMembers.shardId("ShardId"),
      Member.timestamp("Timestamp"));
  private static final Shape INPUT = Shape.of(
      StreamMembers.shardId("ExclusiveStartShardId"),
      Member.integer("MaxResults").min(1).max(10000),
      Member.string("NextToken").minLength(1).maxLength(1048576),
      Member.timestamp("StreamCreationTimestamp"),
      StreamMembers.optionalStreamName(),
      Member.structure("ShardFilter", SHARD_FILTER),
      StreamMembers.streamArn(),
      StreamMembers.streamId());

  private final Clock clock;
  private final StreamRegistry registry;
  private final ShardIterator.Codec iterators;

  public ListShardsHandler(Clock clock, StreamRegistry registry, ShardIterator.Codec iterators) {
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
    boolean named = input.has("StreamName") || input.has("StreamARN");
    StreamKey key;
    String after;
    ShardFilter filter;
    if (input.has("NextToken")) {
      if (named) throw KinesisException.invalidArgument("NextToken and StreamName cannot be provided together.");
      if (input.has("ShardFilter")) throw KinesisException.invalidArgument("NextToken and ShardFilter cannot be provided together.");
      if (input.has("ExclusiveStartShardId")) {
        throw KinesisException.invalidArgument("NextToken and ExclusiveStartShardId cannot be provided together.");
      }
      if (input.has("StreamCreationTimestamp")) {
        throw KinesisException.invalidArgument("NextToken and StreamCreationTimestamp cannot be provided together.");
      }
      PageToken token = PageToken.open(iterators, input.string("NextToken"), now, context.account(), null);
      String[] scope = token.scope().split("/", 3);
      if (scope.length != 3) throw KinesisException.invalidArgument("Invalid NextToken.");
      key = new StreamKey(scope[0], scope[1], scope[2]);
      after = token.lastKey();
      filter = ShardFilter.fromText(token.detail());
    } else {
      if (!named) throw KinesisException.invalidArgument("Either NextToken or StreamName should be provided.");
      key = StreamMembers.keyOf(context, input);
      after = input.string("ExclusiveStartShardId");
      filter = null;
    }

    // A later page names its stream only in the token: the caller must still be allowed it.
    StreamDescriptor stream = ResourceAccess.findStream(registry, context, Operation.LIST_SHARDS, key);
    if (stream.status() == StreamStatus.CREATING) {
      throw KinesisException.resourceInUse("Stream " + key.name() + " under account " + key.account() + " is not ACTIVE.");
    }
    if (input.has("ShardFilter")) filter = ShardFilter.of(input.structure("ShardFilter"), now);
    Predicate<ShardDescriptor> selected = filter != null ? filter.selects(stream) : shard -> true;
    List<ShardDescriptor> shards = stream.shards().stream()
        .filter(s -> after == null || s.shardId().compareTo(after) > 0)
        .filter(selected)
        .toList();
    int limit = Math.min(input.integer("MaxResults", MAX_RESULTS), MAX_RESULTS);
    List<ShardDescriptor> page = shards.subList(0, Math.min(limit, shards.size()));
    String nextToken = page.size() < shards.size()
        ? new PageToken(now, context.account(), key.account() + "/" + key.region() + "/" + key.name(),
            page.get(page.size() - 1).shardId(), filter == null ? "" : filter.toText()).seal(iterators)
        : null;
    return Future.succeededFuture(writer -> {
      ShardWriter.writeShards(writer, page);
      writer.field("NextToken", nextToken);
    });
  }
}
