package io.tributary.cluster.metadata;

import io.tributary.stream.CatalogConflictException;
import io.tributary.stream.StreamCatalog;
import io.tributary.stream.StreamCatalogFile;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftClientReply;

/**
 * The catalog kept by the metadata group: a write is one entry of the group's log, kept once a majority of
 * the voters holds it and applied by every voter's {@link CatalogStateMachine}. Writes are sent with Ratis's
 * asynchronous client and answered on the group's Vert.x context; none blocks the caller.
 *
 * <p>A write that no majority kept within the commit timeout fails, and its client, with the retries it had
 * under way, is closed (the next write takes a new one). Its outcome is unknown rather than refused: the
 * leader may have it in its log and keep it later; if so, every node installs it like any other entry.
 */
final class RaftStreamCatalog implements StreamCatalog {
  private final Context context;
  private final Supplier<RaftClient> clients;
  private final CatalogStateMachine machine;
  private final Duration commitTimeout;
  private RaftClient client;

  RaftStreamCatalog(Context context, Supplier<RaftClient> clients, CatalogStateMachine machine, Duration commitTimeout) {
    this.context = context;
    this.clients = clients;
    this.machine = machine;
    this.commitTimeout = commitTimeout;
  }

  /** What this node's voter has applied so far. */
  @Override
  public Future<Contents> load() {
    return Future.succeededFuture(machine.state().contents());
  }

  @Override
  public Future<Void> write(Contents contents) {
    return Future.failedFuture(new IllegalStateException("a write to the cluster's catalog names its base version"));
  }

  @Override
  public Future<Void> write(Contents contents, long baseVersion) {
    RaftClient sending = client();
    Promise<Void> written = Promise.promise();
    long timer = context.owner().setTimer(commitTimeout.toMillis(), fired -> context.runOnContext(v -> {
      retire(sending);
      written.tryFail(new TimeoutException("no majority of the metadata group kept the change within "
          + commitTimeout.toMillis() + " ms"));
    }));
    sending.async().send(CatalogEntries.write(baseVersion, contents)).whenComplete((reply, failure) ->
        context.runOnContext(v -> {
          context.owner().cancelTimer(timer);
          if (failure != null || !reply.isSuccess()) {
            retire(sending);
            written.tryFail(failure != null ? failure : reply.getException());
          } else {
            settle(reply, written);
          }
        }));
    return written.future();
  }

  /** Closes the client. */
  Future<Void> close() {
    RaftClient last;
    synchronized (this) {
      last = client;
      client = null;
    }
    return last == null ? Future.succeededFuture() : closeOnWorker(last);
  }

  private synchronized RaftClient client() {
    if (client == null) client = clients.get();
    return client;
  }

  /**
   * Replaces a client whose write failed, was refused by the group (an entry too large) or timed out:
   * Ratis's ordered asynchronous client stops taking requests once one has failed, and closing it also
   * stops its retries of the abandoned write.
   */
  private void retire(RaftClient failed) {
    synchronized (this) {
      if (client != failed) return;
      client = null;
    }
    closeOnWorker(failed);
  }

  private Future<Void> closeOnWorker(RaftClient closing) {
    return context.owner().executeBlocking(() -> {
      closing.close();
      return null;
    }, false);
  }

  private static void settle(RaftClientReply reply, Promise<Void> written) {
    CatalogEntries.Outcome outcome = CatalogEntries.outcome(reply.getMessage().getContent());
    if (outcome.applied()) {
      written.tryComplete();
    } else {
      written.tryFail(new CatalogConflictException(StreamCatalogFile.contentsFromJson(outcome.contents()),
          outcome.version()));
    }
  }
}
