package io.tributary.api.operation;

import java.time.Clock;
import io.vertx.core.Vertx;
import io.tributary.stream.StreamRegistry;
import io.tributary.shard.ShardClient;
import io.tributary.metrics.StreamMetrics;
import io.tributary.api.Subscriptions;
import io.tributary.api.KinesisException;
import io.tributary.api.RequestContext;
import io.tributary.api.StreamingOperationHandler;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Member;
import io.tributary.api.wire.Shape;
import io.tributary.metrics.StreamMeters;
import io.tributary.shard.SequenceNumber;
import io.tributary.shard.ShardRequest.Position;
import io.tributary.stream.ConsumerDescriptor;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;
import java.util.List;

/**
 * SubscribeToShard (enhanced fan-out): checks the consumer (registered on the stream and ACTIVE), the
 * shard and the starting position, claims the consumer's subscription of the shard (ResourceInUseException
 * within the takeover window of the previous one) and answers with an event stream that a
 * {@link ShardSubscription} writes: records are pushed as they are appended, for up to
 * {@code subscription.lifetime.ms}. Errors found before the stream starts are ordinary error answers.
 */
public final class SubscribeToShardHandler implements StreamingOperationHandler {
  private static final Shape STARTING_POSITION = Shape.of(
      Member.string("Type").notNull()
          .oneOf(List.of("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER", "TRIM_HORIZON", "LATEST", "AT_TIMESTAMP")),
      Member.string("SequenceNumber").pattern(StreamMembers.SEQUENCE_NUMBER_PATTERN),
      Member.timestamp("Timestamp"));
  private static final Shape INPUT = Shape.of(
      ConsumerMembers.consumerArn().notNull(),
      Member.string("ShardId").notNull().pattern(StreamMembers.SHARD_ID_PATTERN).length(1, 128),
      Member.structure("StartingPosition", STARTING_POSITION).notNull(),
      StreamMembers.streamId(),
      DryRun.member());

  private final Vertx vertx;
  private final Clock clock;
  private final StreamRegistry registry;
  private final ShardClient shards;
  private final Subscriptions subscriptions;
  private final StreamMetrics streamMetrics;

  public SubscribeToShardHandler(Vertx vertx, Clock clock, StreamRegistry registry, ShardClient shards, Subscriptions subscriptions, StreamMetrics streamMetrics) {
    this.vertx = vertx;
    this.clock = clock;
    this.registry = registry;
    this.shards = shards;
    this.subscriptions = subscriptions;
    this.streamMetrics = streamMetrics;
  }

  @Override
  public Shape input() {
    return INPUT;
  }

  @Override
  public Future<StreamingAnswer> open(RequestContext context, Input input) {
    String consumerArn = input.string("ConsumerARN");
    ResourceArn arn = ResourceArn.parseConsumer(consumerArn);
    if (arn == null) throw ConsumerMembers.consumerNotFound(consumerArn, context.account());
    ResourceArn.Resource found = arn.find(registry);
    StreamDescriptor stream = found.stream();
    ConsumerMembers.requireActive(stream, found.consumer());

    String requestedShard = input.string("ShardId");
    String shardId = StreamMembers.canonicalShardId(requestedShard);
    ShardDescriptor shard = shardId == null ? null : stream.shard(shardId);
    if (shard == null) {
      throw KinesisException.resourceNotFound("Shard " + requestedShard + " in stream " + stream.name()
          + " under account " + stream.key().account() + " does not exist");
    }

    Input position = input.structure("StartingPosition");
    String type = position.string("Type");
    String sequenceNumber = position.string("SequenceNumber");
    Long timestamp = position.timestamp("Timestamp");
    Future<Long> offset;
    String continuation = null;
    switch (type) {
      case "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER" -> {
        if (sequenceNumber == null) {
          throw KinesisException.invalidArgument("StartingPosition of type " + type + " requires a SequenceNumber.");
        }
        SequenceNumber.Fields fields = StartingSequenceNumber.check(sequenceNumber, "SubscribeToShard", stream, shard);
        boolean after = type.equals("AFTER_SEQUENCE_NUMBER");
        if (after) continuation = sequenceNumber;
        offset = Future.succeededFuture(StartingSequenceNumber.offset(fields, shard, after));
      }
      case "AT_TIMESTAMP" -> {
        if (timestamp == null) {
          throw KinesisException.invalidArgument("StartingPosition of type AT_TIMESTAMP requires a Timestamp.");
        }
        long now = clock.millis();
        if (timestamp > now) {
          throw KinesisException.invalidArgument("The timestampInMillis parameter cannot be greater than the "
              + "currentTimestampInMillis. timestampInMillis: " + timestamp + ", currentTimestampInMillis: " + now);
        }
        offset = null;
      }
      default -> offset = null;
    }
    DryRun.stopIfRequested(input);
    if (subscriptions.buffers().full(ShardSubscription.RESERVED_EVENT_BYTES)) {
      throw KinesisException.limitExceeded("Too many subscriptions have events waiting for their readers "
          + "(limits.subscription.buffer.bytes is full). Try again later.");
    }
    if (offset == null) {
      offset = type.equals("AT_TIMESTAMP")
          ? shards.locate(stream, shard, Position.AT_TIMESTAMP, timestamp)
          : shards.locate(stream, shard, Position.valueOf(type), 0);
    }
    String given = continuation;
    StreamMeters meters = streamMetrics.of(stream);
    return offset.compose(at -> {
      ShardSubscription subscription = new ShardSubscription(vertx, clock, registry, shards, subscriptions, streamMetrics, stream, shard, found.consumer(), at,
          given != null ? given : ShardSubscription.continuationBefore(shard, at));
      // The takeover rule is counted at the shard, so that it holds whichever nodes the calls come through;
      // this node's registry then keeps the subscription for deregistration and its own counts.
      return shards.claim(stream, shard, consumerArn, subscription.address(), subscriptions.takeoverMillis())
          .map(granted -> {
            try {
              if (!granted) throw Subscriptions.inUse(consumerArn, shard.shardId());
              subscriptions.claim(consumerArn, shard.shardId(), subscription);
            } catch (KinesisException refused) {
              meters.subscribeRateExceeded(found.consumer());
              throw refused;
            }
            meters.subscribed(found.consumer());
            return subscription::start;
          });
    });
  }

  /**
   * Counts SubscribeToShard.RateExceeded for a call refused over the consumer's call rate on a shard (the
   * other refusal, a live subscription within the takeover window, is counted where it is made).
   */
  public static void countRateExceeded(StreamRegistry registry, StreamMetrics metrics, String consumerArn) {
    ResourceArn arn = consumerArn == null ? null : ResourceArn.parseConsumer(consumerArn);
    if (arn == null) return;
    StreamDescriptor stream = registry.find(arn.streamKey());
    ConsumerDescriptor consumer = stream == null ? null : stream.consumer(arn.consumerName());
    if (consumer != null && consumer.arn().equals(consumerArn)) {
      metrics.of(stream).subscribeRateExceeded(consumer);
    }
  }
}
