package io.tributary.api;

import io.tributary.limits.Budget;
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
 *
 * <p>The body is held against the server's request budget ({@code limits.inflight.request.bytes}): a
 * declared length is reserved whole before the body is read, a chunked or HTTP/2 body as it arrives. When
 * the budget has no room the read fails with {@link OverBudget}, which the caller answers with a throttling
 * error; the bytes of a body read in full stay reserved until the caller releases them ({@link Received}).
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

  /** The request budget has no room for the body. */
  static final class OverBudget extends RuntimeException {
    OverBudget() {
      super("request budget spent", null, false, false);
    }
  }

  /** A body read in full, and the bytes it holds of the request budget until {@link #release}. */
  record Received(Buffer body, Budget budget, long reserved) {
    void release() {
      budget.release(reserved);
    }
  }

  private RequestBody() { }

  static Future<Received> read(Vertx vertx, HttpServerRequest request, long maxBytes, long timeoutMs, Budget budget) {
    Promise<Received> promise = Promise.promise();
    long declared = declaredLength(request);
    if (declared > maxBytes) {
      promise.fail(new Refused(413));
      return promise.future();
    }
    long[] reserved = {Math.max(0, declared)};
    if (!budget.tryReserve(reserved[0])) {
      promise.fail(new OverBudget());
      return promise.future();
    }
    // Sized from the declared length, so a large body is not copied again each time the buffer grows.
    Buffer body = declared > 0 ? Buffer.buffer((int) declared) : Buffer.buffer();
    long timer = vertx.setTimer(timeoutMs, id -> promise.tryFail(new Refused(408)));
    request.handler(chunk -> {
      if (promise.future().isComplete()) return;
      long length = body.length() + (long) chunk.length();
      if (length > maxBytes) {
        promise.tryFail(new Refused(413));
      } else if (length > reserved[0] && !budget.tryReserve(length - reserved[0])) {
        promise.tryFail(new OverBudget());
      } else {
        reserved[0] = Math.max(reserved[0], length);
        body.appendBuffer(chunk);
      }
    });
    request.endHandler(v -> promise.tryComplete(new Received(body, budget, reserved[0])));
    request.exceptionHandler(promise::tryFail);
    return promise.future().onComplete(done -> {
      vertx.cancelTimer(timer);
      if (done.failed()) budget.release(reserved[0]);
    });
  }

  /** Answers a request whose body was refused or failed, and stops reading it. */
  static void reject(HttpServerRequest request, Throwable failure) {
    HttpServerResponse response = request.response();
    if (!(failure instanceof Refused refused) || response.ended() || response.closed()) {
      if (!response.ended()) response.reset();
      return;
    }
    if (request.version() != HttpVersion.HTTP_2) response.putHeader("Connection", "close");
    response.setStatusCode(refused.status);
    endAndStopReading(request, Buffer.buffer());
  }

  /**
   * Ends the response and then drops the rest of the request's body: the HTTP/1.x connection is closed
   * (the caller has put {@code Connection: close}), the HTTP/2 stream reset.
   */
  static void endAndStopReading(HttpServerRequest request, Buffer answer) {
    HttpServerResponse response = request.response();
    boolean http2 = request.version() == HttpVersion.HTTP_2;
    response.end(answer).onComplete(done -> {
      if (http2) {
        response.reset();
      } else {
        request.connection().close();
      }
    });
  }

  /** The request's Content-Length, or -1 when it declares none (or an unreadable one). */
  static long declaredLength(HttpServerRequest request) {
    String value = request.getHeader("Content-Length");
    if (value == null) return -1;
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
