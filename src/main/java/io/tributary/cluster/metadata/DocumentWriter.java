package io.tributary.cluster.metadata;

import io.tributary.stream.SharedDocuments;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;

/**
 * The cluster's shared documents, kept by the metadata group ({@link CatalogStateMachine}): a write is one
 * entry, applied whatever the catalog's version, so it never conflicts with catalog writes; the last write of
 * a name wins. A write completes once the group kept it and this node applied it.
 */
final class DocumentWriter implements SharedDocuments {
  private final Context context;
  private final GroupClient client;
  private final CatalogStateMachine machine;
  private final Duration commitTimeout;
  private final List<Consumer<Map<String, JsonObject>>> listeners = new CopyOnWriteArrayList<>();

  DocumentWriter(Context context, Supplier<RaftClient> clients, CatalogStateMachine machine, Duration commitTimeout) {
    this.context = context;
    this.client = new GroupClient(context, clients);
    this.machine = machine;
    this.commitTimeout = commitTimeout;
    machine.listenDocuments(documents -> listeners.forEach(listener -> listener.accept(documents)));
  }

  @Override
  public Map<String, JsonObject> current() {
    return machine.state().documents();
  }

  @Override
  public Future<Void> put(String name, JsonObject document) {
    Context caller = Vertx.currentContext() != null ? Vertx.currentContext() : context;
    Promise<Void> done = Promise.promise();
    RaftClient sending = client.get();
    long deadline = System.currentTimeMillis() + commitTimeout.toMillis();
    sending.async().send(CatalogEntries.document(name, document))
        .orTimeout(commitTimeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((reply, failure) -> context.runOnContext(v -> {
          if (failure != null || !reply.isSuccess()) {
            client.retire(sending);
            Throwable cause = failure != null ? failure : reply.getException();
            caller.runOnContext(w -> done.fail(cause instanceof TimeoutException
                ? new TimeoutException("no majority of the metadata group kept the write of " + name + " within "
                    + commitTimeout.toMillis() + " ms") : cause));
            return;
          }
          long index = reply.getLogIndex();
          AppliedWait.until(context.owner(), () -> machine.getLastAppliedTermIndex().getIndex() >= index, deadline,
              "metadata entry " + index).onComplete(applied -> caller.runOnContext(w -> done.handle(applied)));
        }));
    return done.future();
  }

  @Override
  public void follow(Context on, Consumer<Map<String, JsonObject>> listener) {
    listeners.add(documents -> on.runOnContext(v -> listener.accept(documents)));
  }

  Future<Void> close() {
    return client.close();
  }
}
