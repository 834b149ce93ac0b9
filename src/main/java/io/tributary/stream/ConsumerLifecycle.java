package io.tributary.stream;

import io.tributary.api.KinesisException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers and deregisters enhanced fan-out consumers. A new consumer is CREATING for the create delay,
 * then ACTIVE; a deregistered one is DELETING for the delete delay, then gone, and its resource policy
 * with it. Each change is made in the registry and saved with the catalog before it is acknowledged; after
 * a restart {@link #restore} finishes what was under way (CREATING turns ACTIVE, DELETING goes).
 */
public final class ConsumerLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerLifecycle.class);
  /** AWS's limits: consumers registered on one stream, and of those, CREATING at once. */
  public static final int MAX_CONSUMERS = 20;
  public static final int MAX_CREATING = 5;

  private final Vertx vertx;
  private final StreamRegistry registry;
  private final StreamCatalog catalog;
  private final Clock clock;
  private final long createDelayMillis;
  private final long deleteDelayMillis;

  public ConsumerLifecycle(Vertx vertx, StreamRegistry registry, StreamCatalog catalog, Clock clock,
      long createDelayMillis, long deleteDelayMillis) {
    this.vertx = vertx;
    this.registry = registry;
    this.catalog = catalog;
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
    StreamDescriptor updated = registry.update(stream.key(), stream.uid(), current -> {
      checkRegistration(current, name);
      List<ConsumerDescriptor> consumers = new ArrayList<>(current.consumers());
      consumers.add(consumer);
      return current.toBuilder().consumers(consumers).build();
    });
    if (updated == null) return Future.failedFuture(KinesisException.streamNotFound(stream.name(), stream.key().account()));
    Future<Void> saved = catalog.save();
    Future<Void> active = saved
        .compose(v -> after(createDelayMillis))
        .compose(v -> change(stream, consumer.arn(),
            c -> c.status() == ConsumerStatus.CREATING ? c.withStatus(ConsumerStatus.ACTIVE) : c));
    active.onFailure(failure -> LOG.error("consumer {} did not become ACTIVE", consumer.arn(), failure));
    return (createDelayMillis <= 0 ? active : saved).map(consumer);
  }

  private static void checkRegistration(StreamDescriptor stream, String name) {
    String where = "stream " + stream.name() + " under account " + stream.key().account();
    ConsumerDescriptor existing = stream.consumer(name);
    if (existing != null) {
      throw KinesisException.resourceInUse("Consumer " + name + " with creation timestamp "
          + existing.createdMillis() / 1000 + " under stream " + stream.name() + " and account "
          + stream.key().account() + " already exists.");
    }
    if (stream.consumers().size() >= MAX_CONSUMERS) {
      throw KinesisException.limitExceeded("This request would exceed the consumer limit for the " + where
          + ". Current consumer count for the stream: " + stream.consumers().size() + ". Limit: " + MAX_CONSUMERS + ".");
    }
    long creating = stream.consumers().stream().filter(c -> c.status() == ConsumerStatus.CREATING).count();
    if (creating >= MAX_CREATING) {
      throw KinesisException.limitExceeded("This request would exceed the limit of " + MAX_CREATING
          + " consumers in CREATING status for the " + where + ".");
    }
  }

  /**
   * Marks a consumer DELETING; after the delete delay it is removed with its resource policy. With no
   * delay, completes only once it is gone.
   */
  public Future<Void> deregister(StreamDescriptor stream, ConsumerDescriptor consumer) {
    Future<Void> saved = change(stream, consumer.arn(), c -> c.withStatus(ConsumerStatus.DELETING));
    Future<Void> gone = saved.compose(v -> after(deleteDelayMillis)).compose(v -> change(stream, consumer.arn(), c -> null));
    gone.onFailure(failure -> LOG.error("consumer {} was not fully deregistered", consumer.arn(), failure));
    return deleteDelayMillis <= 0 ? gone : saved;
  }

  /** Changes one consumer's tags. */
  public Future<Void> updateTags(StreamDescriptor stream, ConsumerDescriptor consumer,
      UnaryOperator<Map<String, String>> change) {
    return change(stream, consumer.arn(), c -> c.withTags(change.apply(new LinkedHashMap<>(c.tags()))));
  }

  /** Finishes what a stopped server left under way: CREATING consumers turn ACTIVE, DELETING ones go. */
  public Future<Void> restore() {
    boolean changed = false;
    for (StreamDescriptor stream : registry.all()) {
      if (stream.consumers().stream().allMatch(c -> c.status() == ConsumerStatus.ACTIVE)) continue;
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
      changed = true;
    }
    return changed ? catalog.save() : Future.succeededFuture();
  }

  /**
   * Applies a change to the consumer of that ARN, if the stream and consumer are still there, and saves
   * it; a change that returns null removes the consumer and its policy.
   */
  private Future<Void> change(StreamDescriptor stream, String consumerArn, UnaryOperator<ConsumerDescriptor> change) {
    StreamDescriptor updated = registry.update(stream.key(), stream.uid(), s -> withConsumer(s, consumerArn, change));
    return updated == null ? Future.succeededFuture() : catalog.save();
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
