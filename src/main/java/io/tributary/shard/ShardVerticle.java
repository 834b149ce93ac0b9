package io.tributary.shard;

import io.tributary.limits.RateLimitedLog;
import io.tributary.limits.ShardQuota;
import io.tributary.limits.ShardThroughput;
import io.tributary.log.LogOfflineException;
import io.tributary.log.ShardLog;
import io.tributary.log.StoredRecord;
import io.tributary.log.WriterFence;
import io.tributary.log.WriterFencedException;
import io.tributary.log.WriterFences;
import io.tributary.shard.ShardRequest.Append;
import io.tributary.shard.ShardRequest.Appended;
import io.tributary.shard.ShardRequest.IncomingRecord;
import io.tributary.shard.ShardRequest.Locate;
import io.tributary.shard.ShardRequest.Read;
import io.tributary.shard.ShardRequest.Claim;
import io.tributary.shard.ShardRequest.Close;
import io.tributary.shard.ShardRequest.Closed;
import io.tributary.shard.ShardRequest.SetRetention;
import io.tributary.shard.ShardRequest.Subscribe;
import io.tributary.shard.ShardRequest.TakenOver;
import io.tributary.shard.ShardRequest.Tip;
import io.tributary.shard.ShardRequest.Unsubscribe;
import static io.tributary.shard.ShardRequest.CLOSED_FAILURE;
import static io.tributary.shard.ShardRequest.FENCED_FAILURE;
import static io.tributary.shard.ShardRequest.MOVING_FAILURE;
import static io.tributary.shard.ShardRequest.THROTTLED_FAILURE;
import static io.tributary.shard.ShardRequest.UNAVAILABLE_FAILURE;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns one shard: the only code that touches its log. It runs on one event-loop context, so requests to
 * the shard are handled one at a time, in arrival order, and appends get strictly increasing offsets and
 * never-decreasing arrival times.
 *
 * <p>Readers that follow the shard's tip (SubscribeToShard) subscribe with their own event-bus address
 * and are told the new {@link Tip} as soon as appends are acknowledged, so they read new records without
 * polling. Tips of appends acknowledged together (group commit) go out as one notification.
 *
 * <p>When requests carry a {@link ShardQuota} (limits.enforce), the shard meters its own throughput: it
 * takes the records of an append that fit and refuses GetRecords calls over its rate.
 */
public final class ShardVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ShardVerticle.class);
  /** Failed requests, at most one line per kind of request and cause every 10 s across the shards. */
  private static final RateLimitedLog FAILURES = new RateLimitedLog(LOG::warn, Clock.systemUTC(), 10_000);
  private final String address;
  private final Supplier<Future<ShardLog>> opener;
  private final Clock clock;
  private ShardLog log;
  private MessageConsumer<ShardRequest> consumer;
  private long lastArrivalMillis;
  private boolean closed;
  /** Closed, and every append taken before the close acknowledged: the end offset is final. */
  private boolean ended;
  /** Event-bus addresses of the readers told about the tip. */
  private final Set<String> subscribers = new LinkedHashSet<>();
  /** Each consumer's SubscribeToShard subscription on this shard: when it was granted, and its address. */
  private final Map<String, Claimed> claims = new HashMap<>();

  private record Claimed(long grantedMillis, String address) { }
  /**
   * Writers' fences, for a log that keeps none itself: in memory, as the shard is (one node's log, whose only
   * writer of a key is that node's; a cluster's owned shard keeps them until it moves or its node restarts).
   */
  private final WriterFences fences = new WriterFences();
  private boolean tipPending;
  /** The newest append: a log acknowledges in order, so when it is done every earlier one is too. */
  private Future<?> lastAppend = Future.succeededFuture();
  /** Made by the first request that carries a quota. */
  private ShardThroughput throughput;
  /**
   * At most this many appends and reads in flight here, from every node together: a cluster's nodes each
   * bound what they send ({@link ShardClient}), and the owner bounds their sum.
   */
  private final int queueLimit;
  private int inFlight;
  /**
   * Handing the shard over to another node: appends are refused as moving (nothing appended; the caller's
   * node sends them again), so that the log stays as the new owner copies it.
   */
  private boolean held;

  /** The opener runs when the verticle starts, on its context: a durable log recovers there, off the loop. */
  public ShardVerticle(String address, Supplier<Future<ShardLog>> opener, Clock clock, boolean closed) {
    this(address, opener, clock, closed, Integer.MAX_VALUE);
  }

  /** @param queueLimit how many appends and reads may be in flight here before more are refused as throttled */
  public ShardVerticle(String address, Supplier<Future<ShardLog>> opener, Clock clock, boolean closed, int queueLimit) {
    this.queueLimit = queueLimit;
    this.address = address;
    this.opener = opener;
    this.clock = clock;
    this.closed = closed;
    this.ended = closed;
  }

  @Override
  public Future<?> start() {
    return opener.get().compose(opened -> {
      log = opened;
      lastArrivalMillis = Math.max(0, log.lastArrivalMillis());
      log.onReplicated(this::tipChanged);
      // Local: other nodes reach the shard through this node's ShardDispatcher.
      consumer = vertx.eventBus().localConsumer(address, this::handle);
      return consumer.completion();
    });
  }

  /**
   * Holds appends (or takes them again); completes on the verticle's context with the log's end offset once
   * every append taken before is acknowledged, so that nothing changes the log while it is held.
   */
  public Future<Long> hold(boolean hold) {
    Promise<Long> done = Promise.promise();
    context.runOnContext(v -> {
      held = hold;
      lastAppend.onComplete(appended -> done.complete(log.endOffset()));
    });
    return done.future();
  }

  /** Starts the shard holding appends: its handover to another node was under way when this node started. */
  public ShardVerticle startHeld(boolean hold) {
    held = hold;
    return this;
  }

  /** Tells every reader following the tip that the shard moved to another node, before it stops here. */
  public Future<Void> movedAway() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      for (String subscriber : subscribers) vertx.eventBus().send(subscriber, new ShardRequest.Moved());
      subscribers.clear();
      done.complete();
    });
    return done.future();
  }

  @Override
  public Future<?> stop() {
    if (consumer == null) return Future.succeededFuture();
    return consumer.unregister().eventually(log::close);
  }

  private void handle(Message<ShardRequest> message) {
    ShardRequest request = message.body();
    Future<?> answer;
    if (request instanceof Append || request instanceof Read) {
      if (inFlight >= queueLimit) {
        message.fail(THROTTLED_FAILURE, "shard queue full");
        return;
      }
      inFlight++;
      try {
        answer = request instanceof Append append ? append(append) : read((Read) request);
      } catch (RuntimeException e) { // answered as a failure rather than left to the sender's timeout
        answer = Future.failedFuture(e);
      }
      answer.onComplete(done -> inFlight--);
    } else if (request instanceof ShardRequest.Fence fence) {
      answer = fence(fence.writer().fence());
    } else if (request instanceof Locate locate) {
      answer = locate(locate);
    } else if (request instanceof SetRetention retention) {
      log.setRetentionMillis(retention.retentionMillis());
      answer = Future.succeededFuture();
    } else if (request instanceof Subscribe subscribe) {
      subscribers.add(subscribe.address());
      answer = Future.succeededFuture(tip());
    } else if (request instanceof Unsubscribe unsubscribe) {
      subscribers.remove(unsubscribe.address());
      claims.values().removeIf(claimed -> claimed.address().equals(unsubscribe.address()));
      answer = Future.succeededFuture();
    } else if (request instanceof Claim claim) {
      answer = Future.succeededFuture(claim(claim));
    } else if (request instanceof Close) {
      closed = true;
      // A replicated log is sealed on every replica, so that whichever leads the shard next refuses appends too.
      answer = lastAppend.transform(done -> log.seal()).compose(sealed -> {
        ended = true;
        tipChanged();
        return Future.succeededFuture(new Closed(log.endOffset(), log.lastArrivalMillis()));
      });
    } else {
      answer = Future.failedFuture("unknown shard request " + request);
    }
    answer.onComplete(result -> {
      if (result.succeeded()) {
        message.reply(result.result());
      } else if (result.cause() instanceof ShardClosedException) {
        message.fail(CLOSED_FAILURE, "shard is closed");
      } else if (result.cause() instanceof ShardMovingException) {
        message.fail(MOVING_FAILURE, "shard is moving to another node");
      } else if (result.cause() instanceof WriterFencedException) {
        message.fail(FENCED_FAILURE, result.cause().getMessage());
      } else if (result.cause() instanceof ShardThrottledException) {
        message.fail(THROTTLED_FAILURE, "shard throughput exceeded");
      } else if (result.cause() instanceof LogOfflineException || result.cause() instanceof ShardUnavailableException) {
        message.fail(UNAVAILABLE_FAILURE, result.cause().getMessage());
      } else {
        Throwable cause = result.cause();
        String kind = request.getClass().getSimpleName();
        FAILURES.log(kind + "/" + cause.getClass().getName(),
            kind + " to " + address + " failed: " + cause.getClass().getName() + ": " + cause.getMessage());
        message.fail(500, String.valueOf(cause.getMessage()));
      }
    });
  }

  private Future<Appended> append(Append append) {
    // Appends the log has accepted before the close are in its end offset, which the close reports.
    if (closed || log.sealed()) return Future.failedFuture(new ShardClosedException());
    if (held) return Future.failedFuture(new ShardMovingException());
    WriterFence fence = append.writer() == null ? null : append.writer().fence();
    if (!log.keepsFences() && fences.refuses(fence)) return Future.failedFuture(fences.refusal(fence));
    List<IncomingRecord> records = append.records();
    int count = append.quota() == null ? records.size() : throughput(append.quota()).admitWrites(append.quota(), records);
    // A replicated log may hold later arrivals than this verticle appended: another node led the shard before.
    long arrival = Math.max(clock.millis(), Math.max(lastArrivalMillis, log.lastArrivalMillis()));
    if (count == 0) return Future.succeededFuture(new Appended(log.endOffset(), arrival, 0));
    lastArrivalMillis = arrival;
    List<ShardLog.Entry> entries = new ArrayList<>(count);
    for (IncomingRecord record : records.subList(0, count)) {
      entries.add(new ShardLog.Entry(arrival, record.partitionKey(), record.data()));
    }
    Future<ShardLog.Stamp> stamped = log.keepsFences() ? log.appendStamped(entries, fence) : log.appendStamped(entries);
    Future<Appended> appended = stamped.map(stamp -> new Appended(stamp.firstOffset(), stamp.arrivalMillis(), count));
    lastAppend = appended;
    appended.onSuccess(done -> tipChanged());
    return appended;
  }

  /**
   * Raises a writer's fence: in a log that keeps fences (replicated: in order with every replica's appends),
   * else here, where every append of the shard passes.
   */
  private Future<Void> fence(WriterFence fence) {
    if (log.keepsFences()) return log.fence(fence);
    fences.raise(fence);
    return Future.succeededFuture();
  }

  private boolean claim(Claim claim) {
    long now = clock.millis();
    if (claim.takeoverMillis() == Claim.COPY) {
      claims.put(claim.consumerArn(), new Claimed(now, claim.address()));
      return true;
    }
    Claimed previous = claims.get(claim.consumerArn());
    if (previous != null && now - previous.grantedMillis() < claim.takeoverMillis()) return false;
    claims.put(claim.consumerArn(), new Claimed(now, claim.address()));
    if (previous != null && !previous.address().equals(claim.address())) {
      vertx.eventBus().send(previous.address(), new TakenOver());
    }
    return true;
  }

  private Tip tip() {
    return new Tip(log.endOffset(), log.lastArrivalMillis(), ended);
  }

  /**
   * Tells every subscriber the new tip, once for all the appends acknowledged in the same turn of the
   * event loop.
   */
  private void tipChanged() {
    if (subscribers.isEmpty() || tipPending) return;
    tipPending = true;
    context.runOnContext(v -> {
      tipPending = false;
      Tip tip = tip();
      for (String subscriber : subscribers) vertx.eventBus().send(subscriber, tip);
    });
  }

  private Future<ShardPage> read(Read read) {
    ShardQuota quota = read.quota();
    if (quota != null && !throughput(quota).admitRead(quota)) return Future.failedFuture(new ShardThrottledException());
    return log.read(read.fromOffset(), read.maxRecords(), read.maxBytes())
        .map(page -> {
          List<StoredRecord> stored = page.records();
          List<ShardRecord> records = new ArrayList<>(stored.size());
          long bytes = 0;
          for (StoredRecord record : stored) {
            records.add(ShardRecord.of(record));
            if (quota != null) bytes += record.size();
          }
          if (quota != null) throughput.readDone(bytes);
          return new ShardPage(records, page.nextOffset(), log.endOffset(), page.nextArrivalMillis());
        });
  }

  private ShardThroughput throughput(ShardQuota quota) {
    if (throughput == null) throughput = new ShardThroughput(clock, quota);
    return throughput;
  }

  private Future<Long> locate(Locate locate) {
    return switch (locate.position()) {
      case TRIM_HORIZON -> Future.succeededFuture(log.startOffset());
      case LATEST -> Future.succeededFuture(log.endOffset());
      case AT_TIMESTAMP -> log.offsetAtOrAfter(locate.timestampMillis());
    };
  }
}
