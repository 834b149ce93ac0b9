package io.tributary.metrics;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers a management request that is refused before its body is read (401, 413) with
 * {@code {"error": "..."}}. When the body has not arrived in full, the connection is closed after the
 * answer (HTTP/1.x) or the stream reset (HTTP/2), so that the rest of the body is never read.
 */
final class ManagementRefusal {
  private ManagementRefusal() { }

  static void refuse(RoutingContext ctx, int status, String message) {
    HttpServerRequest request = ctx.request();
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) return;
    boolean unread = !request.isEnded();
    boolean http2 = request.version() == HttpVersion.HTTP_2;
    if (unread && !http2) response.putHeader("Connection", "close");
    response.setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", message).encode())
        .onComplete(done -> {
          if (!unread) return;
          if (http2) {
            response.reset();
          } else {
            request.connection().close();
          }
        });
  }
}
