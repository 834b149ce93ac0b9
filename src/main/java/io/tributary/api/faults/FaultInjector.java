package io.tributary.api.faults;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.api.KinesisException;
import io.tributary.api.Operation;
import io.tributary.api.RequestContext;
import io.tributary.api.RequestTarget;
import io.tributary.api.wire.Input;
import io.tributary.api.Throttling;
import io.tributary.shard.ShardIterator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Faults injected on purpose, for testing clients' retry logic: before a call's handler runs, each rule
 * that matches its operation and stream fires with its probability. Latency rules that fire add up to one
 * delay (a timer: the event loop never sleeps); the first error rule that fires fails the call, after that
 * delay. A throttling fault answers as the operation reports throttling: ProvisionedThroughputExceededException
 * for PutRecord, PutRecords, GetRecords and GetShardIterator, LimitExceededException for the others, with
 * AWS's wording. Each injected fault counts in {@code tributary_faults_injected_total}.
 *
 * <p>Rules come from the {@code faults} setting and can be replaced at run time on the management port
 * ({@link FaultRoutes}). With a seed (setting {@code faults.seed}, or with new rules), the draws repeat.
 */
public final class FaultInjector {
  private final Vertx vertx;
  private final ShardIterator.Codec iterators;
  private final MeterRegistry meters;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private volatile List<FaultRule> rules;
  private volatile Random random;

  public FaultInjector(Vertx vertx, ShardIterator.Codec iterators, MeterRegistry meters, List<FaultRule> rules,
      Long seed) {
    this.vertx = vertx;
    this.iterators = iterators;
    this.meters = meters;
    replace(rules, seed);
  }

  public List<FaultRule> rules() { return rules; }

  /** Replaces every rule; a seed makes the draws from now on repeatable. */
  public void replace(List<FaultRule> newRules, Long seed) {
    random = seed == null ? new Random() : new Random(seed);
    rules = List.copyOf(newRules);
  }

  /**
   * The faults for this call: null when none fires (then the call goes ahead at once), else a future that
   * completes after the injected latency, failed if an error fires.
   */
  public Future<Void> apply(Operation operation, RequestContext context, Input input) {
    List<FaultRule> current = rules;
    if (current.isEmpty()) return null;
    String stream = streamOf(operation, input);
    long latency = 0;
    KinesisException error = null;
    for (FaultRule rule : current) {
      if (!rule.matches(operation, stream) || random.nextDouble() >= rule.probability()) continue;
      if (rule.kind() == FaultKind.LATENCY) {
        latency += rule.latencyMillis();
      } else if (error == null) {
        error = errorFor(rule.kind(), operation, context, input, stream);
      } else {
        continue;
      }
      count(operation, rule.kind());
    }
    if (latency == 0 && error == null) return null;
    Future<Void> failure = error == null ? Future.succeededFuture() : Future.failedFuture(error);
    return latency == 0 ? failure : vertx.timer(latency).transform(fired -> failure);
  }

  /** GetRecords names its stream in its iterator only. */
  private String streamOf(Operation operation, Input input) {
    String named = RequestTarget.streamName(input);
    if (named != null || operation != Operation.GET_RECORDS) return named;
    ShardIterator iterator = iterators.decode(input.string("ShardIterator"));
    return iterator == null ? null : iterator.streamName();
  }

  private static KinesisException errorFor(FaultKind kind, Operation operation, RequestContext context, Input input,
      String stream) {
    if (kind == FaultKind.INTERNAL_FAILURE) return KinesisException.internalFailure();
    return switch (operation) {
      case PUT_RECORD, PUT_RECORDS, GET_RECORDS -> KinesisException.client(Throttling.ERROR,
          Throttling.callRateExceeded(stream, context.account()));
      case GET_SHARD_ITERATOR -> KinesisException.client(Throttling.ERROR,
          Throttling.shardRateExceeded(input.string("ShardId"), stream, context.account()));
      default -> KinesisException.limitExceeded(Throttling.callRateExceeded(stream, context.account()));
    };
  }

  private void count(Operation operation, FaultKind kind) {
    counters.computeIfAbsent(operation.wireName() + '/' + kind.ruleName(), key -> Counter.builder("tributary.faults.injected")
            .description("Faults injected on purpose, by operation and fault")
            .tag("operation", operation.wireName()).tag("fault", kind.ruleName())
            .register(meters))
        .increment();
  }
}
