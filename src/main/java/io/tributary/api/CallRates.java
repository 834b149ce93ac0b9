package io.tributary.api;

import static io.tributary.api.Operation.*;

import io.tributary.api.wire.Input;
import io.tributary.limits.TokenBucket;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The call rates AWS's API reference gives per operation (transactions per second, per account, stream,
 * open shard or consumer and shard), each a {@link TokenBucket} holding one second of calls. A call over
 * the rate fails with LimitExceededException, or ProvisionedThroughputExceededException for
 * GetShardIterator, whose model lists that error instead. Operations the reference gives no rate for, and
 * PutRecord(s) and GetRecords, whose limits are the shard's ({@link ShardThroughput}), are not counted here.
 *
 * <p>Thread-safe: API verticles on every event loop share it; each bucket is guarded by itself.
 */
public final class CallRates {
  private enum Scope { ACCOUNT, STREAM, OPEN_SHARD, CONSUMER_SHARD }

  private record Rate(double perSecond, Scope scope) { }

  private static final Map<Operation, Rate> RATES = new EnumMap<>(Operation.class);

  static {
    perAccount(5, CREATE_STREAM, DELETE_STREAM, LIST_STREAMS, ADD_TAGS_TO_STREAM, REMOVE_TAGS_FROM_STREAM,
        LIST_TAGS_FOR_STREAM, SPLIT_SHARD, MERGE_SHARDS, REGISTER_STREAM_CONSUMER, DESCRIBE_ACCOUNT_SETTINGS,
        UPDATE_ACCOUNT_SETTINGS, UPDATE_STREAM_WARM_THROUGHPUT);
    perAccount(10, DESCRIBE_STREAM, UPDATE_SHARD_COUNT);
    perAccount(20, DESCRIBE_STREAM_SUMMARY);
    perAccount(1, DESCRIBE_LIMITS);
    RATES.put(LIST_SHARDS, new Rate(1000, Scope.STREAM));
    RATES.put(LIST_STREAM_CONSUMERS, new Rate(5, Scope.STREAM));
    RATES.put(DEREGISTER_STREAM_CONSUMER, new Rate(5, Scope.STREAM));
    RATES.put(DESCRIBE_STREAM_CONSUMER, new Rate(20, Scope.STREAM));
    RATES.put(GET_SHARD_ITERATOR, new Rate(5, Scope.OPEN_SHARD));
    RATES.put(SUBSCRIBE_TO_SHARD, new Rate(1, Scope.CONSUMER_SHARD));
  }

  private static void perAccount(double perSecond, Operation... operations) {
    for (Operation operation : operations) RATES.put(operation, new Rate(perSecond, Scope.ACCOUNT));
  }

  /** Past this many buckets, full ones (idle, so the same as new) are dropped, at most once a second. */
  private static final int SWEEP_ABOVE = 10_000;

  private final Clock clock;
  /** By operation and the account, stream, shard or consumer the rate applies to. */
  private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
  private final AtomicLong sweptMillis = new AtomicLong();

  public CallRates(Clock clock) {
    this.clock = clock;
  }

  /** Counts the call against its operation's rate; fails it when the rate is used up. */
  public void admit(Operation operation, RequestContext context, Input input) {
    Rate rate = RATES.get(operation);
    if (rate == null) return;
    String stream = RequestTarget.streamName(input);
    String account = context.account();
    String where = switch (rate.scope()) {
      case ACCOUNT -> account + '/' + context.region();
      case STREAM -> account + '/' + context.region() + '/' + stream;
      case OPEN_SHARD -> account + '/' + context.region() + '/' + stream + '/' + input.string("ShardId");
      case CONSUMER_SHARD -> input.string("ConsumerARN") + '/' + input.string("ShardId");
    };
    if (buckets.size() > SWEEP_ABOVE) sweep();
    TokenBucket bucket = buckets.computeIfAbsent(operation.wireName() + ' ' + where,
        key -> new TokenBucket(clock, rate.perSecond(), rate.perSecond()));
    synchronized (bucket) {
      if (bucket.allows(1)) {
        bucket.spend(1);
        return;
      }
    }
    throw switch (rate.scope()) {
      case OPEN_SHARD -> KinesisException.client(Throttling.ERROR,
          Throttling.shardRateExceeded(input.string("ShardId"), stream, account));
      case CONSUMER_SHARD -> KinesisException.limitExceeded("Rate exceeded for consumer " + input.string("ConsumerARN")
          + " and shard " + input.string("ShardId") + ".");
      default -> KinesisException.limitExceeded(Throttling.callRateExceeded(stream, account));
    };
  }

  /** Keeps the buckets of callers that named many streams, consumers or shards from piling up. */
  private void sweep() {
    long now = clock.millis();
    long last = sweptMillis.get();
    if (now - last < 1000 || !sweptMillis.compareAndSet(last, now)) return;
    buckets.values().removeIf(bucket -> {
      synchronized (bucket) {
        return bucket.isFull();
      }
    });
  }
}
