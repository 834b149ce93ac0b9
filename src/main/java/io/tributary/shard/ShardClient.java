package io.tributary.shard;

import io.tributary.limits.MemoryBudgets;
import io.tributary.limits.Quotas;
import io.tributary.shard.ShardRequest.Append;
import io.tributary.shard.ShardRequest.Appended;
import io.tributary.shard.ShardRequest.IncomingRecord;
import io.tributary.shard.ShardRequest.Locate;
import io.tributary.shard.ShardRequest.Position;
import io.tributary.shard.ShardRequest.Read;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * How API handlers reach shard verticles: typed requests over the event bus, failures as InternalFailure.
 *
 * <p>Appends and GetRecords reads are bounded per shard in count ({@code queueLimit}), appends per shard in
 * bytes ({@link MemoryBudgets#shardQueueBytes}), and both across the server in bytes
 * ({@link MemoryBudgets#appends}, {@link MemoryBudgets#reads}): a request that would exceed a bound fails at
 * once with {@link ShardThrottledException}, so an overloaded shard sheds load (its callers answer
 * ProvisionedThroughputExceededException) rather than queueing without bound. An append counts the bytes of
 * its records, a read the largest page it asks for. They carry the stream's
 * {@link io.tributary.limits.ShardQuota} when quotas are enforced.
 */
public final class ShardClient {
  private static final long TIMEOUT_MILLIS = 30_000;
  /** How long a subscription claim sent to the node that keeps the claims waits for its answer. */
  private static final long CLAIM_TIMEOUT_MILLIS = 2_000;
  /**
   * How long a request to a shard being handed over to another node is sent again before it fails as
   * unavailable: a handover holds appends while the new owner copies the active segment's tail.
   */
  static final long MOVING_PATIENCE_MILLIS = 20_000;
  /**
   * How long a cluster's request to a shard no node runs is sent again: between the end of a move and the
   * new owner's start, and while a node starts its shards.
   */
  static final long ABSENT_PATIENCE_MILLIS = 3_000;
  private static final long RETRY_MILLIS = 25;
  /** The smallest GetRecords page asked of a shard while the read budget runs low. */
  static final long LEAST_PAGE_BYTES = 1024 * 1024;

  private final Vertx vertx;
  private final EventBus eventBus;
  private final DeliveryOptions options = new DeliveryOptions().setSendTimeout(TIMEOUT_MILLIS);
  /**
   * To a verticle of this node: delivered here without asking the cluster where the address is registered, which
   * on a clustered event bus is a Hazelcast lookup that waits while a member is paused and not yet dropped.
   */
  private final DeliveryOptions localOptions = new DeliveryOptions(options).setLocalOnly(true);
  private final Quotas quotas;
  private final int queueLimit;
  private final MemoryBudgets budgets;
  /** Appends and GetRecords reads sent and not yet answered, by shard address; an idle shard has no entry. */
  private final Map<String, Load> inFlight = new ConcurrentHashMap<>();
  /** Where each shard runs: a request to a node that is down would wait in vain. */
  private final ShardLocator locator;
  /** Requests by where their shard ran: {@code tributary_shard_requests_total{route=local|forwarded}}. */
  private final Counter localRequests;
  private final Counter forwardedRequests;
  /**
   * Forwarded requests not yet answered, with their shard's address: those whose node is found down, or no
   * longer serves the shard (a replicated shard's group elected another leader while that node stalled), are
   * failed at once rather than left to their timeout.
   */
  private final Map<Promise<?>, Forwarded> forwarded = new ConcurrentHashMap<>();

  /**
   * A forwarded request's shard, the node it went to, the context its caller waits on (null off any context),
   * the request itself when it can go again to the node that serves the shard now (it only reads or subscribes),
   * and when it was sent ({@link System#nanoTime}).
   */
  private record Forwarded(String address, String node, Context context, ShardRequest rereadable, long sentNanos) { }
  /**
   * How long a forwarded append waits for its node's answer once another node serves its shard, before it is
   * failed as unknown: the node may simply be slow to answer (a replica applies the append only once the
   * group committed it, which an election delays), and an append failed while it is about to be stored would
   * be sent again by its caller and stored twice; a node that stalled answers nothing, and its caller should
   * not wait for the full request timeout.
   */
  static final long UNANSWERED_APPEND_MILLIS = 5_000;
  /** How often forwarded requests are checked against the nodes that are up. */
  static final long FORWARDED_CHECK_MILLIS = 200;

  /** What a shard has in flight: requests, and their bytes. */
  private record Load(int requests, long bytes) { }

  public ShardClient(Vertx vertx, Quotas quotas, int queueLimit, MemoryBudgets budgets) {
    this(vertx, quotas, queueLimit, budgets, ShardLocator.ALL_HERE, new SimpleMeterRegistry());
  }

  /** @param locator where each shard runs (a cluster's shards run on many nodes) */
  public ShardClient(Vertx vertx, Quotas quotas, int queueLimit, MemoryBudgets budgets, ShardLocator locator,
      MeterRegistry meters) {
    this.locator = locator;
    this.localRequests = requests(meters, "local");
    this.forwardedRequests = requests(meters, "forwarded");
    if (locator != ShardLocator.ALL_HERE) vertx.setPeriodic(FORWARDED_CHECK_MILLIS, tick -> failWhereDown());
    this.vertx = vertx;
    this.eventBus = vertx.eventBus();
    this.quotas = quotas;
    this.queueLimit = queueLimit;
    this.budgets = budgets;
  }

  private static Counter requests(MeterRegistry meters, String route) {
    return Counter.builder("tributary.shard.requests")
        .description("Requests to shards, by whether the shard ran on this node or on another one they were forwarded to")
        .tag("route", route)
        .register(meters);
  }

  /**
   * Registers the codecs of the shard messages, once per Vert.x instance: same-node messages pass by
   * reference, messages to another node's shard go in the binary forms of {@link ShardCodecs}.
   */
  public static void registerCodecs(Vertx vertx) {
    ShardCodecs.register(vertx.eventBus());
  }

  /** Appends records; with quotas on, the answer may take only the first of them (see {@link Appended}). */
  public Future<Appended> append(StreamDescriptor stream, ShardDescriptor shard, List<IncomingRecord> records) {
    return append(stream, shard, records, null);
  }

  /**
   * Appends records as a fencing writer's generation (see {@link ShardWriter}; null: no writer's); fails with
   * {@link ShardFencedException} once a newer generation of the writer fenced the shard.
   */
  public Future<Appended> append(StreamDescriptor stream, ShardDescriptor shard, List<IncomingRecord> records,
      ShardWriter writer) {
    long bytes = 0;
    for (IncomingRecord record : records) bytes += record.data().length + 2L * record.partitionKey().length();
    long reserved = bytes;
    if (!budgets.appends().tryReserve(reserved)) return Future.failedFuture(new ShardThrottledException());
    return this.<Appended>bounded(stream, shard, new Append(records, quotas.shardQuota(stream), writer), reserved)
        .andThen(answered -> budgets.appends().release(reserved));
  }

  /**
   * A GetRecords read, which counts against the shard's read quota when quotas are on. Its page takes up
   * to {@code maxBytes} of the server's read budget, and is cut to what it took: when the budget runs low
   * pages get smaller (down to {@link #LEAST_PAGE_BYTES}, and always at least one record), and only below
   * that is the read throttled.
   */
  public Future<ShardPage> getRecords(StreamDescriptor stream, ShardDescriptor shard, long fromOffset, int maxRecords,
      long maxBytes) {
    long pageBytes = budgets.reads().reserveUpTo(maxBytes, Math.min(maxBytes, LEAST_PAGE_BYTES));
    if (pageBytes == 0) return Future.failedFuture(new ShardThrottledException());
    return this.<ShardPage>bounded(stream, shard, new Read(fromOffset, maxRecords, pageBytes, quotas.shardQuota(stream)), 0)
        .andThen(answered -> budgets.reads().release(pageBytes));
  }

  /**
   * A read outside the GetRecords quota and the queue bound: a SubscribeToShard subscription has its own
   * throughput per consumer, and never more than one read in flight.
   */
  public Future<ShardPage> read(StreamDescriptor stream, ShardDescriptor shard, long fromOffset, int maxRecords,
      long maxBytes) {
    return request(stream, shard, new Read(fromOffset, maxRecords, maxBytes, null));
  }

  public Future<Long> locate(StreamDescriptor stream, ShardDescriptor shard, Position position, long timestampMillis) {
    return request(stream, shard, new Locate(position, timestampMillis));
  }

  public Future<Void> setRetention(StreamDescriptor stream, ShardDescriptor shard, long retentionMillis) {
    return request(stream, shard, new ShardRequest.SetRetention(retentionMillis));
  }

  /** Raises a writer's fence on the shard: once it completes, the shard refuses the writer's earlier generations. */
  public Future<Void> fence(StreamDescriptor stream, ShardDescriptor shard, ShardWriter writer) {
    return request(stream, shard, new ShardRequest.Fence(writer));
  }

  /** Closes the shard to appends; completes once every append it took is acknowledged. */
  public Future<ShardRequest.Closed> close(StreamDescriptor stream, ShardDescriptor shard) {
    return request(stream, shard, new ShardRequest.Close());
  }

  /**
   * Asks the shard to send its {@link ShardRequest.Tip} to an event-bus address after every acknowledged
   * append; completes with the current tip. The address must be registered (its consumer's completion
   * done) before this is called, and with a consumer the shard's node can reach: in a cluster, not a
   * local consumer.
   */
  public Future<ShardRequest.Tip> subscribe(StreamDescriptor stream, ShardDescriptor shard, String address) {
    return request(stream, shard, new ShardRequest.Subscribe(address));
  }

  /**
   * Claims the shard for a consumer's subscription at the address (see {@link ShardRequest.Claim}); true when
   * granted, false when the consumer's last subscription is younger than the takeover window. A granted claim
   * is copied to the other nodes that keep the claims' copies ({@link ShardLocator#claimCopies}).
   */
  public Future<Boolean> claim(StreamDescriptor stream, ShardDescriptor shard, String consumerArn, String address,
      long takeoverMillis) {
    String shardAddress = ShardAddress.of(stream.uid(), shard.shardId());
    ShardRequest.Claim claim = new ShardRequest.Claim(consumerArn, address, takeoverMillis);
    ShardLocator.Route claims = locator.claimRoute(shardAddress);
    Future<Boolean> granted = claims.equals(locator.route(shardAddress)) ? request(shardAddress, claim)
        // Another node keeps the claims (a replica set's leader): asked once, briefly, since it may have just stalled.
        : send(shardAddress, claims, claim, new DeliveryOptions(options).setSendTimeout(CLAIM_TIMEOUT_MILLIS));
    return granted.andThen(answer -> {
      if (!answer.succeeded() || !answer.result()) return;
      ShardRequest.Claim copy = new ShardRequest.Claim(consumerArn, address, ShardRequest.Claim.COPY);
      DeliveryOptions brief = new DeliveryOptions(options).setSendTimeout(CLAIM_TIMEOUT_MILLIS);
      for (ShardLocator.Route copies : locator.claimCopies(shardAddress)) this.<Boolean>send(shardAddress, copies, copy, brief);
    });
  }

  /** Stops the notifications to the address; a shard that is gone has none to stop. */
  public void unsubscribe(StreamDescriptor stream, ShardDescriptor shard, String address) {
    String shardAddress = ShardAddress.of(stream.uid(), shard.shardId());
    ShardLocator.Route route = locator.route(shardAddress);
    unsubscribe(shardAddress, route, address);
    // The claim, where another node keeps it, and its copies.
    ShardLocator.Route claims = locator.claimRoute(shardAddress);
    if (!claims.equals(route)) unsubscribe(shardAddress, claims, address);
    for (ShardLocator.Route copies : locator.claimCopies(shardAddress)) {
      if (!copies.equals(route)) unsubscribe(shardAddress, copies, address);
    }
  }

  private void unsubscribe(String shardAddress, ShardLocator.Route route, String address) {
    if (route.location() == ShardLocator.Location.HERE) {
      eventBus.send(shardAddress, new ShardRequest.Unsubscribe(address));
    } else if (route.location() == ShardLocator.Location.ELSEWHERE) {
      eventBus.send(ShardDispatcher.addressOf(route.node()), new ShardRequest.Unsubscribe(address),
          new DeliveryOptions().addHeader(ShardDispatcher.SHARD_HEADER, shardAddress));
    }
  }

  /**
   * Sends an append or GetRecords read, unless the shard already has {@code queueLimit} of them in flight
   * or its {@code shardBytes} (an append's bytes, 0 for a read) do not fit in the shard's byte bound.
   */
  private <T> Future<T> bounded(StreamDescriptor stream, ShardDescriptor shard, ShardRequest request, long shardBytes) {
    String address = ShardAddress.of(stream.uid(), shard.shardId());
    boolean[] admitted = new boolean[1];
    inFlight.compute(address, (key, load) -> {
      int requests = load == null ? 0 : load.requests();
      long held = load == null ? 0 : load.bytes();
      admitted[0] = requests < queueLimit && held + shardBytes <= budgets.shardQueueBytes();
      if (!admitted[0]) return load;
      return new Load(requests + 1, held + shardBytes);
    });
    if (!admitted[0]) return Future.failedFuture(new ShardThrottledException());
    return this.<T>request(address, request).andThen(answered -> done(address, shardBytes));
  }

  private void done(String address, long bytes) {
    inFlight.computeIfPresent(address, (key, load) ->
        load.requests() == 1 ? null : new Load(load.requests() - 1, load.bytes() - bytes));
  }

  /**
   * The node that serves the shard as this node sees it now (null: this one). A reader following the shard's
   * tip subscribes again when it changes: the node it subscribed at may have died while leading the shard.
   */
  public String servedBy(StreamDescriptor stream, ShardDescriptor shard) {
    ShardLocator.Route route = locator.route(ShardAddress.of(stream.uid(), shard.shardId()));
    return route.location() == ShardLocator.Location.HERE ? null : route.node();
  }

  private <T> Future<T> request(StreamDescriptor stream, ShardDescriptor shard, ShardRequest request) {
    return request(ShardAddress.of(stream.uid(), shard.shardId()), request);
  }

  /**
   * Sends a request to a shard's verticle. An append refused by a closed shard fails with
   * {@link ShardClosedException}, a read over its quota with {@link ShardThrottledException}, an append
   * to a shard whose log is offline, or any request the shard does not answer, with
   * {@link ShardUnavailableException}. In a cluster, a request to a shard being handed over to another
   * node, or that no node runs for the moment, is sent again until the shard answers or patience runs out.
   */
  private <T> Future<T> request(String address, ShardRequest request) {
    if (locator == ShardLocator.ALL_HERE) return once(address, request);
    long now = System.currentTimeMillis();
    return retried(address, request, now + MOVING_PATIENCE_MILLIS, now + ABSENT_PATIENCE_MILLIS);
  }

  private <T> Future<T> retried(String address, ShardRequest request, long movingDeadline, long absentDeadline) {
    return this.<T>once(address, request).recover(failure -> {
      long now = System.currentTimeMillis();
      boolean again = failure instanceof ShardMovingException ? now < movingDeadline
          : failure instanceof ShardAbsent && now < absentDeadline;
      if (!again) {
        return Future.failedFuture(failure instanceof ShardMovingException || failure instanceof ShardAbsent
            ? new ShardUnavailableException(address + ": " + failure.getMessage()) : failure);
      }
      Promise<T> answered = Promise.promise();
      vertx.setTimer(RETRY_MILLIS, t -> this.<T>retried(address, request, movingDeadline, absentDeadline)
          .onComplete(answered));
      return answered.future();
    });
  }

  /** No node has a consumer at the shard's address: in a cluster, for a moment, while it moves or starts. */
  private static final class ShardAbsent extends RuntimeException {
    ShardAbsent(String address) {
      super(address + ": no node runs the shard", null, false, false);
    }
  }

  private <T> Future<T> once(String address, ShardRequest request) {
    ShardLocator.Route route = locator.route(address);
    switch (route.location()) {
      case HERE -> localRequests.increment();
      case ELSEWHERE -> forwardedRequests.increment();
      case DOWN -> {
        return Future.failedFuture(new ShardUnavailableException(address + ": the node it runs on is down"));
      }
    }
    Future<T> answered = send(address, route, request);
    if (route.location() == ShardLocator.Location.HERE) return answered;
    Promise<T> watched = Promise.promise();
    // Reads and locates change nothing; a Subscribe only says where tips go, and its subscriber wants them from
    // whichever node serves the shard.
    ShardRequest rereadable = request instanceof Read || request instanceof Locate
        || request instanceof ShardRequest.Subscribe ? request : null;
    forwarded.put(watched, new Forwarded(address, route.node(), Vertx.currentContext(), rereadable, System.nanoTime()));
    answered.onComplete(result -> {
      if (forwarded.remove(watched) == null) return;  // failed already: its node went down
      if (result.succeeded()) watched.complete(result.result()); else watched.fail(result.cause());
    });
    return watched.future();
  }

  private void failWhereDown() {
    forwarded.forEach((promise, request) -> {
      ShardLocator.Route now = locator.route(request.address());
      boolean down = now.location() == ShardLocator.Location.DOWN;
      if (!down && request.node().equals(now.node())) return;
      boolean patient = request.rereadable() == null
          && System.nanoTime() - request.sentNanos() < TimeUnit.MILLISECONDS.toNanos(UNANSWERED_APPEND_MILLIS);
      if (!down && patient || forwarded.remove(promise) == null) return;
      if (!down && request.rereadable() != null) {
        // A read changes nothing: the node that serves the shard now answers it (a move ended meanwhile).
        onContextOf(request, () -> this.<Object>request(request.address(), request.rereadable()).onComplete(answer ->
            completeWith(promise, answer)));
        return;
      }
      // Unknown, not moving: the node may yet take an append it was sent, so the caller must not resend it blindly.
      ShardUnavailableException failure = new ShardUnavailableException(request.address()
          + (down ? ": the node it runs on went down" : ": another node serves it now"));
      onContextOf(request, () -> promise.tryFail(failure));
    });
  }

  private static void onContextOf(Forwarded request, Runnable action) {
    if (request.context() == null) {
      action.run();
    } else {
      request.context().runOnContext(v -> action.run());
    }
  }

  @SuppressWarnings("unchecked")
  private static void completeWith(Promise<?> promise, AsyncResult<Object> answer) {
    if (answer.succeeded()) ((Promise<Object>) promise).tryComplete(answer.result()); else promise.tryFail(answer.cause());
  }

  /** To the shard's verticle here, or to the dispatcher of the node it runs on. */
  private <T> Future<T> send(String address, ShardLocator.Route route, ShardRequest request) {
    return send(address, route, request, options);
  }

  /** @param forwarded the options of a request forwarded to another node */
  private <T> Future<T> send(String address, ShardLocator.Route route, ShardRequest request, DeliveryOptions forwarded) {
    Future<Message<T>> sent = route.location() == ShardLocator.Location.HERE ? eventBus.request(address, request, localOptions)
        : eventBus.request(ShardDispatcher.addressOf(route.node()), request,
            new DeliveryOptions(forwarded).addHeader(ShardDispatcher.SHARD_HEADER, address));
    return sent
        .map(Message::body)
        .recover(failure -> Future.failedFuture(failure instanceof ReplyException reply ? switch (reply.failureCode()) {
          case ShardRequest.CLOSED_FAILURE -> new ShardClosedException();
          case ShardRequest.THROTTLED_FAILURE -> new ShardThrottledException();
          case ShardRequest.UNAVAILABLE_FAILURE -> new ShardUnavailableException();
          case ShardRequest.MOVING_FAILURE -> new ShardMovingException();
          case ShardRequest.ABSENT_FAILURE -> new ShardAbsent(address);
          case ShardRequest.FENCED_FAILURE -> new ShardFencedException(reply.getMessage());
          // One node has no other to find the shard on: no handler is no shard.
          default -> reply.failureType() == ReplyFailure.NO_HANDLERS && locator != ShardLocator.ALL_HERE
              ? new ShardAbsent(address) : new ShardUnavailableException(address + ": " + reply.getMessage());
        } : new ShardUnavailableException(address + ": " + failure.getMessage())));
  }
}
