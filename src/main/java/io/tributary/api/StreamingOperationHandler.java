package io.tributary.api;

import io.tributary.api.wire.Input;
import io.tributary.api.wire.Response;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;

/**
 * An operation whose answer is a stream rather than one document (SubscribeToShard). The front end runs
 * the same checks as for any operation, then calls {@link #open}: a failure is answered as an ordinary
 * error in the request's format; a success gets the response with status 200 (chunked over HTTP/1.1) and
 * writes it itself, for as long as it likes, then ends it.
 */
public interface StreamingOperationHandler extends OperationHandler {

  /** The answer's writer, once every check has passed; fails with a {@link KinesisException} otherwise. */
  Future<StreamingAnswer> open(RequestContext context, Input input);

  @Override
  default Future<Response> handle(RequestContext context, Input input) {
    throw new UnsupportedOperationException("a streaming operation is answered through open()");
  }

  /** Writes a streamed answer: sets its content type, writes as it goes and ends the response. */
  @FunctionalInterface
  interface StreamingAnswer {
    void start(HttpServerResponse response);
  }
}
