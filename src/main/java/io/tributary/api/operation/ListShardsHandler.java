package io.tributary.api.operation;

import io.tributary.Services;
import io.tributary.api.KinesisException;
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
      StreamMembers.streamName(),
      Member.structure("ShardFilter", SHARD_FILTER),
      StreamMembers.streamArn(),
      StreamMembers.streamId());

  private final Services services;

  public ListShardsHandler(Services services) {
    this.services = services;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    long now = services.clock().millis();
    boolean named = input.has("StreamName") || input.has("StreamARN");
    StreamKey key;
    String after;
    Predicate<ShardDescriptor> filter;
    if (input.has("NextToken")) {
      if (named) throw KinesisException.invalidArgument("NextToken and StreamName cannot be provided together.");
      if (input.has("ShardFilter")) throw KinesisException.invalidArgument("NextToken and ShardFilter cannot be provided together.");
      if (input.has("ExclusiveStartShardId")) {
        throw KinesisException.invalidArgument("NextToken and ExclusiveStartShardId cannot be provided together.");
      }
      if (input.has("StreamCreationTimestamp")) {
        throw KinesisException.invalidArgument("NextToken and StreamCreationTimestamp cannot be provided together.");
      }
      PageToken token = PageToken.decode(input.string("NextToken"), now);
      String[] scope = token.scope().split("/", 3);
      if (scope.length != 3) throw KinesisException.invalidArgument("Invalid NextToken.");
      key = new StreamKey(scope[0], scope[1], scope[2]);
      after = token.lastKey();
      filter = shard -> true;
    } else {
      if (!named) throw KinesisException.invalidArgument("Either NextToken or StreamName should be provided.");
      key = StreamMembers.keyOf(context, input);
      after = input.string("ExclusiveStartShardId");
      filter = null;
    }

    StreamDescriptor stream = services.registry().find(key);
    if (stream == null) throw KinesisException.streamNotFound(key.name(), key.account());
    if (stream.status() == StreamStatus.CREATING) {
      throw KinesisException.resourceInUse("Stream " + key.name() + " under account " + key.account() + " is not ACTIVE.");
    }
    Predicate<ShardDescriptor> selected = filter != null ? filter
        : input.has("ShardFilter") ? shardFilter(input.structure("ShardFilter"), stream, now) : shard -> true;
    List<ShardDescriptor> shards = stream.shards().stream()
        .filter(s -> after == null || s.shardId().compareTo(after) > 0)
        .filter(selected)
        .toList();
    int limit = Math.min(input.integer("MaxResults", MAX_RESULTS), MAX_RESULTS);
    List<ShardDescriptor> page = shards.subList(0, Math.min(limit, shards.size()));
    String nextToken = page.size() < shards.size()
        ? new PageToken(now, key.account() + "/" + key.region() + "/" + key.name(), page.get(page.size() - 1).shardId()).encode()
        : null;
    return Future.succeededFuture(writer -> {
      ShardWriter.writeShards(writer, page);
      writer.field("NextToken", nextToken);
    });
  }

  /** Which shards a ShardFilter selects, by its type, as AWS documents each. */
  private static Predicate<ShardDescriptor> shardFilter(Input filter, StreamDescriptor stream, long now) {
    String type = filter.string("Type");
    String shardId = filter.string("ShardId");
    Long timestamp = filter.timestamp("Timestamp");
    long trimHorizon = now - stream.retentionHours() * 3_600_000L;
    switch (type) {
      case "AFTER_SHARD_ID" -> {
        if (shardId == null) {
          throw KinesisException.invalidArgument("ShardId must be supplied in a ShardFilter with a Type of AFTER_SHARD_ID");
        }
        return shard -> shard.shardId().compareTo(shardId) > 0;
      }
      case "AT_LATEST" -> {
        return ShardDescriptor::isOpen;
      }
      case "AT_TRIM_HORIZON" -> {
        return shard -> openAt(shard, trimHorizon);
      }
      case "AT_TIMESTAMP", "FROM_TIMESTAMP" -> {
        if (timestamp == null) {
          throw KinesisException.invalidArgument(
              "Timestamp must be supplied in a ShardFilter with a Type of FROM_TIMESTAMP or AT_TIMESTAMP");
        }
        if (timestamp > now) throw KinesisException.invalidArgument("Timestamp cannot be in the future");
        if (type.equals("AT_TIMESTAMP")) return shard -> openAt(shard, timestamp);
        // Before the trim horizon, FROM_TIMESTAMP is taken as FROM_TRIM_HORIZON.
        long from = Math.max(timestamp, trimHorizon);
        return shard -> shard.isOpen() || shard.closedMillis() >= from;
      }
      default -> {
        // FROM_TRIM_HORIZON: every shard still within retention.
        return shard -> true;
      }
    }
  }

  /**
   * Whether a shard was open at a time. The shards a stream was created with count as open since the
   * start of time, so a time before the stream's creation selects them.
   */
  private static boolean openAt(ShardDescriptor shard, long time) {
    boolean opened = shard.parentShardId() == null || shard.createdMillis() <= time;
    boolean notYetClosed = shard.isOpen() || shard.closedMillis() > time;
    return opened && notYetClosed;
  }
}
