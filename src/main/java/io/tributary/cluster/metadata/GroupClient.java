package io.tributary.cluster.metadata;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;

/**
 * One Ratis client to the metadata group at a time, made when first needed. A client whose write failed,
 * was refused by the group (an entry too large) or timed out is retired: Ratis's ordered asynchronous client
 * stops taking requests once one has failed, and closing it also stops its retries of the abandoned write.
 * Clients are closed on a worker: closing waits for their threads.
 */
final class GroupClient {
  private final Context context;
  private final Supplier<RaftClient> clients;
  private RaftClient client;

  GroupClient(Context context, Supplier<RaftClient> clients) {
    this.context = context;
    this.clients = clients;
  }

  synchronized RaftClient get() {
    if (client == null) client = clients.get();
    return client;
  }

  /** Closes the client, if it is still the current one; the next write takes a new one. */
  void retire(RaftClient failed) {
    synchronized (this) {
      if (client != failed) return;
      client = null;
    }
    closeOnWorker(failed);
  }

  Future<Void> close() {
    RaftClient last;
    synchronized (this) {
      last = client;
      client = null;
    }
    return last == null ? Future.succeededFuture() : closeOnWorker(last);
  }

  private Future<Void> closeOnWorker(RaftClient closing) {
    return context.owner().executeBlocking(() -> {
      closing.close();
      return null;
    }, false);
  }
}
