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
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;

/**
 * The catalog kept by the metadata group: a write is one entry of the group's log, kept once a majority of
 * the voters holds it and applied by every voter's {@link CatalogStateMachine}. The entry carries what the
 * write changes in the catalog of its base version when this node knows that catalog (it almost always
 * does: it is the one its writer installed or kept last), and the whole catalog otherwise. A write based on
 * a version older than one this node has seen kept is refused at once, as the group would refuse it. Writes are sent with Ratis's
 * asynchronous client and answered on the group's Vert.x context; none blocks the caller.
 *
 * <p>A write that no majority kept within the commit timeout fails, and its client, with the retries it had
 * under way, is closed (the next write takes a new one). Its outcome is unknown rather than refused: the
 * leader may have it in its log and keep it later; if so, every node installs it like any other entry.
 */
final class RaftStreamCatalog implements StreamCatalog {
  private final Context context;
  private final GroupClient client;
  private final CatalogStateMachine machine;
  private final Duration commitTimeout;
  /** The newest catalog this node has seen kept, and its version: what a write's change is taken against. */
  private long knownVersion = -1;
  private Contents known = Contents.EMPTY;

  RaftStreamCatalog(Context context, Supplier<RaftClient> clients, CatalogStateMachine machine, Duration commitTimeout) {
    this.context = context;
    this.client = new GroupClient(context, clients);
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
    Message entry;
    synchronized (this) {
      if (baseVersion < knownVersion) {
        // The group is past the base already: the write would only come back refused.
        return Future.failedFuture(new CatalogConflictException(known, knownVersion));
      }
      entry = baseVersion == knownVersion
          ? CatalogEntries.change(baseVersion, CatalogChange.between(known, contents))
          : CatalogEntries.write(baseVersion, contents);
    }
    RaftClient sending = client.get();
    Promise<Void> written = Promise.promise();
    long timer = context.owner().setTimer(commitTimeout.toMillis(), fired -> context.runOnContext(v -> {
      client.retire(sending);
      written.tryFail(new TimeoutException("no majority of the metadata group kept the change within "
          + commitTimeout.toMillis() + " ms"));
    }));
    sending.async().send(entry).whenComplete((reply, failure) ->
        context.runOnContext(v -> {
          context.owner().cancelTimer(timer);
          if (failure != null || !reply.isSuccess()) {
            client.retire(sending);
            written.tryFail(failure != null ? failure : reply.getException());
          } else {
            settle(reply, contents, baseVersion, written);
          }
        }));
    return written.future();
  }

  /** Closes the client. */
  Future<Void> close() {
    return client.close();
  }

  /**
   * Remembers a catalog this node's voter applied, if it is newer than any known. A write's changes are told
   * apart from the known catalog by identity, so it must be the very catalog the writer holds: the writer
   * installs this one only when it is newer too.
   */
  synchronized void applied(Contents contents, long version) {
    if (version <= knownVersion) return;
    knownVersion = version;
    known = contents;
  }

  /**
   * Remembers what the writer takes from a write's outcome (its own contents kept, or the group's after a
   * conflict), even over the same version applied here first: the writer holds these, not that.
   */
  private synchronized void answered(Contents contents, long version) {
    if (version < knownVersion) return;
    knownVersion = version;
    known = contents;
  }

  private void settle(RaftClientReply reply, Contents contents, long baseVersion, Promise<Void> written) {
    CatalogEntries.Outcome outcome = CatalogEntries.outcome(reply.getMessage().getContent());
    if (outcome.applied()) {
      answered(contents, baseVersion + 1);
      written.tryComplete();
    } else {
      Contents current = StreamCatalogFile.contentsFromJson(outcome.contents());
      answered(current, outcome.version());
      written.tryFail(new CatalogConflictException(current, outcome.version()));
    }
  }
}
