package io.tributary.replication;

import io.tributary.log.ShardLog;
import io.tributary.log.WriterFence;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.function.Supplier;

/**
 * A shard's log as its verticle sees it in a replicated cluster: appends go through the shard's group to its
 * leader (and are acknowledged once committed and applied here), reads come from this node's replica, which
 * holds committed records only. It runs on the verticle's context and hops to the group's for the replica.
 */
final class ReplicatedShardLog implements ShardLog {
  private final ShardGroups groups;
  private final String address;
  private final ShardReplica replica;
  private final Context here;
  private final Context group;

  ReplicatedShardLog(ShardGroups groups, String address, ShardReplica replica, Context here, Context group) {
    this.groups = groups;
    this.address = address;
    this.replica = replica;
    this.here = here;
    this.group = group;
  }

  @Override
  public Future<Long> append(List<Entry> entries) {
    return appendStamped(entries).map(Stamp::firstOffset);
  }

  @Override
  public Future<Stamp> appendStamped(List<Entry> entries) {
    return groups.append(address, entries, null, here);
  }

  /** Fences are entries of the group's log: every replica applies them in order with the appends. */
  @Override
  public boolean keepsFences() {
    return true;
  }

  @Override
  public Future<Stamp> appendStamped(List<Entry> entries, WriterFence fence) {
    return groups.append(address, entries, fence, here);
  }

  @Override
  public Future<Void> fence(WriterFence fence) {
    return groups.fence(address, fence, here).mapEmpty();
  }

  @Override
  public Future<Void> seal() {
    return groups.seal(address, here).mapEmpty();
  }

  @Override
  public boolean sealed() {
    return replica.sealed();
  }

  @Override
  public void onReplicated(Runnable listener) {
    replica.onGrown(() -> here.runOnContext(v -> listener.run()));
  }

  @Override
  public Future<Page> read(long fromOffset, int maxRecords, long maxBytes) {
    return onGroup(() -> replica.log().read(fromOffset, maxRecords, maxBytes));
  }

  @Override
  public long startOffset() {
    return replica.log().startOffset();
  }

  @Override
  public long endOffset() {
    return replica.log().endOffset();
  }

  @Override
  public long lastArrivalMillis() {
    return replica.log().lastArrivalMillis();
  }

  @Override
  public Future<Long> offsetAtOrAfter(long arrivalMillis) {
    return onGroup(() -> replica.log().offsetAtOrAfter(arrivalMillis));
  }

  @Override
  public void setRetentionMillis(long millis) {
    group.runOnContext(v -> replica.log().setRetentionMillis(millis));
  }

  /** The replica stays open: the group applies entries to it whether or not a verticle reads it. */
  @Override
  public Future<Void> close() {
    replica.onGrown(() -> { });
    return Future.succeededFuture();
  }

  /** Runs a call of the replica's log on the group's context; its result comes back on this one. */
  private <T> Future<T> onGroup(Supplier<Future<T>> call) {
    Promise<T> answered = Promise.promise();
    group.runOnContext(v -> call.get().onComplete(result -> here.runOnContext(w -> answered.handle(result))));
    return answered.future();
  }
}
