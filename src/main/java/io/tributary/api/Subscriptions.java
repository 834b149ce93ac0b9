package io.tributary.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.config.Settings;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live SubscribeToShard subscriptions of the server, one per consumer and shard, shared by every
 * event loop. A new subscription of the same consumer and shard within {@code subscription.takeover.ms}
 * (5 s) of the last successful one is refused with ResourceInUseException; later, it takes over and the
 * previous one ends with ResourceInUseException. Also keeps the subscription settings and meters.
 */
public final class Subscriptions {

  /** A subscription as the registry sees it; its methods may be called from any thread. */
  public interface Live {
    /** A newer subscription of the same consumer and shard took over: end with ResourceInUseException. */
    void takenOver();

    /** The consumer is being deregistered: end the stream. */
    void consumerGone();

    /** The MillisBehindLatest of the last event sent, or -1 before the first. */
    default long millisBehindLatest() { return -1; }
  }

  private record Entry(Live live, long startedMillis) { }

  private final Map<String, Entry> live = new ConcurrentHashMap<>();
  private final Clock clock;
  private final long lifetimeMillis;
  private final long takeoverMillis;
  private final long heartbeatMillis;
  private final Counter started;
  private final Counter pushedRecords;
  private final Counter pushedEvents;
  private final AtomicInteger active = new AtomicInteger();
  private final SubscriptionBuffers buffers;

  public Subscriptions(Settings settings, MeterRegistry meters, Clock clock) {
    this.clock = clock;
    this.lifetimeMillis = settings.longValue("subscription.lifetime.ms");
    this.takeoverMillis = settings.longValue("subscription.takeover.ms");
    this.heartbeatMillis = settings.longValue("subscription.heartbeat.ms");
    this.buffers = new SubscriptionBuffers(
        SubscriptionBuffers.limitFromSetting(settings.longValue("limits.subscription.buffer.bytes")), meters);
    this.started = Counter.builder("tributary.subscriptions.started")
        .description("SubscribeToShard subscriptions accepted").register(meters);
    this.pushedRecords = Counter.builder("tributary.subscriptions.records.pushed")
        .description("Records pushed to SubscribeToShard subscribers").register(meters);
    this.pushedEvents = Counter.builder("tributary.subscriptions.events.pushed")
        .description("SubscribeToShardEvents pushed, with or without records").register(meters);
    Gauge.builder("tributary.subscriptions.active", active, AtomicInteger::get)
        .description("SubscribeToShard subscriptions streaming now").register(meters);
  }

  /** The server-wide budget of events waiting to be flushed to subscribers. */
  public SubscriptionBuffers buffers() { return buffers; }

  /** How long a subscription streams before it ends normally (AWS: 5 minutes). */
  public long lifetimeMillis() { return lifetimeMillis; }

  /** How often an idle subscription gets an event without records, so its continuation point advances. */
  public long heartbeatMillis() { return heartbeatMillis; }

  /** How long a subscription holds its consumer's place on a shard before a new one may take over. */
  public long takeoverMillis() { return takeoverMillis; }

  /**
   * Makes the subscription the consumer's live one on the shard, ending a previous one older than the
   * takeover window; ResourceInUseException if a previous one is younger.
   */
  public void claim(String consumerArn, String shardId, Live subscription) {
    long now = clock.millis();
    Entry[] replaced = new Entry[1];
    boolean[] refused = new boolean[1];
    live.compute(key(consumerArn, shardId), (key, previous) -> {
      if (previous != null && now - previous.startedMillis() < takeoverMillis) {
        refused[0] = true;
        return previous;
      }
      replaced[0] = previous;
      return new Entry(subscription, now);
    });
    if (refused[0]) throw inUse(consumerArn, shardId);
    started.increment();
    active.incrementAndGet();
    if (replaced[0] != null) replaced[0].live().takenOver();
  }

  /** The refusal of a subscription while the consumer's last one on the shard holds its place. */
  public static KinesisException inUse(String consumerArn, String shardId) {
    return KinesisException.resourceInUse("Another active subscription exists for consumer " + consumerArn
        + " and shard " + shardId + ".");
  }

  /** Called once by every claimed subscription when it ends, however it ends. */
  public void release(String consumerArn, String shardId, Live subscription) {
    active.decrementAndGet();
    live.computeIfPresent(key(consumerArn, shardId), (key, entry) -> entry.live() == subscription ? null : entry);
  }

  /** Ends every subscription of a consumer (it is being deregistered). */
  public void endConsumer(String consumerArn) {
    String prefix = consumerArn + '\n';
    List<Live> ending = new ArrayList<>();
    live.forEach((key, entry) -> {
      if (key.startsWith(prefix)) ending.add(entry.live());
    });
    ending.forEach(Live::consumerGone);
  }

  /** How far behind the tip each live subscription of a consumer is, by shard id (see {@link Live#millisBehindLatest}). */
  public Map<String, Long> millisBehindLatest(String consumerArn) {
    String prefix = consumerArn + '\n';
    Map<String, Long> behind = new java.util.TreeMap<>();
    live.forEach((key, entry) -> {
      if (key.startsWith(prefix)) behind.put(key.substring(prefix.length()), entry.live().millisBehindLatest());
    });
    return behind;
  }

  public void pushed(int records) {
    pushedEvents.increment();
    if (records > 0) pushedRecords.increment(records);
  }

  private static String key(String consumerArn, String shardId) {
    return consumerArn + '\n' + shardId;
  }
}
