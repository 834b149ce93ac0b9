package io.tributary.api.operation;

import java.time.Clock;
import io.tributary.stream.StreamRegistry;
import io.tributary.shard.ShardClient;
import io.tributary.metrics.StreamMetrics;
import io.tributary.api.SubscriptionBuffers;
import io.tributary.api.Subscriptions;
import io.tributary.api.wire.EventStreamEncoder;
import io.tributary.api.wire.ResponseWriter;
import io.tributary.api.wire.WireFormat;
import io.tributary.shard.ShardRecord;
import io.tributary.shard.ShardThrottledException;
import io.tributary.shard.ShardUnavailableException;
import io.tributary.metrics.StreamMeters;
import io.tributary.shard.SequenceNumber;
import io.tributary.shard.ShardPage;
import io.tributary.shard.ShardRequest.Moved;
import io.tributary.shard.ShardRequest.TakenOver;
import io.tributary.shard.ShardRequest.Tip;
import io.tributary.stream.ConsumerDescriptor;
import io.tributary.stream.ConsumerStatus;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SubscribeToShard stream. It runs on the context of the HTTP request that opened it: it subscribes to
 * the shard's tip (the shard verticle tells it of every acknowledged append), reads from its position to
 * the tip in pages of up to 10,000 records and 1 MiB, and writes each page as one SubscribeToShardEvent.
 * A read starts only once the previous event is flushed to the socket (its write completed; on HTTP/2 that
 * is also within the stream's flow-control window), so a slow client slows only its own stream and at
 * most one event waits in memory for it; before reading, the subscription reserves room for the event in
 * the server-wide {@link SubscriptionBuffers} budget and waits while there is none. Idle, it sends an event without
 * records every {@code subscription.heartbeat.ms}; at the end of a closed shard it sends ChildShards, without
 * a ContinuationSequenceNumber, and ends; it also ends after {@code subscription.lifetime.ms}, when taken
 * over (ResourceInUseException), and when its consumer goes.
 */
final class ShardSubscription implements Subscriptions.Live {
  private static final Logger LOG = LoggerFactory.getLogger(ShardSubscription.class);
  static final int MAX_RECORDS_PER_EVENT = 10_000;
  static final long MAX_BYTES_PER_EVENT = 1024 * 1024;
  private static final String EVENT_TYPE = "SubscribeToShardEvent";
  /** How long the end of a closed shard waits for the registry to list its children. */
  private static final long CHILDREN_WAIT_MILLIS = 10_000;
  /**
   * Reserved in the buffer budget before a read: an event of 1 MiB of record data is about 1.4 MiB once
   * Base64-encoded in JSON. Once built, the reservation becomes the event's real size.
   */
  static final long RESERVED_EVENT_BYTES = 2L * 1024 * 1024;
  /** How long a subscription that found no room in the budget waits before it tries again. */
  private static final long BUDGET_RETRY_MILLIS = 100;
  /**
   * How long a subscription tries again to reach a shard that is unavailable before it ends with
   * InternalFailure: a shard is out of reach for a moment while it moves to another node or its replicas
   * elect a new leader, and the stream goes on once it is served again.
   */
  static final long UNAVAILABLE_PATIENCE_MILLIS = 10_000;
  private static final long UNAVAILABLE_RETRY_MILLIS = 200;

  private final Vertx vertx;
  private final Clock clock;
  private final StreamRegistry registry;
  private final ShardClient shards;
  private final Subscriptions subscriptions;
  private final SubscriptionBuffers buffers;
  private final StreamDescriptor stream;
  private final ShardDescriptor shard;
  private final ConsumerDescriptor consumer;
  private final String address = "tributary.subscription." + UUID.randomUUID();
  private final StreamMeters meters;

  private final Context context;
  private HttpServerResponse response;
  /** Tips of the shard, and {@link TakenOver} when a newer subscription took over at the shard. */
  private MessageConsumer<Object> tips;
  /** The node the shard was subscribed at (null: this one), as the shard client routed it then. */
  private String subscribedAt;
  /** The next offset to send, and the ContinuationSequenceNumber that says so. */
  private long position;
  private String continuation;
  private long tipOffset = -1;
  private boolean shardEnded;
  private boolean reading;
  /** An event is written and not yet flushed; nothing else is built meanwhile. */
  private boolean writing;
  private long budgetTimer = -1;
  /** When the shard was first found unavailable since it last answered (-1: it answers). */
  private long unavailableSince = -1;
  private boolean finished;
  private long lastEventNanos;
  private long heartbeatTimer = -1;
  private long lifetimeTimer = -1;
  private long childrenTimer = -1;
  private long childrenWaitStarted = -1;
  /** Read by other threads (the console's iterator ages). */
  private volatile long millisBehindLatest = -1;

  ShardSubscription(Vertx vertx, Clock clock, StreamRegistry registry, ShardClient shards, Subscriptions subscriptions,
      StreamMetrics metrics, StreamDescriptor stream, ShardDescriptor shard, ConsumerDescriptor consumer,
      long position, String continuation) {
    this.vertx = vertx;
    this.clock = clock;
    this.registry = registry;
    this.shards = shards;
    this.subscriptions = subscriptions;
    this.buffers = subscriptions.buffers();
    this.stream = stream;
    this.shard = shard;
    this.consumer = consumer;
    this.position = position;
    this.continuation = continuation;
    this.meters = metrics.of(stream);
    this.context = vertx.getOrCreateContext();  // the request's: made while the request is answered
  }

  /**
   * The ContinuationSequenceNumber of a position before any record was sent from it: the sequence number
   * of the record before it, which AFTER_SEQUENCE_NUMBER continues after. Before offset 0 there is no
   * record, so it is offset 0 with an arrival before the shard existed, which SubscribeToShard reads as
   * "at offset 0".
   */
  static String continuationBefore(ShardDescriptor shard, long offset) {
    long created = shard.createdMillis() / 1000;
    return offset <= 0
        ? SequenceNumber.format(created, shard.index(), 0, 0)
        : shard.sequenceNumber(offset - 1, shard.createdMillis());
  }

  /** Where the shard sends this subscription its tips, and the claim's end when one takes over. */
  String address() {
    return address;
  }

  /** Starts the stream on the request's context. */
  void start(HttpServerResponse response) {
    this.response = response;
    response.putHeader("Content-Type", EventStreamEncoder.CONTENT_TYPE);
    response.closeHandler(v -> finish(null));
    response.exceptionHandler(failure -> finish(null));
    response.drainHandler(v -> pump());
    if (finished) {
      response.end();  // taken over or deregistered before it started
      return;
    }
    if (response.closed()) {
      finish(null);
      return;
    }
    // botocore and the Go SDK require the initial-response event first; Java and JS accept it.
    Buffer initial = EventStreamEncoder.initialResponse();
    buffers.resize(0, initial.length());
    write(initial);
    lastEventNanos = System.nanoTime();
    lifetimeTimer = vertx.setTimer(subscriptions.lifetimeMillis(), t -> finish(null));
    heartbeatTimer = vertx.setPeriodic(subscriptions.heartbeatMillis(), t -> heartbeat());
    // Not a local consumer: in a cluster the shard's owner may be another node. The shard is told the
    // address only once it is registered, so that its first tip cannot go to no one.
    tips = vertx.eventBus().consumer(address, message -> {
      if (message.body() instanceof Tip tip) {
        onTip(tip);
      } else if (message.body() instanceof TakenOver) {
        takenOver();
      } else if (message.body() instanceof Moved) {
        subscribeAtShard();  // the shard now runs on another node: follow it there
      }
    });
    tips.completion().onSuccess(v -> subscribeAtShard()).onFailure(failure -> fail("InternalFailureException", null));
  }

  /** Tells the shard this subscription's address, and reads from the tip it answers with. */
  private void subscribeAtShard() {
    subscribedAt = shards.servedBy(stream, shard);
    shards.subscribe(stream, shard, address)
        .onSuccess(tip -> {
          if (finished) {
            shards.unsubscribe(stream, shard, address);  // ended before the shard took the subscription
          } else {
            unavailableSince = -1;
            onTip(tip);
          }
        })
        .onFailure(failure -> {
          if (finished) return;
          if (!(failure instanceof ShardUnavailableException) || !patientWith(failure)) {
            fail("InternalFailureException", null);
          } else {
            vertx.setTimer(UNAVAILABLE_RETRY_MILLIS, t -> {
              if (!finished) subscribeAtShard();
            });
          }
        });
  }

  /** Whether the shard, unavailable now, has been so for less than the patience; logs when it runs out. */
  private boolean patientWith(Throwable failure) {
    long now = System.nanoTime();
    if (unavailableSince < 0) unavailableSince = now;
    if (now - unavailableSince < UNAVAILABLE_PATIENCE_MILLIS * 1_000_000) return true;
    LOG.warn("subscription to {} of {} ends: the shard is unavailable: {}", shard.shardId(), stream.key(),
        failure.getMessage());
    return false;
  }

  @Override
  public void takenOver() {
    onContext(() -> fail("ResourceInUseException", "Another active subscription exists for consumer "
        + consumer.arn() + " and shard " + shard.shardId() + "."));
  }

  @Override
  public long millisBehindLatest() {
    return millisBehindLatest;
  }

  @Override
  public void consumerGone() {
    onContext(() -> finish(null));
  }

  private void onContext(Runnable action) {
    context.runOnContext(v -> action.run());
  }

  private void onTip(Tip tip) {
    if (finished) return;
    tipOffset = Math.max(tipOffset, tip.endOffset());
    shardEnded |= tip.ended();
    pump();
  }

  /** Sends what there is to send, as far as the response takes it. */
  private void pump() {
    if (finished || reading || writing || budgetTimer >= 0 || tipOffset < 0 || response.writeQueueFull()) return;
    if (position < tipOffset) {
      if (!buffers.tryReserve(RESERVED_EVENT_BYTES)) {
        budgetTimer = vertx.setTimer(BUDGET_RETRY_MILLIS, t -> {
          budgetTimer = -1;
          pump();
        });
        return;
      }
      reading = true;
      shards.read(stream, shard, position, MAX_RECORDS_PER_EVENT, MAX_BYTES_PER_EVENT)
          .onComplete(result -> {
            reading = false;
            if (finished) {
              buffers.release(RESERVED_EVENT_BYTES);
              return;
            }
            boolean throttled = result.failed() && result.cause() instanceof ShardThrottledException;
            if (throttled || result.failed() && result.cause() instanceof ShardUnavailableException
                && patientWith(result.cause())) {
              // The shard has as many requests in flight as it takes, or is between nodes: read again shortly.
              buffers.release(RESERVED_EVENT_BYTES);
              budgetTimer = vertx.setTimer(throttled ? BUDGET_RETRY_MILLIS : UNAVAILABLE_RETRY_MILLIS, t -> {
                budgetTimer = -1;
                pump();
              });
              return;
            }
            if (result.failed()) {
              buffers.release(RESERVED_EVENT_BYTES);
              LOG.warn("subscription to {} of {} could not read", shard.shardId(), stream.key(), result.cause());
              fail("InternalFailureException", null);
              return;
            }
            unavailableSince = -1;
            if (!deliver(result.result())) buffers.release(RESERVED_EVENT_BYTES);
            pump();
          });
    } else if (shardEnded) {
      endOfShard();
    }
  }

  /** Sends the page as an event in the room reserved for it; false if there was nothing to send. */
  private boolean deliver(ShardPage page) {
    List<ShardRecord> records = page.records();
    if (records.isEmpty() && page.nextOffset() <= position) {
      tipOffset = position;  // nothing readable there (past retention): wait for the next append
      return false;
    }
    position = page.nextOffset();
    if (!records.isEmpty()) {
      ShardRecord last = records.get(records.size() - 1);
      continuation = shard.sequenceNumber(last.offset(), last.arrivalMillis());
    }
    long now = clock.millis();
    long millisBehind = page.nextArrivalMillis() < 0 ? 0 : Math.max(0, now - page.nextArrivalMillis());
    sendEvent(records, millisBehind, RESERVED_EVENT_BYTES);
    return true;
  }

  /** Builds and writes one event; {@code reserved} bytes of the budget are already taken for it. */
  private void sendEvent(List<ShardRecord> records, long millisBehind, long reserved) {
    long bytes = 256;
    for (ShardRecord record : records) bytes += record.size() * 4L / 3 + 200;
    ResponseWriter writer = new ResponseWriter(WireFormat.JSON, (int) Math.min(bytes, EventStreamEncoder.MAX_PAYLOAD_BYTES));
    StreamDescriptor current = currentStream();
    writer.startObject();
    GetRecordsHandler.writeRecords(writer, current, shard, records);
    writer.field("ContinuationSequenceNumber", continuation).field("MillisBehindLatest", millisBehind).endObject();
    Buffer frame = EventStreamEncoder.event(EVENT_TYPE, writer.finish());
    buffers.resize(reserved, frame.length());
    write(frame);
    subscriptions.pushed(records.size());
    millisBehindLatest = millisBehind;
    long recordBytes = 0;
    for (ShardRecord record : records) recordBytes += record.size();
    // The stream as it is now: its enhanced monitoring may have changed since the subscription started.
    meters.subscriptionEvent(current, shard, consumer, records.size(), recordBytes, millisBehind);
    lastEventNanos = System.nanoTime();
  }

  /**
   * Every record of the closed shard is sent: the last event names the shards that continue it and has no
   * ContinuationSequenceNumber, as KCL requires. The registry lists the children a moment after the shard
   * closes, so this waits for them.
   */
  private void endOfShard() {
    if (childrenTimer >= 0) return;
    StreamDescriptor current = registry.find(stream.key());
    ShardDescriptor closed = current == null || !current.uid().equals(stream.uid()) ? null : current.shard(shard.shardId());
    boolean childrenListed = closed != null && !closed.isOpen() && current.shards().stream()
        .anyMatch(s -> shard.shardId().equals(s.parentShardId()) || shard.shardId().equals(s.adjacentParentShardId()));
    if (!childrenListed) {
      long now = System.currentTimeMillis();
      if (childrenWaitStarted < 0) childrenWaitStarted = now;
      if (closed == null || now - childrenWaitStarted > CHILDREN_WAIT_MILLIS) {
        finish(null);
      } else {
        childrenTimer = vertx.setTimer(20, t -> {
          childrenTimer = -1;
          pump();
        });
      }
      return;
    }
    ResponseWriter writer = new ResponseWriter(WireFormat.JSON, 1024);
    writer.startObject().startArray("Records").endArray().field("MillisBehindLatest", 0L);
    GetRecordsHandler.writeChildShards(writer, current, closed);
    writer.endObject();
    subscriptions.pushed(0);
    finish(EventStreamEncoder.event(EVENT_TYPE, writer.finish()));
  }

  private void heartbeat() {
    if (finished) return;
    StreamDescriptor current = registry.find(stream.key());
    ConsumerDescriptor now = current == null || !current.uid().equals(stream.uid()) ? null : current.consumer(consumer.name());
    if (now == null || !now.arn().equals(consumer.arn()) || now.status() != ConsumerStatus.ACTIVE) {
      finish(null);  // the consumer or its stream is going
      return;
    }
    // Another node serves the shard now (a replicated shard's leader died): its tips come from there.
    if (tips != null && !Objects.equals(subscribedAt, shards.servedBy(stream, shard))) subscribeAtShard();
    long idleMillis = (System.nanoTime() - lastEventNanos) / 1_000_000;
    if (!reading && !writing && !shardEnded && tipOffset >= 0 && position >= tipOffset && !response.writeQueueFull()
        && idleMillis >= subscriptions.heartbeatMillis() / 2) {
      sendEvent(List.of(), 0, 0);
    }
  }

  /** The stream as it is now (its encryption history decides EncryptionType); the one subscribed to if gone. */
  private StreamDescriptor currentStream() {
    StreamDescriptor current = registry.find(stream.key());
    return current != null && current.uid().equals(stream.uid()) ? current : stream;
  }

  /** Ends the stream with a modeled error (an exception event). */
  private void fail(String type, String message) {
    String text = message != null ? message : "Internal service failure.";
    finish(EventStreamEncoder.exception(type, text));
  }

  /** Ends the stream, after a last frame if given, and releases what it holds; once. */
  private void finish(Buffer lastFrame) {
    if (finished) return;
    finished = true;
    if (heartbeatTimer >= 0) vertx.cancelTimer(heartbeatTimer);
    if (lifetimeTimer >= 0) vertx.cancelTimer(lifetimeTimer);
    if (childrenTimer >= 0) vertx.cancelTimer(childrenTimer);
    if (budgetTimer >= 0) vertx.cancelTimer(budgetTimer);
    if (tips != null) tips.unregister();
    // Also ends the claim the shard holds for this subscription, made whether or not it started.
    shards.unsubscribe(stream, shard, address);
    subscriptions.release(consumer.arn(), shard.shardId(), this);
    if (response != null && !response.ended() && !response.closed()) {
      if (lastFrame != null) response.end(lastFrame); else response.end();
    }
  }

  /**
   * Writes a frame whose bytes are counted in the budget and gives them back once it is flushed (or the
   * connection is gone); the next event waits for that.
   */
  private void write(Buffer frame) {
    long bytes = frame.length();
    if (response.closed()) {
      buffers.release(bytes);
      return;
    }
    writing = true;
    response.write(frame).onComplete(written -> {
      buffers.release(bytes);
      writing = false;
      pump();
    });
  }
}
