package io.tributary.trigger;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/**
 * POSTs an event to a trigger's target and tells what came of it, as Lambda's synchronous invoke does: the
 * function succeeded (2xx without {@code X-Amz-Function-Error}; its JSON answer, if any, may carry
 * {@code batchItemFailures} and {@code state}); the function failed (any other status, that header as a
 * Lambda invoke URL sets it, a connection lost or no answer within the timeout); or it was not invoked
 * (no connection, or 429: throttled), which, as in Lambda, does not count as a retry. Answers are read to at
 * most the payload limit. Uses the verticle's client, whose pool bounds the connections per target.
 */
final class FunctionInvoker {
  /** What an invocation came to. */
  sealed interface Outcome { }

  /** The function returned; {@code answer} is its JSON object, or null when it answered something else. */
  record Succeeded(JsonObject answer) implements Outcome { }

  /** The function ran and failed, or its outcome is unknown. */
  record FunctionError(String reason) implements Outcome { }

  /** The function could not be reached. */
  record NotInvoked(String reason) implements Outcome { }

  private final HttpClient client;
  private final long timeoutMillis;

  FunctionInvoker(HttpClient client, long timeoutMillis) {
    this.client = client;
    this.timeoutMillis = timeoutMillis;
  }

  /** Invokes; never fails, every failure is an outcome. */
  Future<Outcome> invoke(String url, Buffer event) {
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setAbsoluteURI(url)
        .setIdleTimeout(timeoutMillis)
        .putHeader("Content-Type", "application/json")
        .putHeader("X-Amz-Invocation-Type", "RequestResponse");
    Future<Outcome> outcome = client.request(options).transform(connected -> {
      if (connected.failed()) return Future.succeededFuture(new NotInvoked(String.valueOf(connected.cause().getMessage())));
      HttpClientRequest request = connected.result();
      return request.send(event)
          .compose(this::read)
          .recover(failure -> Future.succeededFuture(new FunctionError(String.valueOf(failure.getMessage()))));
    });
    return outcome.timeout(timeoutMillis + 1_000, TimeUnit.MILLISECONDS)
        .recover(failure -> Future.succeededFuture(new FunctionError("no answer within " + timeoutMillis + " ms")));
  }

  private Future<Outcome> read(HttpClientResponse response) {
    String length = response.getHeader("Content-Length");
    if (length != null && parseLength(length) > TriggerDefinition.PAYLOAD_LIMIT_BYTES) {
      response.request().reset();
      return Future.succeededFuture(new FunctionError("the answer is larger than " + TriggerDefinition.PAYLOAD_LIMIT_BYTES + " bytes"));
    }
    Promise<Buffer> body = Promise.promise();
    Buffer collected = Buffer.buffer();
    response.handler(chunk -> {
      if (collected.length() + chunk.length() > TriggerDefinition.PAYLOAD_LIMIT_BYTES) {
        body.tryFail("the answer is larger than " + TriggerDefinition.PAYLOAD_LIMIT_BYTES + " bytes");
        response.request().reset();
      } else {
        collected.appendBuffer(chunk);
      }
    });
    response.exceptionHandler(body::tryFail);
    response.endHandler(v -> body.tryComplete(collected));
    return body.future().map(content -> {
      int status = response.statusCode();
      if (status == 429) return new NotInvoked("throttled (429)");
      if (status < 200 || status > 299) return new FunctionError("HTTP " + status);
      String functionError = response.getHeader("X-Amz-Function-Error");
      if (functionError != null) return new FunctionError(functionError);
      return new Succeeded(json(content));
    });
  }

  private static long parseLength(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  private static JsonObject json(Buffer content) {
    if (content.length() == 0) return null;
    try {
      return new JsonObject(content);
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }
}
