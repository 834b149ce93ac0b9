package io.tributary.api.operation;

import java.time.Clock;
import io.tributary.stream.StreamRegistry;
import io.tributary.stream.StreamLifecycle;
import io.tributary.config.Settings;
import io.tributary.api.KinesisException;
import io.tributary.api.OperationHandler;
import io.tributary.api.RequestContext;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Member;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.Shape;
import io.tributary.stream.RecordDistributionStrategy;
import io.tributary.stream.StreamKey;
import io.tributary.stream.StreamMode;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/**
 * CreateStream: a provisioned stream of ShardCount shards, or an on-demand one of the default count, which
 * may be given a warm throughput.
 */
public final class CreateStreamHandler implements OperationHandler {
  static final Shape STREAM_MODE_DETAILS = Shape.of(
      Member.string("StreamMode").notNull().oneOf(List.of("PROVISIONED", "ON_DEMAND")));
  private static final Shape INPUT = Shape.of(
      Member.integer("ShardCount").min(1),
      StreamMembers.optionalStreamName().notNull(),
      Member.structure("StreamModeDetails", STREAM_MODE_DETAILS),
      TagRules.tagMap("Tags"),
      Member.integer("WarmThroughputMiBps").min(0),
      Member.integer("MaxRecordSizeInKiB").min(1024).max(10240),
      Member.string("RecordDistributionStrategy").oneOf(List.of("AUTO", "USER_PARTITION_KEY")));

  private final Clock clock;
  private final StreamRegistry registry;
  private final StreamLifecycle lifecycle;
  private final int onDemandShards;
  private final int retentionHours;

  public CreateStreamHandler(Settings settings, Clock clock, StreamRegistry registry, StreamLifecycle lifecycle) {
    this.clock = clock;
    this.registry = registry;
    this.lifecycle = lifecycle;
    this.onDemandShards = settings.integer("stream.on.demand.shards");
    this.retentionHours = settings.integer("stream.retention.hours");
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<Response> handle(RequestContext context, Input input) {
    Input modeDetails = input.structure("StreamModeDetails");
    Integer shardCount = input.integer("ShardCount");
    // AWS today: a stream asked for with neither a shard count nor a mode is an on-demand one.
    StreamMode mode = modeDetails != null ? StreamMode.valueOf(modeDetails.string("StreamMode"))
        : shardCount == null ? StreamMode.ON_DEMAND : StreamMode.PROVISIONED;
    if (mode == StreamMode.PROVISIONED && shardCount == null) {
      throw KinesisException.client("ValidationException", "1 validation error detected: Value null at 'shardCount' "
          + "failed to satisfy constraint: Member must not be null");
    }
    int shards = mode == StreamMode.ON_DEMAND ? onDemandShards : shardCount;
    StreamKey key = new StreamKey(context.account(), context.region(), input.string("StreamName"));
    Map<String, String> tags = input.has("Tags") ? TagRules.given(input.stringMap("Tags")) : Map.of();
    TagRules.checkAdd(tags, Map.of(), "Failed to create stream " + key.name() + " under account " + key.account(),
        "stream", TagRules.MAX_TAGS);
    Integer warmThroughput = input.integer("WarmThroughputMiBps");
    if (warmThroughput != null) WarmThroughput.check(registry, clock, key, mode, warmThroughput);
    RecordDistributionStrategy strategy = RecordDistributionStrategy.valueOf(
        input.has("RecordDistributionStrategy") ? input.string("RecordDistributionStrategy") : "USER_PARTITION_KEY");
    UpdateStreamRecordDistributionStrategyHandler.checkSupported(key, mode, strategy);
    return lifecycle
        .create(key, mode, shards, retentionHours, input.integer("MaxRecordSizeInKiB", 1024), warmThroughput, tags,
            strategy)
        .map(Response.EMPTY);
  }
}
