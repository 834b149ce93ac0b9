package io.tributary.trigger;

import io.tributary.limits.Budget;
import io.tributary.shard.ShardRecord;
import io.tributary.shard.ShardPage;
import io.tributary.shard.ShardRequest.Moved;
import io.tributary.shard.ShardRequest.Tip;
import io.tributary.stream.HashKeyRange;
import io.tributary.stream.ShardDescriptor;
import io.tributary.stream.StreamDescriptor;
import io.tributary.trigger.FunctionInvoker.FunctionError;
import io.tributary.trigger.FunctionInvoker.NotInvoked;
import io.tributary.trigger.FunctionInvoker.Outcome;
import io.tributary.trigger.FunctionInvoker.Succeeded;
import io.tributary.trigger.LambdaEvent.Window;
import io.tributary.trigger.TriggerCheckpoints.LanePosition;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One lane of one shard: reads the shard in order, keeps the records of its lane (those whose partition
 * key's MD5 hash modulo the parallelization factor is the lane's number, so a key's records stay in one
 * lane, in order), gathers them into a batch, invokes, and checkpoints after each successful batch. One
 * batch is in flight at a time; a failed batch is retried, bisected or given up as Lambda does, and holds
 * back the lane meanwhile.
 *
 * <p>A batch is invoked when it holds BatchSize records, when one more record would take the event past the
 * 6 MiB payload limit, when its tumbling window is over, or, once the lane has read all there is, when
 * MaximumBatchingWindowInSeconds has passed since its first record was read. New records are noticed at
 * once through the shard's tip notifications, and at least every {@code triggers.poll.ms}.
 *
 * <p>Failures. A function error (or an invocation whose outcome is unknown) counts an attempt, unless
 * BisectBatchOnFunctionError splits the batch in two, which does not count; after MaximumRetryAttempts
 * attempts the batch is described to the failure destination and skipped. Records older than
 * MaximumRecordAgeInSeconds are skipped the same way before an invocation. A target that cannot be reached
 * (no connection, throttled) is retried without counting, as in Lambda. With ReportBatchItemFailures the
 * records before the lowest reported sequence number count as delivered and the rest as failed once.
 *
 * <p>Memory: the lane holds at most BatchSize records of at most the payload limit (one record more when a
 * single record is larger), and reads pages of at most 8 MiB. Pages while they are read and the records a
 * lane holds count against the server's read budget ({@link io.tributary.limits.MemoryBudgets#reads}), so
 * all lanes of all triggers together hold no more than it: a lane that cannot add a record to its batch
 * invokes with what it holds, or, holding nothing, reads again later. Runs on the trigger verticle's event loop; not thread-safe.
 */
final class ShardDelivery {
  private static final Logger LOG = LoggerFactory.getLogger(ShardDelivery.class);
  /** The largest page read at once, bytes of data and keys. */
  private static final long READ_BYTES = 8L * 1024 * 1024;
  /** The smallest page read while the server's read budget runs low. */
  private static final long LEAST_READ_BYTES = 1024 * 1024;

  private final Trigger trigger;
  private final TriggerDefinition definition;
  private final String shardId;
  private final int lane;
  private final String tipAddress;
  private final List<ShardRecord> pending = new ArrayList<>();
  /** Inclusive end offsets of the batches a bisection left to invoke, the next on top. */
  private final Deque<Long> segmentEnds = new ArrayDeque<>();
  private ShardDescriptor shard;
  private long next;
  private long pendingBytes;
  /** Bytes of the pending records taken from the server's read budget. */
  private long heldBytes;
  /** When the first record of the batch was read (System.nanoTime), for the batching window. */
  private long firstPendingNanos;
  private long windowStart;
  private JsonObject windowState;
  /** A record of a later window was read: the open window is over. */
  private boolean windowEnded;
  /** The batch is full (count or payload): invoke without waiting. */
  private boolean full;
  private boolean caughtUp;
  private boolean shardEnded;
  /** Failed invocations of the batch at the head. */
  private int attempts;
  private String lastFunctionError;
  /** Set once the batch at the head is given up, until the failure destination has it. */
  private String givingUp;
  /** No invocation before this (System.nanoTime): a retry's wait. Waits are real time, whatever the clock. */
  private long notBeforeNanos;
  private long backoffMillis;
  private long iteratorAgeMillis;
  private boolean running;
  private boolean stepping;
  /** A tip came while a step was under way: the step's read may have missed the records it announces. */
  private boolean tipPending;
  private boolean finished;
  private long timer = -1;
  private MessageConsumer<Object> tips;
  private Promise<Void> stopped;

  ShardDelivery(Trigger trigger, ShardDescriptor shard, int lane, LanePosition position) {
    this.trigger = trigger;
    this.definition = trigger.definition();
    this.shard = shard;
    this.shardId = shard.shardId();
    this.lane = lane;
    this.next = position.next();
    this.windowStart = position.windowStartMillis();
    this.windowState = position.state();
    this.backoffMillis = trigger.settings().retryInitialMillis();
    this.notBeforeNanos = System.nanoTime();
    this.firstPendingNanos = notBeforeNanos;
    // Unique to this delivery, so that a lane restarted here or on another node never shares its address
    // with one that is still registered (the event bus would hand each tip to only one of them).
    this.tipAddress = "tributary.trigger." + definition.uuid() + "." + shardId + "." + lane + "." + UUID.randomUUID();
  }

  void start(StreamDescriptor stream) {
    running = true;
    // Reachable from the shard's node, and registered before the shard is told of it, so that no tip is
    // lost; a delivery stopped before the shard took the subscription takes it back.
    MessageConsumer<Object> registered = trigger.vertx().eventBus().consumer(tipAddress, message -> {
      if (message.body() instanceof Moved) {
        subscribeAtShard(stream, tips);  // the shard now runs on another node: follow it there
      } else {
        onTip();
      }
    });
    tips = registered;
    registered.completion().onComplete(v -> subscribeAtShard(stream, registered));
  }

  /** Tells the shard this delivery's address, unless the delivery stopped (or restarted) meanwhile. */
  private void subscribeAtShard(StreamDescriptor stream, MessageConsumer<?> registered) {
    trigger.services().shards().subscribe(stream, shard, tipAddress)
        .onComplete(subscribed -> {
          if (tips != registered) {
            if (subscribed.succeeded()) trigger.services().shards().unsubscribe(stream, shard, tipAddress);
            return;
          }
          onTip();
        });
  }

  /** Gives bytes of held records back to the server's read budget. */
  private void releaseHeld(long bytes) {
    long released = Math.min(bytes, heldBytes);
    heldBytes -= released;
    trigger.services().budgets().reads().release(released);
  }

  /** Stops after the invocation under way (bounded by the invoke timeout); what it holds goes back to the budget. */
  Future<Void> stop() {
    running = false;
    cancelTimer();
    releaseHeld(heldBytes);
    if (tips != null) {
      tips.unregister();
      tips = null;
      StreamDescriptor stream = trigger.services().registry().find(definition.stream());
      if (stream != null) trigger.services().shards().unsubscribe(stream, shard, tipAddress);
    }
    if (!stepping) return Future.succeededFuture();
    if (stopped == null) stopped = Promise.promise();
    return stopped.future();
  }

  boolean finished() { return finished; }

  long iteratorAgeMillis() { return iteratorAgeMillis; }

  long position() { return pending.isEmpty() ? next : pending.get(0).offset(); }

  private void onTip() {
    if (stepping) tipPending = true;
    if (!running || stepping || waitingToRetry()) return;
    cancelTimer();
    step();
  }

  private boolean waitingToRetry() {
    return System.nanoTime() - notBeforeNanos < 0;
  }

  private void cancelTimer() {
    if (timer >= 0) trigger.vertx().cancelTimer(timer);
    timer = -1;
  }

  private void step() {
    if (stepping) return;
    if (!running || finished) {
      if (stopped != null) stopped.tryComplete();
      return;
    }
    stepping = true;
    tipPending = false;
    Future<Boolean> work;
    try {
      work = fill().compose(v -> act());
    } catch (RuntimeException e) {
      work = Future.failedFuture(e);
    }
    work.onComplete(result -> {
      stepping = false;
      if (!running) {
        if (stopped != null) stopped.tryComplete();
        return;
      }
      if (result.failed()) {
        trigger.failed(shardId, String.valueOf(result.cause().getMessage()));
        LOG.debug("trigger {} {} lane {}: {}", definition.uuid(), shardId, lane, result.cause().toString());
        notBeforeNanos = System.nanoTime() + backoffMillis * 1_000_000;
        backoffMillis = Math.min(trigger.settings().retryMaxMillis(), backoffMillis * 2);
        schedule();
      } else if (result.result() || tipPending && !waitingToRetry()) {
        // Not step() itself: a step that completed without waiting (no data directory, no destination)
        // would otherwise recurse once per batch.
        trigger.vertx().runOnContext(v -> step());
      } else {
        schedule();
      }
    });
  }

  /** Waits for a tip, the batching window, the window's end, a retry's time or the poll interval. */
  private void schedule() {
    long nanos = System.nanoTime();
    long delay = trigger.settings().pollMillis();
    if (waitingToRetry()) {
      delay = (notBeforeNanos - nanos) / 1_000_000 + 1;
    } else if (!pending.isEmpty()) {
      delay = Math.min(delay, (firstPendingNanos - nanos) / 1_000_000 + definition.batchingWindowSeconds() * 1000L + 1);
    } else if (windowStart >= 0) {
      delay = Math.min(delay, windowStart + definition.tumblingWindowSeconds() * 1000L - trigger.clock().millis());
    }
    timer = trigger.vertx().setTimer(Math.max(1, delay), t -> {
      timer = -1;
      step();
    });
  }

  /** Reads more records into the batch while it has room and the lane has not read all there is. */
  private Future<Void> fill() {
    if (full || windowEnded || givingUp != null) return Future.succeededFuture();
    StreamDescriptor stream = trigger.currentStream();
    ShardDescriptor current = stream.shard(shardId);
    if (current == null) {
      // Expired with its records (retention): nothing is left to deliver.
      caughtUp = true;
      shardEnded = true;
      return Future.succeededFuture();
    }
    shard = current;
    int lanes = definition.parallelizationFactor();
    int room = definition.batchSize() - pending.size();
    int maxRecords = (int) Math.min(10_000L, (long) room * lanes);
    // A page counts against the server's read budget while it is read, as a GetRecords page does.
    Budget budget = trigger.services().budgets().reads();
    long pageBytes = budget.reserveUpTo(READ_BYTES, LEAST_READ_BYTES);
    if (pageBytes == 0) {
      if (pending.isEmpty()) return Future.failedFuture(new IllegalStateException("the server's read budget is spent; reading again later"));
      // What the lane holds goes now, giving its share of the budget back.
      full = true;
      return Future.succeededFuture();
    }
    return trigger.services().shards().read(stream, current, next, maxRecords, pageBytes)
        .andThen(read -> budget.release(pageBytes))
        .map(page -> {
          take(page, current, lanes);
          return null;
        });
  }

  private void take(ShardPage page, ShardDescriptor current, int lanes) {
    boolean stoppedEarly = false;
    long windowMillis = definition.tumblingWindowSeconds() * 1000L;
    for (ShardRecord record : page.records()) {
      if (lanes > 1 && laneOf(record, lanes) != lane) {
        next = record.offset() + 1;
        continue;
      }
      if (windowMillis > 0) {
        long start = record.arrivalMillis() - Math.floorMod(record.arrivalMillis(), windowMillis);
        if (windowStart < 0) {
          windowStart = start;
          windowState = null;
        } else if (start != windowStart) {
          windowEnded = true;
          stoppedEarly = true;
          break;
        }
      }
      long size = LambdaEvent.sizeOf(record);
      if (!pending.isEmpty() && pendingBytes + size > TriggerDefinition.PAYLOAD_LIMIT_BYTES) {
        full = true;
        stoppedEarly = true;
        break;
      }
      if (!trigger.services().budgets().reads().tryReserve(size)) {
        // Holding nothing, the lane backs off as when a page cannot be read; else it invokes with what it holds.
        if (pending.isEmpty()) throw new IllegalStateException("the server's read budget is spent; reading again later");
        full = true;
        stoppedEarly = true;
        break;
      }
      heldBytes += size;
      if (pending.isEmpty()) firstPendingNanos = System.nanoTime();
      pending.add(record);
      pendingBytes += size;
      next = record.offset() + 1;
      if (pending.size() >= definition.batchSize()) {
        full = true;
        stoppedEarly = true;
        break;
      }
    }
    if (!stoppedEarly) next = Math.max(next, page.nextOffset());
    caughtUp = !stoppedEarly && page.nextOffset() >= page.endOffset();
    // The registry marks a shard closed only after its last append is acknowledged, so its end is final.
    shardEnded = caughtUp && !current.isOpen();
    if (caughtUp && pending.isEmpty()) iteratorAgeMillis = 0;
  }

  private static int laneOf(ShardRecord record, int lanes) {
    return HashKeyRange.hashOf(record.partitionKey()).mod(BigInteger.valueOf(lanes)).intValue();
  }

  /** Invokes, finishes a window or the shard, or waits; true to go on at once. */
  private Future<Boolean> act() {
    long now = trigger.clock().millis();
    if (waitingToRetry()) return Future.succeededFuture(false);
    boolean windowOver = windowStart >= 0
        && (windowEnded || shardEnded || caughtUp && now >= windowStart + definition.tumblingWindowSeconds() * 1000L);
    if (!pending.isEmpty()) {
      boolean ready = full || windowOver || shardEnded || givingUp != null || attempts > 0 || !segmentEnds.isEmpty()
          || System.nanoTime() - firstPendingNanos >= definition.batchingWindowSeconds() * 1_000_000_000L;
      if (!ready) return Future.succeededFuture(!caughtUp);
      if (!full && !caughtUp && !windowOver && definition.batchingWindowSeconds() == 0 && attempts == 0 && segmentEnds.isEmpty()) {
        // Read what is already there before invoking, up to a full batch.
        return Future.succeededFuture(true);
      }
      return deliver(windowOver);
    }
    if (windowOver) return invoke(List.of(), true);
    if (shardEnded) {
      finished = true;
      trigger.laneFinished(shardId);
      return Future.succeededFuture(false);
    }
    return Future.succeededFuture(!caughtUp);
  }

  /** The batch at the head of the pending records: up to the next bisection boundary, if any. */
  private List<ShardRecord> headBatch() {
    if (segmentEnds.isEmpty()) return List.copyOf(pending);
    long end = segmentEnds.peek();
    List<ShardRecord> batch = new ArrayList<>();
    for (ShardRecord record : pending) {
      if (record.offset() > end) break;
      batch.add(record);
    }
    return batch;
  }

  private Future<Boolean> deliver(boolean windowOver) {
    List<ShardRecord> batch = headBatch();
    if (givingUp != null) return giveUp(batch, givingUp);
    if (definition.maximumRecordAgeSeconds() >= 0) {
      long oldest = trigger.clock().millis() - definition.maximumRecordAgeSeconds() * 1000L;
      List<ShardRecord> aged = new ArrayList<>();
      for (ShardRecord record : batch) {
        if (record.arrivalMillis() >= oldest) break;
        aged.add(record);
      }
      if (!aged.isEmpty()) return giveUp(aged, FailureDestination.RECORD_AGE_EXCEEDED);
    }
    return invoke(batch, windowOver && batch.size() == pending.size());
  }

  private Future<Boolean> invoke(List<ShardRecord> batch, boolean lastOfWindow) {
    Window window = null;
    if (definition.tumblingWindowSeconds() > 0 && windowStart >= 0) {
      long end = windowStart + definition.tumblingWindowSeconds() * 1000L;
      window = new Window(windowStart, end, windowState, lastOfWindow,
          lastOfWindow && shardEnded && !windowEnded && trigger.clock().millis() < end);
    }
    Window sent = window;
    if (attempts > 0) trigger.metrics().retry();
    trigger.metrics().invoked();
    return trigger.invoker().invoke(trigger.invokeUrl(), LambdaEvent.encode(trigger.source(shard), batch, window))
        .compose(outcome -> settle(outcome, batch, sent));
  }

  private Future<Boolean> settle(Outcome outcome, List<ShardRecord> batch, Window window) {
    if (outcome instanceof NotInvoked notInvoked) {
      trigger.metrics().error();
      return Future.failedFuture(new IllegalStateException("could not invoke " + trigger.invokeUrl() + ": " + notInvoked.reason()));
    }
    if (outcome instanceof FunctionError error) {
      trigger.metrics().error();
      trigger.failed(shardId, "function error: " + error.reason());
      return failed(batch, error.reason());
    }
    JsonObject answer = ((Succeeded) outcome).answer();
    JsonObject state = answer == null ? null : answer.getValue("state") instanceof JsonObject s ? s : null;
    if (definition.reportBatchItemFailures() && answer != null && answer.getValue("batchItemFailures") != null) {
      int failedAt = firstFailure(answer.getValue("batchItemFailures"), batch);
      if (failedAt == -2) {
        trigger.metrics().error();
        trigger.failed(shardId, "function error: batchItemFailures names a record not in the batch");
        return failed(batch, "InvalidBatchItemFailures");
      }
      if (failedAt >= 0) {
        trigger.metrics().error();
        trigger.failed(shardId, "function reported a failed item: " + batch.get(failedAt).offset());
        List<ShardRecord> done = batch.subList(0, failedAt);
        List<ShardRecord> rest = batch.subList(failedAt, batch.size());
        if (done.isEmpty()) return failed(batch, "BatchItemFailure");
        return accepted(done, state, false).compose(v -> failed(List.copyOf(rest), "BatchItemFailure"));
      }
    }
    return accepted(batch, state, window != null && window.last());
  }

  /**
   * The index in the batch of the lowest sequence number reported failed; -1 when none is reported, -2
   * when an entry is malformed or names no record of the batch (the whole batch failed, as in Lambda).
   */
  private int firstFailure(Object failures, List<ShardRecord> batch) {
    if (!(failures instanceof JsonArray list)) return -2;
    int lowest = Integer.MAX_VALUE;
    for (Object entry : list) {
      if (!(entry instanceof JsonObject item) || !(item.getValue("itemIdentifier") instanceof String id) || id.isEmpty()) return -2;
      int index = -1;
      for (int i = 0; i < batch.size(); i++) {
        ShardRecord record = batch.get(i);
        if (shard.sequenceNumber(record.offset(), record.arrivalMillis()).equals(id)) {
          index = i;
          break;
        }
      }
      if (index < 0) return -2;
      lowest = Math.min(lowest, index);
    }
    return lowest == Integer.MAX_VALUE ? -1 : lowest;
  }

  /** The batch (a prefix of the pending records) is done with: its records leave, the position moves on. */
  private Future<Void> release(List<ShardRecord> batch) {
    if (!batch.isEmpty()) {
      long last = batch.get(batch.size() - 1).offset();
      long batchBytes = 0;
      for (ShardRecord record : batch) batchBytes += LambdaEvent.sizeOf(record);
      pendingBytes -= batchBytes;
      releaseHeld(batchBytes);
      pending.subList(0, batch.size()).clear();
      while (!segmentEnds.isEmpty() && segmentEnds.peek() <= last) segmentEnds.pop();
    }
    full = false;
    attempts = 0;
    backoffMillis = trigger.settings().retryInitialMillis();
    trigger.checkpoints().advance(shardId, lane, new LanePosition(position(), windowStart, windowStart >= 0 ? windowState : null));
    return trigger.checkpoints().save();
  }

  private Future<Boolean> accepted(List<ShardRecord> batch, JsonObject state, boolean closesWindow) {
    long now = trigger.clock().millis();
    if (!batch.isEmpty()) {
      trigger.metrics().delivered(batch.size());
      iteratorAgeMillis = Math.max(0, now - batch.get(batch.size() - 1).arrivalMillis());
    }
    trigger.succeeded();
    if (closesWindow) {
      windowStart = -1;
      windowState = null;
      windowEnded = false;
    } else if (state != null) {
      windowState = state;
    }
    return release(batch).map(true);
  }

  private Future<Boolean> failed(List<ShardRecord> batch, String functionError) {
    lastFunctionError = functionError;
    if (definition.bisectOnError() && batch.size() > 1) {
      segmentEnds.push(batch.get((batch.size() - 1) / 2).offset());
      attempts = 0;
      return Future.succeededFuture(true);
    }
    // The batch at the head is now exactly the failed records.
    if (!batch.isEmpty()) segmentEnds.push(batch.get(batch.size() - 1).offset());
    attempts++;
    if (definition.maximumRetryAttempts() >= 0 && attempts > definition.maximumRetryAttempts()) {
      givingUp = FailureDestination.RETRIES_EXHAUSTED;
      return giveUp(batch, givingUp);
    }
    notBeforeNanos = System.nanoTime() + 1_000_000 * Math.min(trigger.settings().retryMaxMillis(),
        trigger.settings().retryInitialMillis() << Math.min(20, attempts - 1));
    return Future.succeededFuture(false);
  }

  /** Describes the records to the failure destination (if any) and moves past them. */
  private Future<Boolean> giveUp(List<ShardRecord> batch, String condition) {
    FailureDestination destination = trigger.destination();
    Future<Void> sent = destination == null ? Future.succeededFuture()
        : destination.send(shard, FailureDestination.describe(trigger.functionArn(), definition.eventSourceArn(), shard, batch,
            condition, attempts, condition.equals(FailureDestination.RETRIES_EXHAUSTED) ? lastFunctionError : null,
            trigger.clock().millis()));
    return sent.compose(v -> {
      LOG.info("trigger {} {} lane {}: {} records from offset {} given up ({})", definition.uuid(), shardId, lane,
          batch.size(), batch.get(0).offset(), condition);
      trigger.metrics().discarded(batch.size());
      givingUp = null;
      return release(batch);
    }).map(true);
  }
}
