package io.tributary.cluster.metadata;

import io.tributary.shard.ShardOwnership;
import io.tributary.stream.StreamCatalog;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;

/**
 * Changes the shard ownership through the metadata group: the change is computed against the catalog and
 * ownership this node has applied, sent as one entry based on their version, and, when another write got
 * there first, computed again once this node has applied that write. It completes with the ownership as
 * this node applied it, so that what the caller does next sees its own change.
 */
public final class OwnershipWriter {

  /** A change of the ownership, given the catalog it applies to; returns the same value for no change. */
  @FunctionalInterface
  public interface Change {
    ShardOwnership apply(StreamCatalog.Contents catalog, ShardOwnership ownership);
  }

  private static final int ATTEMPTS = 50;
  private static final long FAILED_RETRY_MILLIS = 200;
  private final Context context;
  private final GroupClient client;
  private final CatalogStateMachine machine;
  private final Duration commitTimeout;

  OwnershipWriter(Context context, Supplier<RaftClient> clients, CatalogStateMachine machine, Duration commitTimeout) {
    this.context = context;
    this.client = new GroupClient(context, clients);
    this.machine = machine;
    this.commitTimeout = commitTimeout;
  }

  /** The ownership this node has applied. */
  public ShardOwnership current() {
    return machine.state().ownership();
  }

  /** Applies the change in the group; completes with the ownership this node then holds. */
  public Future<ShardOwnership> update(Change change) {
    Promise<ShardOwnership> done = Promise.promise();
    context.runOnContext(v -> attempt(change, ATTEMPTS, done));
    return done.future();
  }

  private void attempt(Change change, int attemptsLeft, Promise<ShardOwnership> done) {
    CatalogStateMachine.State state = machine.state();
    ShardOwnership next;
    try {
      next = change.apply(state.contents(), state.ownership());
    } catch (RuntimeException e) {
      done.fail(e);
      return;
    }
    if (next.sameAs(state.ownership())) {
      done.complete(state.ownership());
      return;
    }
    RaftClient sending = client.get();
    sending.async().send(CatalogEntries.ownership(state.version(), next))
        .orTimeout(commitTimeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((reply, failure) -> context.runOnContext(v -> {
          if (failure != null || !reply.isSuccess()) {
            // An election under way (a node starting with the group) or a lost leader: a new client finds
            // the next leader, and the change is computed again against what this node has applied.
            client.retire(sending);
            Throwable cause = failure != null ? failure : reply.getException();
            if (attemptsLeft <= 1) {
              done.fail(cause instanceof TimeoutException
                  ? new TimeoutException("no majority of the metadata group kept the ownership change within "
                      + commitTimeout.toMillis() + " ms") : cause);
            } else {
              context.owner().setTimer(FAILED_RETRY_MILLIS, t -> attempt(change, attemptsLeft - 1, done));
            }
            return;
          }
          CatalogEntries.Outcome outcome = CatalogEntries.outcome(reply.getMessage().getContent());
          long seen = outcome.applied() ? state.version() + 1 : outcome.version();
          AppliedWait.until(context.owner(), () -> machine.state().version() >= seen,
              System.currentTimeMillis() + commitTimeout.toMillis(), "metadata version " + seen).onComplete(applied -> {
            if (applied.failed()) {
              done.fail(applied.cause());
            } else if (outcome.applied()) {
              done.complete(machine.state().ownership());
            } else if (attemptsLeft <= 1) {
              done.fail(new IllegalStateException("the shard ownership kept changing under " + ATTEMPTS + " attempts"));
            } else {
              attempt(change, attemptsLeft - 1, done);
            }
          });
        }));
  }

  Future<Void> close() {
    return client.close();
  }
}
