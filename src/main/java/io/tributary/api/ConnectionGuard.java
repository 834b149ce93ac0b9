package io.tributary.api;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.shareddata.Shareable;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Guards the connections of one API listener instance: all listeners of a server together hold at most
 * {@code limits.connections} connections (one beyond is closed at once), and a connection whose first
 * request has not arrived within {@code limits.request.timeout.ms} of connecting is closed (slow
 * headers). Called on the listener's event loop only; the count is shared by every instance.
 */
final class ConnectionGuard {
  /** The count of open API connections, one per Vert.x instance. */
  private static final class OpenConnections extends AtomicInteger implements Shareable { }

  private final Vertx vertx;
  private final OpenConnections open;
  private final int limit;
  private final long requestTimeoutMs;
  /** Connections still waiting for their first request, with the timer that closes them. */
  private final Map<HttpConnection, Long> awaitingFirstRequest = new HashMap<>();

  ConnectionGuard(Vertx vertx, int limit, long requestTimeoutMs) {
    this.vertx = vertx;
    var shared = vertx.sharedData().<String, OpenConnections>getLocalMap("tributary.api");
    OpenConnections existing = shared.putIfAbsent("connections", new OpenConnections());
    this.open = existing != null ? existing : shared.get("connections");
    this.limit = limit;
    this.requestTimeoutMs = requestTimeoutMs;
  }

  void connected(HttpConnection connection) {
    if (open.incrementAndGet() > limit) {
      open.decrementAndGet();
      connection.close();
      return;
    }
    long timer = vertx.setTimer(requestTimeoutMs, id -> {
      if (awaitingFirstRequest.remove(connection) != null) connection.close();
    });
    awaitingFirstRequest.put(connection, timer);
    connection.closeHandler(v -> {
      open.decrementAndGet();
      Long pending = awaitingFirstRequest.remove(connection);
      if (pending != null) vertx.cancelTimer(pending);
    });
  }

  void requestArrived(HttpConnection connection) {
    Long pending = awaitingFirstRequest.remove(connection);
    if (pending != null) vertx.cancelTimer(pending);
  }
}
