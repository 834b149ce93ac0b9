package io.tributary.stream;

import io.tributary.DomainException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Registers and deregisters enhanced fan-out consumers. A new consumer is CREATING for the create delay,
 * then ACTIVE; a deregistered one is DELETING for the delete delay, then gone, and its resource policy
 * with it. Each change is kept in the catalog ({@link MetadataWriter}) before it is seen or acknowledged;
 * the step that ends CREATING or DELETING is retried until it is kept ({@link RetriedSteps}), and after a
 * restart {@link #restore} finishes what was under way (CREATING turns ACTIVE, DELETING goes).
 */
public final class ConsumerLifecycle {
  /** AWS's limits: consumers registered on one stream, and of those, CREATING at once. */
  public static final int MAX_CONSUMERS = 20;
  public static final int MAX_CREATING = 5;

  private final Vertx vertx;
  private final StreamRegistry registry;
  private final MetadataWriter metadata;
  private final RetriedSteps steps;
  private final Clock clock;
  private final long createDelayMillis;
  private final long deleteDelayMillis;

  public ConsumerLifecycle(Vertx vertx, StreamRegistry registry, MetadataWriter metadata, Clock clock,
      long createDelayMillis, long deleteDelayMillis) {
    this.vertx = vertx;
    this.registry = registry;
    this.metadata = metadata;
    this.steps = new RetriedSteps(vertx);
    this.clock = clock;
    this.createDelayMillis = createDelayMillis;
    this.deleteDelayMillis = deleteDelayMillis;
  }

  /**
   * Registers a consumer as CREATING, failing as AWS does when the name is taken or the stream's limits
   * are reached (checked and applied as one change). Completes with the consumer as registered; with no
   * create delay, only once it is ACTIVE.
   */
  public Future<ConsumerDescriptor> register(StreamDescriptor stream, String name, Map<String, String> tags) {
    long now = clock.millis();
    ConsumerDescriptor consumer = new ConsumerDescriptor(name, ConsumerDescriptor.arnOf(stream.arn(), name, now),
        ConsumerStatus.CREATING, now, tags);
    Future<StreamDescriptor> kept = metadata.commit(() -> registry.update(stream.key(), stream.uid(), current -> {
      checkRegistration(current, name);
      List<ConsumerDescriptor> consumers = new ArrayList<>(current.consumers());
      consumers.add(consumer);
      return current.toBuilder().consumers(consumers).build();
    })).compose(updated -> updated != null ? Future.succeededFuture(updated)
        : Future.failedFuture(DomainException.streamNotFound(stream.name(), stream.key().account())));
    Future<Void> active = kept
        .compose(v -> after(createDelayMillis))
        .compose(v -> steps.run("activation of consumer " + consumer.arn(), () -> change(stream, consumer.arn(),
            c -> c.status() == ConsumerStatus.CREATING ? c.withStatus(ConsumerStatus.ACTIVE) : c)));
    return (createDelayMillis <= 0 ? active : kept.mapEmpty()).map(consumer);
  }

  private static void checkRegistration(StreamDescriptor stream, String name) {
    String where = "stream " + stream.name() + " under account " + stream.key().account();
    ConsumerDescriptor existing = stream.consumer(name);
    if (existing != null) {
      throw DomainException.inUse("Consumer " + name + " with creation timestamp "
          + existing.createdMillis() / 1000 + " under stream " + stream.name() + " and account "
          + stream.key().account() + " already exists.");
    }
    if (stream.consumers().size() >= MAX_CONSUMERS) {
      throw DomainException.limitExceeded("This request would exceed the consumer limit for the " + where
          + ". Current consumer count for the stream: " + stream.consumers().size() + ". Limit: " + MAX_CONSUMERS + ".");
    }
    long creating = stream.consumers().stream().filter(c -> c.status() == ConsumerStatus.CREATING).count();
    if (creating >= MAX_CREATING) {
      throw DomainException.limitExceeded("This request would exceed the limit of " + MAX_CREATING
          + " consumers in CREATING status for the " + where + ".");
    }
  }

  /**
   * Marks a consumer DELETING; after the delete delay it is removed with its resource policy. With no
   * delay, completes only once it is gone.
   */
  public Future<Void> deregister(StreamDescriptor stream, ConsumerDescriptor consumer) {
    Future<Void> kept = change(stream, consumer.arn(), c -> c.withStatus(ConsumerStatus.DELETING));
    Future<Void> gone = kept.compose(v -> after(deleteDelayMillis))
        .compose(v -> steps.run("deregistration of consumer " + consumer.arn(), () -> change(stream, consumer.arn(), c -> null)));
    return deleteDelayMillis <= 0 ? gone : kept;
  }

  /** Changes one consumer's tags. */
  public Future<Void> updateTags(StreamDescriptor stream, ConsumerDescriptor consumer,
      UnaryOperator<Map<String, String>> change) {
    return change(stream, consumer.arn(), c -> c.withTags(change.apply(new LinkedHashMap<>(c.tags()))));
  }

  /** Finishes what a stopped server left under way: CREATING consumers turn ACTIVE, DELETING ones go. */
  public Future<Void> restore() {
    List<StreamDescriptor> unfinished = registry.all().stream()
        .filter(stream -> !stream.consumers().stream().allMatch(c -> c.status() == ConsumerStatus.ACTIVE))
        .toList();
    if (unfinished.isEmpty()) return Future.succeededFuture();
    return steps.run("restart of consumers", () -> metadata.commit(() -> {
      for (StreamDescriptor stream : unfinished) {
        registry.update(stream.key(), stream.uid(), current -> {
          StreamDescriptor result = current;
          for (ConsumerDescriptor consumer : current.consumers()) {
            if (consumer.status() == ConsumerStatus.CREATING) {
              result = withConsumer(result, consumer.arn(), c -> c.withStatus(ConsumerStatus.ACTIVE));
            } else if (consumer.status() == ConsumerStatus.DELETING) {
              result = withConsumer(result, consumer.arn(), c -> null);
            }
          }
          return result;
        });
      }
      return null;
    }));
  }

  /**
   * Applies a change to the consumer of that ARN, if the stream and consumer are still there, and keeps
   * it; a change that returns null removes the consumer and its policy.
   */
  private Future<Void> change(StreamDescriptor stream, String consumerArn, UnaryOperator<ConsumerDescriptor> change) {
    return metadata.commit(() -> registry.update(stream.key(), stream.uid(), s -> withConsumer(s, consumerArn, change)))
        .mapEmpty();
  }

  private static StreamDescriptor withConsumer(StreamDescriptor stream, String consumerArn,
      UnaryOperator<ConsumerDescriptor> change) {
    List<ConsumerDescriptor> consumers = new ArrayList<>();
    boolean found = false;
    for (ConsumerDescriptor consumer : stream.consumers()) {
      if (!consumer.arn().equals(consumerArn)) {
        consumers.add(consumer);
        continue;
      }
      found = true;
      ConsumerDescriptor changed = change.apply(consumer);
      if (changed != null) consumers.add(changed);
    }
    if (!found) return stream;
    StreamDescriptor.Builder builder = stream.toBuilder().consumers(consumers);
    if (consumers.size() < stream.consumers().size()) {
      Map<String, String> policies = new LinkedHashMap<>(stream.policies());
      policies.remove(consumerArn);
      builder.policies(policies);
    }
    return builder.build();
  }

  private Future<Void> after(long delayMillis) {
    return delayMillis <= 0 ? Future.succeededFuture() : vertx.timer(delayMillis).mapEmpty();
  }
}
