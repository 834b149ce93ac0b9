package io.tributary.api;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;

/**
 * Reads a request body within limits: a declared Content-Length above the limit is refused before a byte
 * of the body is read, and a chunked or HTTP/2 body (which need declare no length) as soon as what has
 * arrived exceeds it; a body not complete within the request timeout is refused too. A refused request
 * gets its answer (413, as AWS answers an oversized request, or 408) and its connection closed (HTTP/1.x) or
 * its stream reset (HTTP/2), so the rest of the body is never read.
 */
final class RequestBody {
  /** Why a body was refused. */
  private static final class Refused extends RuntimeException {
    final int status;

    Refused(int status) {
      super(null, null, false, false);
      this.status = status;
    }
  }

  private RequestBody() { }

  static Future<Buffer> read(Vertx vertx, HttpServerRequest request, long maxBytes, long timeoutMs) {
    Promise<Buffer> promise = Promise.promise();
    if (declaredLength(request) > maxBytes) {
      promise.fail(new Refused(413));
      return promise.future();
    }
    Buffer body = Buffer.buffer();
    long timer = vertx.setTimer(timeoutMs, id -> promise.tryFail(new Refused(408)));
    request.handler(chunk -> {
      if (promise.future().isComplete()) return;
      if (body.length() + (long) chunk.length() > maxBytes) {
        promise.tryFail(new Refused(413));
      } else {
        body.appendBuffer(chunk);
      }
    });
    request.endHandler(v -> promise.tryComplete(body));
    request.exceptionHandler(promise::tryFail);
    return promise.future().onComplete(done -> vertx.cancelTimer(timer));
  }

  /** Answers a request whose body was refused or failed, and stops reading it. */
  static void reject(HttpServerRequest request, Throwable failure) {
    HttpServerResponse response = request.response();
    if (!(failure instanceof Refused refused) || response.ended() || response.closed()) {
      if (!response.ended()) response.reset();
      return;
    }
    boolean http2 = request.version() == HttpVersion.HTTP_2;
    if (!http2) response.putHeader("Connection", "close");
    response.setStatusCode(refused.status).end().onComplete(done -> {
      if (http2) {
        response.reset();
      } else {
        request.connection().close();
      }
    });
  }

  private static long declaredLength(HttpServerRequest request) {
    String value = request.getHeader("Content-Length");
    if (value == null) return -1;
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
