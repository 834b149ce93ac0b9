package io.tributary.api;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the connections of all API listeners of a server together at {@code limits.connections}: a
 * connection beyond is closed at once. Vert.x hands a connection over once it knows its protocol (after
 * the HTTP/2 preface, or the first request's headers on HTTP/1.1), so that is when it counts.
 */
final class ConnectionGuard {
  /** The count of open API connections, one per Vert.x instance. */
  private static final class OpenConnections extends AtomicInteger implements Shareable { }

  private final OpenConnections open;
  private final int limit;

  ConnectionGuard(Vertx vertx, int limit) {
    var shared = vertx.sharedData().<String, OpenConnections>getLocalMap("tributary.api");
    shared.putIfAbsent("connections", new OpenConnections());
    this.open = shared.get("connections");
    this.limit = limit;
  }

  void connected(HttpConnection connection) {
    if (open.incrementAndGet() > limit) {
      open.decrementAndGet();
      connection.close();
      return;
    }
    connection.closeHandler(v -> open.decrementAndGet());
  }
}
